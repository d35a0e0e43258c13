// 住户回访 in the real window with demo data: the quarter's plan shown by area; a visit without a
// unit refused beside the field; a visit recorded by keyboard with one item left for handling (it
// becomes a 前台登记 at once) and one answered on the spot; the plan counts the household; a
// supervisor voids the visit with a reason.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { launch } from '../lib.mjs'

const app = await launch('visits')
after(() => app.stop())
before(() => app.demoSignedIn())

test('住户回访: a visit recorded by keyboard, its open item made a 前台登记, counted in the plan, then voided', async () => {
  await app.screen('visits')
  await app.waitText('#visit-plan', '本季度应回访')
  const done = async () => Number(await app.text('#visit-done'))
  const before = await done()
  // No unit: refused beside the field, nothing saved.
  await app.type('item_content_0', '楼道灯经常不亮')
  await app.keys(['Control', 'Enter'])
  await app.waitText('#visit-form', '请填写回访的房号')
  // A second item, answered on the spot.
  await app.type('visit_unit', '3-2-502')
  await app.type('visit_met', '张先生')
  await app.keys('F3')
  await app.type('item_content_1', '希望增加快递柜')
  await app.type('item_answer_1', '已登记，下月安装')
  const no = await app.numberAfter(() => app.keys(['Control', 'Enter']), '转前台登记 1 条', /LH-ZF\d{4}-\d+/)
  await app.waitText('#visit-list', no)
  await app.waitText('#visit-list', '（转LH-DJ')
  await app.waitText('#visit-list', '（已答复）')
  await app.browser.waitUntil(async () => (await done()) === before + 1, { timeout: 20000, timeoutMsg: 'the plan did not count the visit' })
  // Voided by the supervisor, with a reason; the plan no longer counts it.
  await app.click('.visit-void')
  await app.type('visit_void_reason', '记错房号')
  await app.click('#visit-void-save')
  await app.success(`已作废回访记录 ${no}`)
  await app.waitText('#visit-list', '已作废：记错房号')
  await app.browser.waitUntil(async () => (await done()) === before, { timeout: 20000, timeoutMsg: 'the void still counted' })
  assert.ok(before >= 0)
})

// 值班与交接班 in the real window with demo data: a shift started, an entry logged by keyboard,
// the handover written (注意事项, a key lent out) and accepted by another clerk typing their own
// password (the outgoing clerk cannot accept it), the record printed; the next clerk sees the
// unconverted entry on 前台登记's banner and converts it into an intake that keeps the reported time;
// an entry that needs no action closed with a reason; the handovers exported as Excel.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch } from '../lib.mjs'

const app = await launch('duty')
after(() => app.stop())
before(() => app.demoSignedIn())

test('a shift is logged, handed over and accepted by another clerk; the next shift converts the open entry', async () => {
  await app.screen('duty')
  await app.visible('#duty-start')
  await app.keys('F2')
  await app.success('已开始值班')
  await app.waitText('#duty-shift', '王主管')
  await app.type('duty_content', '业主来电：卫生间天花板漏水')
  await app.type('duty_unit', '3-2-502')
  await app.type('duty_caller', '张先生')
  await app.keys(['Control', 'Enter'])
  await app.waitText('#duty-open', '卫生间天花板漏水')
  await app.waitText('#duty-log', '卫生间天花板漏水')

  await app.keys('F8')
  await app.visible('#handover-dialog')
  await app.type('handover_notes', '明早 10 点停水检修')
  await app.click('#lent-add')
  await app.type('lent_item_0', '3 栋天台钥匙')
  await app.type('lent_to_0', '孙师傅')
  const no = await app.numberAfter(() => app.click('#handover-save'), '已交班', /LH-JJ\d{4}-\d+/)
  await app.waitText('#duty-pending', '等待接班人登录接班')
  // The outgoing clerk cannot accept their own handover.
  await app.type('accept_login', 'wang')
  await app.type('accept_password', 'demo1234')
  await app.click('#accept-save')
  await app.waitText('#duty-pending', '不能是交班人本人')
  await app.type('accept_login', 'li')
  await app.type('accept_password', 'demo1234')
  await app.type('accept_note', '钥匙已清点')
  await app.click('#accept-save')
  await app.success(`已接班 ${no}`)
  await app.waitText('#duty-shift', '李前台')
  await app.waitText('#handover-list', no)
  await app.waitText('#handover-list', '李前台')
  await app.click('.handover-print')
  await app.success(`已生成交接班记录 ${no}`)
  const pdf = join(app.dataDir, 'documents', '交接班记录', `${no}.pdf`)
  for (let i = 0; i < 50 && !existsSync(pdf); i++) await sleep(100)
  assert.ok(existsSync(pdf), pdf)

  // The incoming clerk takes the desk: the open entry waits on 前台登记's banner.
  await app.click('#switch-clerk')
  await app.signIn('li', 'demo1234')
  await app.visible('#screen-duty')
  await app.screen('intake')
  await app.waitText('#duty-banner', '1 条值班记录')
  await app.screen('duty')
  await app.waitText('#duty-open', '卫生间天花板漏水')
  await app.click('#duty-open .duty-convert')
  await app.visible('#duty-converting')
  await app.waitText('#duty-converting', '登记时间为业主反映时间')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='报修']`)
  const intake = await app.numberAfter(() => app.keys(['Control', 'Enter']), '已登记', /LH-DJ\d{4}-\d+/)
  await app.visible('#intake-result')
  // The existing flow goes on from the intake: 转报修.
  await app.keys('F10')
  await app.click('#repair-create')
  await app.success('已生成派工单')
  await app.screen('duty')
  await app.waitText('#duty-open', '没有未处理的值班记录')
  assert.match(intake, /LH-DJ/)
})

test('an entry that needs no action is closed with a reason (refused without one); the handovers exported as Excel', async () => {
  await app.screen('duty')
  await app.type('duty_content', '业主来电询问明早停水时间')
  await app.keys(['Control', 'Enter'])
  await app.waitText('#duty-open', '询问明早停水时间')
  await app.click(`//*[@id='duty-open']//tbody/tr[.//td[contains(., '询问明早停水时间')]]//button[contains(@class,'duty-close')]`)
  await app.click('#duty-close-save')
  await app.failure('关闭原因')
  await app.type('duty_close_reason', '已电话告知 10 点停水')
  await app.click('#duty-close-save')
  await app.success('已关闭值班记录')
  await app.waitText('#duty-open', '没有未处理的值班记录')
  await app.waitText('#duty-log', '已关闭：已电话告知 10 点停水')
  const text = await app.messageAfter(() => app.keys(['Control', 'e']), '已导出交接班记录')
  const file = text.slice(text.indexOf('：') + 1).trim()
  assert.match(file, /\.xlsx$/)
  for (let i = 0; i < 50 && !existsSync(file); i++) await sleep(100)
  assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK')
  assert.match(text, /（[1-9]\d* 条）/)
})

// 同一问题 and the 案例库 in the real window with demo data: three households complain about the
// same flooded garage entrance; the second is linked to the first from the suggestions (a wrong
// number typed first is refused beside the field), the third to their issue, which makes all three
// 热点 by the distinct-complainants rule; the third is taken out again with a reason (its grade
// stays, with the note why). A supervisor puts a complaint in the 案例库 with a note; it is listed
// under 投诉台账 › 案例库 with the note, found by the filter, its 《客户投诉处理记录表》 printed,
// and taken out again.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { launch } from '../lib.mjs'

const app = await launch('issues')
after(() => app.stop())
before(() => app.demoSignedIn())

const NO = /LH-TS\d{4}-\d+/

/** Registers a complaint from `unit` at the desk and opens it; returns its number. */
async function complaint(unit, content) {
  await app.record('投诉', content, { unit })
  await app.keys('F9')
  return app.numberAfter(() => app.click('#complaint-create'), '已立案', NO)
}

async function openComplaintPage(cno) {
  await app.openComplaintPage(cno)
  await app.visible('#issue-card')
}

/** Clicks the row of the suggestion table that mentions `text` anywhere. */
async function pickCandidate(text) {
  await app.waitText('#issue-candidates', text)
  const el = await app.browser.$(`//*[@id='issue-candidates']//tbody/tr[contains(normalize-space(.), '${text}')]/td[2]`)
  await el.waitForExist({ timeout: 20000 })
  await app.browser.execute((e) => e.click(), el)
}

const garage = []

test('同一问题: three households linked one by one from the suggestions make the issue 热点; one taken out keeps its grade', async () => {
  garage.push(await complaint('3-2-502', '地下车库B区入口下雨积水严重，车辆进出困难'))
  garage.push(await complaint('1-1-101', '地下车库B区入口积水严重，车开不进去'))
  garage.push(await complaint('1-1-102', '地下车库B区入口又积水了，车辆无法进出'))
  const [first, second, third] = garage

  // The second household: a wrong number is refused beside the field, then the first is picked.
  await openComplaintPage(second)
  await app.waitText('#issue-card', '未关联')
  await app.keys('F7')
  await app.visible('#issue-candidates')
  await app.type('link_to', 'LH-TS1999-9999')
  await app.click('#link-save')
  await app.waitText('.el-dialog .el-form-item__error', '未找到')
  await app.click('[name="link_to"]')
  await app.keys(['Control', 'a'])
  await app.keys('Backspace')
  await pickCandidate(first)
  await app.waitText('#issue-candidates', '内容相似度')
  await app.waitText('#link-target', first)
  await app.click('#link-save')
  await app.success('已关联同一问题')
  await app.waitText('#issue-card', first)
  await app.waitText('#issue-card', '共 2 件')
  await app.waitText('#screen-complaint', '关联同一问题：')

  // The third household: the two are offered as one issue.
  await openComplaintPage(third)
  await app.keys('F7')
  await pickCandidate(second)
  await app.waitText('#link-target', '问题「')
  await app.keys(['Control', 'Enter'])
  await app.waitText('#issue-card', '共 3 件 · 3 户')
  await app.waitText('#screen-complaint', '等级依据（热点）')
  await app.waitText('#screen-complaint', /同一问题.*内已有3位不同投诉人/)
  // Every open complaint of the issue is re-graded: the first one too.
  await openComplaintPage(first)
  await app.waitText('#issue-card', third)
  await app.waitText('#screen-complaint', '等级依据（热点）')

  // Taken out with a reason: no longer counted, the grade on record stays, with the note why.
  await openComplaintPage(third)
  await app.waitText('#act-unlink', '移出同一问题')
  await app.keys('F7')
  await app.click('#reason-save')
  await app.waitText('.el-dialog .el-form-item__error', '原因')
  await app.type('reason', '经核实为本户车位单独漏水，非同一问题')
  await app.click('#reason-save')
  await app.success('已移出同一问题')
  await app.waitText('#issue-card', '未关联')
  await app.waitText('#screen-complaint', '移出同一问题（经核实为本户车位单独漏水，非同一问题）')
  await app.waitText('#kept-grade-note', '等级不自动降低')
  await openComplaintPage(first)
  await app.waitText('#issue-card', '共 2 件 · 2 户')
  await app.waitText('#screen-complaint', '群诉变动')
})

test('案例库: a supervisor files a complaint with a note; listed, filtered and printed from 投诉台账 › 案例库; then taken out', async () => {
  const cno = garage[0] ?? (await complaint('3-2-502', '地下车库B区入口下雨积水严重，车辆进出困难'))
  const note = '多户反映车库积水：及时关联同一问题并升级处理'
  await openComplaintPage(cno)
  await app.waitText('#case-card', '未编入')
  await app.keys('F10')
  await app.type('case_note', note)
  await app.click('#case-save')
  await app.success('已编入案例库')
  await app.visible('#case-tag')
  await app.waitText('#case-note', note)
  await app.waitText('#screen-complaint', `编入案例库：${note}`)

  await app.screen('complaints')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='案例库']`)
  await app.waitText('#case-library', cno)
  await app.waitText('#case-library', note)
  // The filter: a word of the note finds it, an unrelated word does not.
  await app.type('case_filter', '无关的字眼')
  await app.waitText('#case-count', /^0 \//)
  await app.type('case_filter', '车库积水')
  await app.waitText('#case-library', cno)
  await app.type('case_filter', cno)
  await app.waitText('#case-count', /^1 \//)
  const pdf = join(app.dataDir, 'documents', '投诉记录', `${cno}.pdf`)
  await app.keys(['Control', 'p'])
  await app.success(`已生成《客户投诉处理记录表》${cno}`)
  await app.browser.waitUntil(async () => existsSync(pdf), { timeout: 20000, timeoutMsg: `no ${pdf}` })
  assert.ok(existsSync(pdf), pdf)

  // Opened from the list (F3), then taken out of the library.
  await app.keys('F3')
  await app.waitText('#screen-complaint', cno)
  await app.visible('#case-tag')
  await app.keys('F10')
  await app.success('已移出案例库')
  await app.waitText('#case-card', '未编入')
  assert.equal(await app.browser.$('#case-tag').isExisting(), false)
  await app.screen('complaints')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='案例库']`)
  await app.waitText('#case-count', '件')
  await app.browser.waitUntil(async () => !(await app.browser.execute(() => document.querySelector('#case-library')?.textContent ?? '')).includes(cno), {
    timeout: 20000,
    timeoutMsg: `${cno} still in the 案例库`,
  })
})

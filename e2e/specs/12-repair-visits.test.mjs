// 维修回访 in the real window with demo data: a repair order driven to the owner's sign-off, its
// 回访 recorded with the five-point checklist where one point (核对收费情况) fails — which issues a
// 整改通知单 to the repairer and sends the order back for rework, both listed on the order's card
// on 报修派工; the notice printed as PDF and delivered, 整改完成 refused until the order is reworked
// and then closing it; the month's repair 回访 by role shown against its quota on 统计与导出; the
// demo's late notice escalated on 待关注, opened from there and voided by the supervisor with a
// reason.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch } from '../lib.mjs'

const app = await launch('repair-visits')
after(() => app.stop())
before(() => app.demoSignedIn())

let notice
let wno
/** The text of the first node matching the XPath `xp`, once it has one (textContent: table cells
 *  read the same scrolled or not). */
async function textAt(xp) {
  let text = ''
  await app.browser.waitUntil(async () => {
    text = await app.browser.execute((x) => document.evaluate(x, document, null, 9, null).singleNodeValue?.textContent ?? '', xp)
    return text.trim() !== ''
  }, { timeout: 20000, timeoutMsg: `nothing at ${xp}` })
  return text.trim()
}

test('a repair 回访 with one failed checklist point issues a 整改通知单 and sends the order back for rework', async () => {
  await app.record('报修', '卫生间水管漏水，回访检查')
  await app.keys('F10')
  wno = await app.numberAfter(() => app.click('#repair-create'), '已生成派工单', /LH-WX\d{4}-\d+/)
  await app.openRepair(wno)
  await app.dispatchRepair('孙师傅', { onSite: true })
  await app.finishRepair('更换水管接头')
  await app.keys('F9')
  await app.click('#signoff-save')
  await app.waitText('#repair-status', /签认|已结单/)

  await app.screen('followups')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='按应回访时间']`)
  await app.click(`//button[normalize-space(.)='未来 7 天']`)
  await app.row('followup-list', wno)
  await app.waitText('#followup-form', wno)
  await app.waitText('#visit-checks', '核对收费情况')
  const fees = `//*[@id='visit-checks']//div[contains(@class,'check-row')][.//span[normalize-space(.)='核对收费情况']]`
  await app.click(`${fees}//label[normalize-space(.)='不合格']`)
  // A failed point without its note is refused beside the checklist; nothing is saved.
  await app.click('#followup-save')
  await app.waitText('#visit-checks-error', '不合格时须写明问题')
  await app.type('check_note_fees', '多收材料费 20 元')
  await app.click('#followup-save')
  await app.success('已开具整改通知单并返修')
  await app.visible('#notice-list')
  await app.waitText('#notice-list', wno)
  notice = await textAt(`//*[@id='notice-list']//tbody/tr[td[2][normalize-space(.)='${wno}']]/td[1]`)
  assert.match(notice, /^LH-ZG\d{4}-\d{4}$/)
  await app.row('notice-list', notice)
  await app.waitText('#notice-form', '孙师傅')
  await app.waitText('#notice-problems', '核对收费情况：多收材料费 20 元')

  // The order went back to the repairer for rework.
  await app.openRepair(wno)
  await app.waitText('#repair-status', '已派工')
  // The order's card lists its 回访 (the failed point with its note) and the notice, which opens
  // on 回访 › 整改通知单.
  await app.waitText('#repair-visits', '核对收费情况不合格：多收材料费 20 元')
  await app.waitText('#repair-visits', notice)
  await app.waitText('#repair-visits', '整改通知单 · 待送达')
  await app.browser.saveScreenshot('/tmp/fd-e2e-repair-visits.png')
  await app.click(`//*[@id='repair-visits']//a[normalize-space(.)='${notice}']`)
  await app.waitText('#notice-form', notice)
  await app.waitText('#notice-problems', '多收材料费 20 元')
})

test('the 整改通知单 printed as PDF from 回访 › 整改通知单', async () => {
  assert.ok(notice, 'the first test issued a notice')
  await app.screen('followups')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='整改通知单']`)
  await app.row('notice-list', notice)
  await app.waitText('#notice-form', notice)
  await app.keys(['Control', 'p'])
  await app.success('整改通知单已生成')
  const pdf = join(app.dataDir, 'documents', '整改通知单', `${notice}.pdf`)
  for (let i = 0; i < 50 && !existsSync(pdf); i++) await sleep(100)
  assert.ok(existsSync(pdf), pdf)
  await app.type('notice_note', '孙师傅已签收')
  await app.keys('F3')
  await app.success(`${notice} 已送达维修人员`)
  await app.waitText('#notice-form', '整改中')
})

test('整改完成 is refused until the order is reworked, then closes the 整改通知单', async () => {
  assert.ok(notice, 'the first test issued a notice')
  // The notice is 整改中 (delivered), but the order has not been finished again.
  await app.keys('F4')
  await app.failure('返修完工后才能结束整改')
  await app.waitText('#notice-form', '整改中')
  // The repairer reworks the order.
  await app.openRepair(wno)
  await app.onSite()
  await app.finishRepair('退还多收的材料费，重新紧固接头')
  // Now 整改完成 closes the notice, and the order's card says so.
  await app.screen('followups')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='整改通知单']`)
  await app.row('notice-list', notice)
  await app.waitText('#notice-form', '整改中')
  await app.type('notice_note', '已退还 20 元，业主确认')
  await app.keys('F4')
  await app.success(`${notice} 整改完成`)
  await app.waitText('#notice-form', '已完成')
  await app.openRepair(wno)
  await app.waitText('#repair-visits', '整改通知单 · 已完成')
})

test('统计与导出 shows the month\'s repair 回访 by role against its quota', async () => {
  await app.screen('export')
  await app.waitText('#visit-quota', '维修回访比例')
  await app.waitText('#visit-quota', '管理处经理')
  await app.waitText('#visit-quota', '维修负责人')
  // wang (客服主管) visited the order this month: the 主管 row counts at least one.
  const visited = await textAt(`//*[@id='visit-quota']//tbody/tr[td[1][normalize-space(.)='主管']]/td[3]`)
  assert.match(visited, /^[1-9]\d* \/ [1-9]\d*$/)
  await app.browser.saveScreenshot('/tmp/fd-e2e-visit-quota.png')
})

test('待关注: the demo\'s 整改通知单 never delivered is escalated to the 主管, and opens on 回访', async () => {
  await app.screen('attention')
  await app.click('#attention-tick')
  await app.success('已检查')
  const late = `//*[@id='attention-list']//tbody/tr[td[5][contains(., '书面送达维修人员')]]`
  const zg = await textAt(`${late}/td[2]`)
  assert.match(zg, /^LH-ZG\d{4}-\d{4}$/)
  assert.equal(await textAt(`${late}/td[3]`), '整改')
  assert.equal(await textAt(`${late}/td[4]`), '客服主管')
  const row = await app.browser.$(`${late}/td[2]`)
  await app.browser.execute((e) => e.click(), row)
  await app.waitText('#attention-form', zg)
  await app.waitText('#attention-form', '免费维修却收了材料费')
  await app.browser.saveScreenshot('/tmp/fd-e2e-attention-notice.png')
  await app.click('#attention-open')
  await app.visible('#notice-form')
  await app.waitText('#notice-form', zg)
  await app.waitText('#notice-problems', '免费维修却收了材料费 15 元')
  await app.waitText('#notice-form', '逾期')
  // The supervisor voids it with a reason: kept, marked 已作废.
  await app.keys(['Control', 'd'])
  const reason = await app.visible('.el-message-box input')
  await reason.click()
  await reason.addValue('材料费已在物业费中抵扣，不属收费违规')
  await app.click('.el-message-box__btns .el-button--primary')
  await app.success(`${zg} 已作废`)
  await app.waitText('#notice-form', '已作废')
})

// The desk's lists and clocks beyond the first steps, in the real window with demo data: 登记记录
// of a period and the phone calls alone, an intake recorded in error voided with a reason; the
// 协调单 work list, an owner's 报事档案, a slip's answer deadline paused and resumed, a slip
// voided; a repair order's deadlines paused with a reason and resumed, and a signed-off order
// sent back for rework; today's 回访 in handling order with why, and a call's history.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch } from '../lib.mjs'

const app = await launch('lists')
after(() => app.stop())
before(() => app.demoSignedIn())

/** Runs `action`; the number matching `re` in the new success message saying `want`. */
async function numberAfter(action, want, re) {
  const texts = () => app.browser.execute(() => [...document.querySelectorAll('.el-message--success')].map((el) => el.textContent))
  const before = new Set(await texts())
  await action()
  let found
  await app.browser.waitUntil(async () => {
    found = (await texts()).find((t) => !before.has(t) && t.includes(want) && re.test(t))
    return !!found
  }, { timeout: 20000, timeoutMsg: `no new message ${want}` })
  return found.match(re)[0]
}

async function record(kind, content, channel = '来电') {
  await app.screen('intake')
  await app.keys('F4')
  await app.type('lookup', '3-2-502')
  await app.keys('Enter')
  await app.waitText('#lookup-result', '3-2-502')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='${channel}']`)
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='${kind}']`)
  await app.type('content', content)
  return numberAfter(() => app.keys(['Control', 'Enter']), '已登记', /LH-DJ\d{4}-\d+/)
}

test('登记记录: today\'s contacts, the phone calls alone, one voided with a reason', async () => {
  const call = await record('咨询', '询问物业费缴纳方式')
  const visit = await record('建议', '建议增加快递柜', '来访')
  await app.keys('F6')
  await app.waitText('#intake-log-table', call)
  await app.waitText('#intake-log-table', visit)
  await app.click(`//label[contains(@class,'el-checkbox')][contains(normalize-space(.),'只看来电')]`)
  await app.browser.waitUntil(async () => {
    const t = await app.browser.execute(() => document.querySelector('#intake-log-table')?.textContent ?? '')
    return t.includes(call) && !t.includes(visit)
  }, { timeout: 20000, timeoutMsg: 'the phone log still shows the visit' })
  await app.row('intake-log-table', call)
  await app.waitText('#intake-shown', '询问物业费缴纳方式')
  await app.keys(['Control', 'd'])
  await app.click('#intake-void-save')
  await app.waitText('.el-dialog .el-form-item__error', '原因')
  await app.type('intake_void_reason', '重复登记')
  await app.click('#intake-void-save')
  await app.success(`已作废登记 ${call}`)
  await app.browser.waitUntil(async () => !(await app.browser.execute(() => document.querySelector('#intake-log-table')?.textContent ?? '')).includes(call), { timeout: 20000 })
  await app.keys('Escape')
  // The drawer is gone before the next test clicks on the screen behind it.
  await app.browser.waitUntil(async () => app.browser.execute(() => ![...document.querySelectorAll('.el-drawer')].some((d) => d.offsetParent !== null)), { timeout: 20000, timeoutMsg: 'the 登记记录 drawer stayed open' })
})

test('协调单: the work list, a deadline paused and resumed, the owner\'s 报事档案, a slip voided', async () => {
  await record('投诉', '地下车库照明不足')
  await app.keys('F8')
  await app.click('[name="slip_department"]')
  await app.choose('工程维修部')
  const slip = await numberAfter(() => app.click('#slip-create'), '已开协调单', /LH-XT\d{4}-\d+/)
  await app.screen('slips')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='待办队列']`)
  await app.row('slip-queue', slip)
  await app.waitText('#slip-found', slip)
  await app.waitText('#slip-found', '部门答复协调单')
  await app.keys('F11')
  await app.type('pause_reason', '责任人出差，周三回来')
  await app.click('.pause-save')
  await app.success('已暂停计时')
  await app.waitText('#slip-found', '责任人出差')
  await app.keys('F11')
  await app.success('已恢复计时')
  // The owner's 报事档案 holds the slips filed for the unit (the demo has some).
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='报事档案']`)
  await app.type('archive_key', '3-2-502')
  await app.keys('Enter')
  await app.visible('#slip-archive')
  // The slip as an Excel form, beside its printed copies.
  await app.type('scan', slip)
  await app.keys('Enter')
  await app.waitText('#slip-found', slip)
  await app.keys(['Control', 'e'])
  await app.success(`已导出协调单 ${slip}`)
  const form = join(app.dataDir, 'documents', '协调单', `${slip}.xlsx`)
  for (let i = 0; i < 50 && !existsSync(form); i++) await sleep(100)
  assert.ok(existsSync(form), form)
  // A slip opened in error is voided by a supervisor, with a reason.
  await app.type('scan', slip)
  await app.keys('Enter')
  await app.waitText('#slip-found', slip)
  await app.keys(['Control', 'd'])
  await app.type('reason', '开错部门')
  await app.click('#slip-void-save')
  await app.success('协调单已作废')
  await app.waitText('#slip-status', '已作废')
})

test('报修: deadlines paused with a reason and resumed; a signed-off order sent back for rework', async () => {
  await record('报修', '客厅插座没电')
  await app.keys('F10')
  const wno = await numberAfter(() => app.click('#repair-create'), '已生成派工单', /LH-WX\d{4}-\d+/)
  await app.screen('repairs')
  await app.row('repair-queue', wno)
  await app.waitText('#repair-detail', wno)
  await app.waitText('#repair-detail', '一般故障修复')
  await app.keys('F11')
  await app.type('pause_reason', '业主外出，约定周末上门')
  await app.click('.pause-save')
  await app.success('已暂停计时')
  await app.waitText('#repair-detail', '业主外出')
  await app.keys('F11')
  await app.success('已恢复计时')
  await app.keys('F2')
  await app.click('[name="repairer"]')
  await app.choose('孙师傅')
  await app.click('#dispatch-save')
  await app.waitText('#repair-status', '已派工')
  await app.keys('F3')
  await app.waitText('#repair-status', '已接单')
  await app.keys('F6')
  await app.waitText('#repair-status', '已到场')
  await app.keys('F7')
  await app.type('work_done', '更换插座')
  await app.click('#finish-save')
  await app.waitText('#repair-status', '已完工')
  await app.keys('F9')
  await app.click('#signoff-save')
  await app.waitText('#repair-status', /已结单|签认/)
  await app.keys(['Control', 'r'])
  await app.type('reason', '业主反映仍然没电')
  await app.click('#void-save')
  await app.success('已返修')
  await app.waitText('#repair-status', '已派工')
  await app.waitText('#repair-detail', '孙师傅')
  // The supervisor prints the 派工单 with the full number (audited); the clerk's print is masked.
  const pdf = join(app.dataDir, 'documents', '派工单', `${wno}.pdf`)
  const printed = async () => {
    const before = existsSync(pdf) ? statSync(pdf).mtimeMs : 0
    await app.keys(['Control', 'p'])
    await app.success('已生成派工单')
    for (let i = 0; i < 100 && !(existsSync(pdf) && statSync(pdf).mtimeMs > before); i++) await sleep(100)
    return execFileSync('pdftotext', [pdf, '-']).toString().replace(/\s+/g, '')
  }
  assert.match(await printed(), /151\*{4}2646/)
  await app.click(`//label[contains(@class,'el-checkbox')][normalize-space(.)='完整号码']`)
  assert.match(await printed(), /15142532646/)
})

test('回访: today\'s calls in handling order with why; an unreachable call stays on the task\'s history', async () => {
  await app.screen('followups')
  await app.visible('#followup-queue')
  await app.waitText('#followup-queue', /回访|VIP|类/)
  await app.row('followup-queue')
  await app.visible('#followup-form')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='联系不上']`)
  await app.click('#followup-save')
  await app.success('已记录回访结果')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='按应回访时间']`)
  await app.visible('#followup-list')
})

test('搜索 (Ctrl+F): a repair order found by its content opens on the repair screen', async () => {
  await app.screen('intake')
  await app.keys(['Control', 'f'])
  await app.type('finder', '插座没电')
  await app.keys('Enter')
  await app.waitText('#finder-hits', '插座')
  await app.click(`//div[contains(@class,'el-dialog')]//label[contains(@class,'el-radio-button')][normalize-space(.)='报修']`)
  await app.waitText('#finder-hits', '报修')
  await app.row('finder-hits')
  await app.visible('#screen-repairs')
  await app.waitText('#repair-detail', '插座没电')
})

test('a new unit added in 设置, a customer filed at it, found again with Ctrl+F', async () => {
  await app.screen('settings')
  await app.type('unit_code', '12-3-1501')
  await app.type('unit_area', '九十')
  await app.click('#unit-add-save')
  await app.waitText('#unit-add', '面积')
  await app.type('unit_area', '96.5')
  await app.click('#unit-add-save')
  await app.success('已添加房号 12-3-1501')
  await app.screen('customers')
  await app.keys('F9')
  await app.type('c_unit', '12-3-1501')
  await app.type('c_name', '新业主郑明')
  await app.type('c_phone', '13912345678')
  await app.click('#customer-save')
  await app.success('已建档：12-3-1501 新业主郑明')
  await app.screen('intake')
  await app.keys(['Control', 'f'])
  await app.type('finder', '郑明')
  await app.keys('Enter')
  await app.waitText('#finder-hits', '郑明')
  await app.keys('Enter')
  await app.visible('#screen-customers')
  await app.waitText('#customer-file', '新业主郑明')
})

test('客户档案 › 报事档案 opens the owner\'s filed slips on the 协调单 screen', async () => {
  await app.screen('customers')
  await app.type('customer_search', '3-2-502')
  await app.keys('Enter')
  await app.row('customer-list')
  await app.visible('#customer-file')
  await app.keys(['Control', 'h'])
  await app.visible('#screen-slips')
  await app.waitText('#archive-owner', '客户：')
  await app.visible('#slip-archive')
})

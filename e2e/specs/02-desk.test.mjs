// The desk with demo data: sign in; intake with look-up → record → 协调单 created (and printed),
// handed over, returned with its handling result and filed into the owner's 报事档案;
// a complaint through to close and its 回访, then reopened and voided; a repair order end to end;
// a VIP card issued; a backup restored; the policy edited.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch } from '../lib.mjs'

async function waitFile(path) {
  for (let i = 0; i < 100 && !existsSync(path); i++) await sleep(100)
  assert.ok(existsSync(path), `${path} was not written`)
}

const app = await launch('desk')
after(() => app.stop())

before(() => app.demoSignedIn())

let slip
let complaint

async function intake(kind, content) {
  await app.keys('F4')
  await app.type('lookup', '3-2-502')
  await app.keys('Enter')
  await app.waitText('#lookup-result', '3-2-502')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='${kind}']`)
  await app.type('content', content)
  await app.keys(['Control', 'Enter'])
  await app.visible('#intake-result')
  return (await app.text('#intake-result .no')).trim()
}

test('intake: look-up shows the customer, record, one key opens the 协调单, print', async () => {
  const no = await intake('投诉', '楼道灯不亮已经三天')
  assert.match(no, /^LH-DJ\d{4}-\d+$/)
  await app.keys('F8')
  await app.pick('[name="slip_department"]', '工程维修部')
  await app.click('#slip-create')
  await app.visible('#intake-result .slip-no')
  slip = (await app.text('#intake-result .slip-no')).trim()
  assert.match(slip, /^LH-XT/)
  await app.keys('F7')
  await app.success('已生成协调单')
  const pdf = (name) => join(app.dataDir, 'documents', '协调单', name)
  await waitFile(pdf(`${slip}.pdf`))
  assert.equal(readFileSync(pdf(`${slip}.pdf`)).subarray(0, 5).toString(), '%PDF-')
  await app.screen('slips')
  await app.waitText('#slip-register', slip)
  // The scanner types the number and Enter.
  await app.type('scan', slip.toLowerCase())
  await app.keys('Enter')
  await app.waitText('#slip-found', slip)
  await app.waitText('#slip-status', '已开单')
  // Printed again: a second file, marked 补打.
  await app.keys('F7')
  await app.success('已补打')
  await waitFile(pdf(`${slip}-补打1.pdf`))
  // Handed over to a named recipient.
  await app.keys('F8')
  await app.type('handover_to', '李工')
  await app.click('#handover-save')
  await app.waitText('#slip-status', '已送达')
  await app.waitText('#slip-register', '李工')
})

test('协调单: returned with the handling result (refused without it), then filed into the owner\'s 报事档案', async () => {
  assert.ok(slip, 'the first test made a slip')
  await app.waitText('#slip-found', slip)
  await app.keys('F9')
  await app.click('#return-save')
  await app.waitText('.el-dialog', '必填，不能为空')
  await app.failure('处理结果')
  await app.waitText('#slip-status', '已送达')
  await app.type('handling_result', '已更换楼道灯管，业主确认')
  await app.click('#return-save')
  await app.success('已回收')
  await app.waitText('#slip-status', '已回收')
  await app.keys('F10')
  await app.success('已归档')
  await app.waitText('#slip-status', '已归档')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='报事档案']`)
  await app.type('archive_key', '3-2-502')
  await app.keys('Enter')
  await app.waitText('#slip-archive', slip)
  await app.waitText('#slip-archive', '已更换楼道灯管')
})

test('complaint: opened from the intake, attempt, close, then the 回访 call', async () => {
  await app.screen('intake')
  await intake('投诉', '垃圾清运不及时，味道很大')
  await app.keys('F9')
  await app.click('#complaint-create')
  const text = await app.success('已立案')
  const cno = text.match(/LH-TS\d{4}-\d+/)[0]
  complaint = cno
  await app.screen('complaints')
  await app.waitText('#complaint-queue', cno)
  await app.browser.url(await app.browser.getUrl().then((u) => u.replace(/#.*$/, `#/complaints/${cno}`)))
  await app.visible('#screen-complaint')
  // Dispatch first (a registered complaint takes no attempts).
  await app.keys('F2')
  await app.pick('.el-dialog .el-select', '客服中心')
  await app.click('#dispatch-ok')
  await app.waitText('#complaint-status', '已派单')
  await app.keys('F3')
  await app.type('contact', '业主')
  await app.type('said', '已安排保洁加派清运')
  await app.click('#attempt-save')
  await app.waitText('#attempts', '已安排保洁加派清运')
  await app.keys('F6')
  await app.waitText('#complaint-status', '待业主确认')
  await app.keys('F9')
  await app.type('close_result', '已增加清运频次')
  await app.click('#close-save')
  await app.waitText('#complaint-status', '已结案')
  // The complete record with its history, as PDF.
  await app.keys(['Control', 'p'])
  await app.success('已生成《客户投诉处理记录表》')
  await waitFile(join(app.dataDir, 'documents', '投诉记录', `${cno}.pdf`))
  // Closing schedules its 回访 (due after the policy's days); today's call list gets a call recorded.
  await app.waitText('#screen-complaint', '待回访')
  await app.screen('followups')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='按应回访时间']`)
  await app.row('followup-list')
  await app.visible('#followup-form')
  await app.click('#followup-save')
  await app.success('已记录回访结果')
})

test('complaint: reopened as a 二次投诉 (a reason required), then voided by the supervisor with a reason', async () => {
  assert.ok(complaint, 'the complaint test closed one')
  await app.openComplaintPage(complaint)
  await app.waitText('#complaint-status', '已结案')
  await app.keys('F9')
  await app.click('#reason-save')
  await app.failure('原因')
  await app.waitText('#complaint-status', '已结案')
  await app.type('reason', '业主再次来电：垃圾仍未按时清运')
  await app.click('#reason-save')
  await app.success('已重新打开')
  await app.waitText('#complaint-status', '处理中')
  await app.keys(['Control', 'd'])
  await app.type('reason', '与另一投诉重复登记')
  await app.click('#reason-save')
  await app.success('已作废')
  await app.waitText('#complaint-status', '已作废')
  await app.waitText('#screen-complaint', '与另一投诉重复登记')
})

test('repair: from intake to dispatch, accept, arrive, finish and sign-off', async () => {
  await app.screen('intake')
  await intake('报修', '厨房水管漏水')
  await app.keys('F10')
  await app.click('#repair-create')
  const wno = (await app.success('已生成派工单')).match(/LH-WX\d{4}-\d+|[A-Z]+-[A-Z]+\d{4}-\d+/)[0]
  await app.openRepair(wno)
  await app.dispatchRepair('孙师傅')
  // The 派工单 in three parts goes to the repairer on paper.
  await app.keys(['Control', 'p'])
  await app.success('已生成派工单')
  await waitFile(join(app.dataDir, 'documents', '派工单', `${wno}.pdf`))
  await app.onSite()
  await app.finishRepair('更换水管接头')
  await app.keys('F9')
  await app.click('#signoff-save')
  await app.waitText('#repair-status', /签认|已结单/)
})

test('customers: issue a VIP card', async () => {
  await app.screen('customers')
  await app.type('customer_search', '3-2-502')
  await app.keys('Enter')
  await app.row('customer-list')
  await app.visible('#customer-file')
  // The demo's 3-2-502 (林娟, C类) has no card yet.
  assert.equal(await app.text('#customer-card'), '—')
  await app.keys('F3')
  await app.type('card_note', '集团推荐')
  await app.click('#card-save')
  await app.success('已发VIP卡')
  await app.waitText('#customer-card', 'JK')
  await app.waitText('#customer-tier', 'A')
})

test('month export: workbook and PDF report with progress, then open the folder', async () => {
  await app.screen('export')
  // The month the screen proposes (this month; last month in the first days of a month).
  const month = await (await app.visible('[name="export_month"]')).getValue()
  assert.match(month, /^\d{4}-\d{2}$/)
  await app.keys(['Control', 'Enter'])
  await app.waitText('#export-result', '月度报告', 60000)
  await app.waitText('#export-progress', '100%')
  const dir = join(app.dataDir, 'documents', '月末导出', month)
  const files = readdirSync(dir)
  assert.ok(files.some((f) => f.endsWith(`客服月报${month}.xlsx`)), files.join(','))
  assert.ok(files.some((f) => f.endsWith(`客服月报${month}.pdf`)), files.join(','))
  for (const f of files) assert.ok(!f.includes('.tmp'), `left a temporary file ${f}`)
})

test('settings: verify the audit chain; choose a backup folder and back up into it', async () => {
  await app.screen('settings')
  await app.click(`//div[contains(@class,'el-tabs__item')][normalize-space(.)='备份']`)
  await app.visible('#backup-now')
  await app.click('#audit-verify')
  await app.waitText('#verify-result', '校验通过')
  const usb = resolve(app.dataDir, '..', 'U盘 备份')
  await app.type('backup_folder', usb)
  await app.click('#backup-folder-save')
  await app.success('备份文件夹')
  await app.click('#backup-now')
  await app.success('备份完成')
  await app.waitText('#backup-list', 'U盘 备份')
  assert.ok(readdirSync(usb).some((f) => f.endsWith('-manual.sqlite3')))
})

test('settings: restoring that backup brings the desk back to it (a contact registered since is gone), then sign in again', async () => {
  const later = await app.record('咨询', '备份之后登记的咨询')
  await app.keys('F6')
  await app.waitText('#intake-log-table', later)
  await app.closeDrawer()
  await app.screen('settings')
  await app.click(`//div[contains(@class,'el-tabs__item')][normalize-space(.)='备份']`)
  await app.waitText('#backup-list', 'U盘 备份')
  await app.click(`//*[@id='backup-list']//tbody/tr[.//td[contains(., 'U盘 备份')]]//button`)
  await app.click('.el-message-box__btns .el-button--primary')
  await app.success('已恢复，请重新登录')
  await app.signIn('wang', 'demo1234')
  await app.screen('intake')
  await app.keys('F6')
  await app.waitText('#intake-log-table', /LH-DJ\d{4}-\d+/)
  const log = await app.browser.execute(() => document.querySelector('#intake-log-table')?.textContent ?? '')
  assert.ok(!log.includes(later), `${later} was registered after the backup`)
  await app.closeDrawer()
})

test('settings: the policy edited as TOML — a bad value refused naming the field, a good one saved as a new version', async () => {
  await app.screen('settings')
  await app.click(`//div[contains(@class,'el-tabs__item')][normalize-space(.)='政策']`)
  const value = () => app.browser.execute(() => document.querySelector('[name="policy_toml"]')?.value ?? '')
  await app.browser.waitUntil(async () => (await value()).includes('renew_window_days = 60'), { timeout: 20000, timeoutMsg: 'no policy shown' })
  const toml = await value()
  /** Puts `text` in the editor as if typed (Vue's model follows the input event). */
  const edit = (text) => app.browser.execute((t) => {
    const el = document.querySelector('[name="policy_toml"]')
    el.value = t
    el.dispatchEvent(new Event('input', { bubbles: true }))
  }, text)
  await edit(toml.replace('renew_window_days = 60', 'renew_window_days = 400'))
  await app.type('policy_note', 'VIP卡提前 90 天复核')
  await app.keys(['Control', 's'])
  await app.failure('VIP卡换发提前天数')
  await edit(toml.replace('renew_window_days = 60', 'renew_window_days = 90'))
  const saved = await app.messageAfter(() => app.keys(['Control', 's']), '已保存为政策第')
  assert.match(saved, /第 \d+ 版/)
  // Read back from the core.
  await app.browser.waitUntil(async () => (await value()).includes('renew_window_days = 90'), { timeout: 20000, timeoutMsg: 'the saved policy was not shown again' })
})

test("settings: a supervisor resets a clerk's password (which unlocks her) and stops an account", async () => {
  await app.screen('settings')
  await app.click(`//div[contains(@class,'el-tabs__item')][normalize-space(.)='员工']`)
  await app.click('#staff-password-li')
  await app.type('staff_new_password', '12')
  await app.click('#staff-save')
  await app.waitText('.el-dialog', '至少 6 位')
  await app.type('staff_new_password', 'li-new-2026')
  await app.click('#staff-save')
  await app.success('已重设 li 的密码')
  await app.click('#staff-void-qian')
  await app.type('staff_void_reason', '已离职')
  await app.click('#staff-save')
  await app.success('已停用 qian')
  await app.waitText('#screen-settings', '已停用')
})

test('待关注: the tick raises overdue escalations; the supervisor acknowledges one', async () => {
  await app.screen('attention')
  await app.click('#attention-tick')
  await app.success('已检查')
  await app.visible('#attention-list')
  const before = Number((await app.text('#attention-count')).trim())
  assert.ok(before > 0, 'the demo desk has overdue complaints')
  await app.row('attention-list')
  await app.visible('#attention-form')
  await app.type('attention_note', '已电话上报项目经理')
  await app.click('#attention-ack')
  await app.success('已确认上报事项')
  await app.waitText('#attention-count', String(before - 1))
})

test('a receptionist sees phones masked on the 回访 list and in full on the call she opens', async () => {
  await app.click('#switch-clerk')
  // With the password the supervisor set for her above.
  await app.signIn('li', 'li-new-2026')
  await app.screen('followups')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='按应回访时间']`)
  await app.visible('#followup-list')
  const masked = await app.browser.$(`//*[@id='followup-list']//tbody/tr[td[4][contains(., '****')]]/td[2]`)
  await masked.waitForExist({ timeout: 20000 })
  const listed = (await app.browser.execute((e) => e.parentElement.children[3].textContent, masked)).trim()
  assert.match(listed, /^1\d{2}\*{4}\d{4}$/)
  await app.browser.execute((e) => e.click(), masked)
  await app.waitText('#followup-phone', new RegExp(`${listed.slice(0, 3)}\\d{4}${listed.slice(-4)}`))
})

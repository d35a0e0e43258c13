// The desk's daily work beyond the first steps, in the real window with demo data: a complaint's
// identification and grading facts with the grade shown live (a ¥20,000 claim makes it 重大),
// corrected later, and a grade set by hand; a 公共设施 repair from the report to the finance
// confirmation that closes it; labour off the price list confirmed by the supervisor, the owner's
// agreement recorded and the order voided; a register exported for a chosen period, read back; a customer
// added, corrected and voided.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { launch, APP } from '../lib.mjs'

const app = await launch('work')
after(() => app.stop())
before(() => app.demoSignedIn())

const checkbox = (label) => `//div[contains(@class,'el-dialog')]//label[contains(@class,'el-checkbox')][normalize-space(.)='${label}']`

test('complaint: identification and facts with the grade live; a ¥20,000 claim makes it 重大', async () => {
  await app.record('投诉', '楼上装修砸坏我家空调外机，要求赔偿')
  await app.keys('F9')
  await app.visible('#grade-preview')
  // 一般, or 重要 when the demo (made relative to now) gave this customer a complaint this year.
  await app.waitText('#grade-preview', /一般|重要/)
  await app.click(`//div[contains(@class,'el-dialog')]//label[contains(@class,'el-radio-button')][normalize-space(.)='协调工作']`)
  await app.type('identification_basis', '邻里装修损坏财物，属业主之间纠纷')
  // A wrong amount: the core's message beside the field, nothing saved.
  await app.type('claim_amount', '两万')
  await app.waitText('.el-dialog .el-form-item__error', /索赔金额|金额/)
  await app.type('claim_amount', '20000')
  await app.waitText('#preview-grade', '重大')
  await app.waitText('#grade-preview', '索赔金额 ¥20,000.00')
  const cno = await app.numberAfter(() => app.click('#complaint-create'), '已立案', /LH-TS\d{4}-\d+/)
  await app.success('重大')
  await app.openComplaintPage(cno)
  await app.waitText('#screen-complaint', '协调工作')
  await app.waitText('#screen-complaint', '邻里装修损坏财物')
  await app.waitText('#screen-complaint', '索赔金额')
  // Corrected later: the media picked it up; the grade on record stays 重大, the reasons grow.
  await app.keys('F4')
  await app.waitText('#preview-grade', '重大')
  await app.click(checkbox('媒体曝光'))
  await app.waitText('#grade-preview', '媒体曝光')
  await app.click('#facts-save')
  await app.success('已保存定性与情形')
  await app.waitText('#screen-complaint', '媒体曝光，损害品牌声誉')
})

test('complaint: a supervisor sets the grade by hand, with a reason, in the history', async () => {
  await app.record('投诉', '小区东门道闸经常抬不起来')
  await app.keys('F9')
  // The owner's second complaint this year: the repeat rule already makes it 重要.
  await app.waitText('#grade-preview', /同一客户.*第\d+次投诉/)
  const cno = await app.numberAfter(() => app.click('#complaint-create'), '已立案', /LH-TS\d{4}-\d+/)
  await app.openComplaintPage(cno)
  await app.keys('F5')
  await app.pick('.el-dialog .el-select', '热点')
  await app.type('grade_reason', '业委会主任亲自反映')
  await app.click('#grade-save')
  await app.success('已调整等级')
  await app.waitText('#screen-complaint', '等级：重要 → 热点（业委会主任亲自反映）')
})

test('repair: a 公共设施 order from the report to the finance confirmation that closes it', async () => {
  await app.record('报修', '3栋电梯厅吊顶灯罩脱落')
  await app.keys('F10')
  await app.click(`//div[contains(@class,'el-dialog')]//label[contains(@class,'el-radio-button')][normalize-space(.)='公共设施']`)
  await app.click(`//div[contains(@class,'el-dialog')]//label[contains(@class,'el-radio-button')][normalize-space(.)='中修']`)
  await app.type('repair_location', '3栋1单元电梯厅')
  const wno = await app.numberAfter(() => app.click('#repair-create'), '已生成派工单', /LH-WX\d{4}-\d+/)
  await app.openRepair(wno)
  await app.waitText('#repair-detail', '公共设施 · 中修')
  await app.dispatchRepair('孙师傅', { onSite: true })
  await app.keys('F7')
  await app.type('work_done', '更换灯罩卡扣')
  await app.click(checkbox('有偿维修'))
  await app.pick('[name="price_item"]', 'P01')
  await app.type('quantity', '2')
  await app.click('#finish-save')
  await app.waitText('#repair-status', '已完工')
  await app.keys('F9')
  await app.click('#signoff-save')
  await app.waitText('#repair-status', '业主已签认')
  // Paid orders wait for finance, on their own list.
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='待财务确认']`)
  await app.row('repair-list', wno)
  await app.waitText('#repair-detail', wno)
  await app.keys('F10')
  await app.success('财务已确认')
  await app.waitText('#repair-status', '已结单')
  await app.waitText('#repair-detail', '财务确认')
})

test('repair: labour off the price list waits for the supervisor\'s fee confirmation; the owner\'s agreement recorded; the order voided with a reason', async () => {
  await app.record('报修', '客厅墙面插座更换，价目表外')
  await app.keys('F10')
  const wno = await app.numberAfter(() => app.click('#repair-create'), '已生成派工单', /LH-WX\d{4}-\d+/)
  await app.openRepair(wno)
  await app.dispatchRepair('孙师傅', { onSite: true })
  await app.keys('F7')
  await app.type('work_done', '更换墙面五孔插座')
  await app.click(checkbox('有偿维修'))
  await app.click(checkbox('价目表外项目'))
  await app.type('labour_fee', '80')
  await app.click('#finish-save')
  await app.waitText('#repair-status', '已完工')
  await app.waitText('#repair-detail', '待客服主管确认费用')
  await app.keys('F8')
  await app.success('费用已确认')
  await app.browser.waitUntil(async () => !(await app.browser.execute(() => document.querySelector('#repair-detail')?.textContent ?? '')).includes('待客服主管确认费用'),
    { timeout: 20000, timeoutMsg: 'the fee still waits for confirmation' })
  await app.keys('F4')
  await app.type('agreement_note', '业主同意按 80 元收费')
  await app.click('#agreement-save')
  await app.success('已登记业主协议')
  await app.waitText('#repair-detail', '已签业主协议')
  await app.keys(['Control', 'd'])
  await app.type('reason', '业主改为自行更换')
  await app.click('#void-save')
  await app.success('派工单已作废')
  await app.waitText('#repair-status', '已作废')
  await app.waitText('#repair-events', '业主改为自行更换')
})

/** The text of an .xlsx's sheets and shared strings, read through the zip's central directory. */
function workbookText(file) {
  const zip = readFileSync(file)
  let eocd = zip.length - 22
  while (zip.readUInt32LE(eocd) !== 0x06054b50) eocd--
  let at = zip.readUInt32LE(eocd + 16)
  let text = ''
  for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10)
    const size = zip.readUInt32LE(at + 20)
    const nameLen = zip.readUInt16LE(at + 28)
    const extra = zip.readUInt16LE(at + 30)
    const comment = zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString()
    if (name === 'xl/sharedStrings.xml' || name.startsWith('xl/worksheets/sheet')) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
      const data = zip.subarray(start, start + size)
      text += (method === 8 ? inflateRawSync(data) : data).toString()
    }
    at += 46 + nameLen + extra + comment
  }
  return text
}

test('registers: the 客户投诉处理记录表 of a chosen period, as Excel, holds that period\'s complaints; every register prints as PDF, and exports as Excel', async () => {
  await app.screen('export')
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  const from = new Date(Date.now() + 8 * 3600e3 - 6 * 86400e3).toISOString().slice(0, 10)
  const span = await app.visible('#register-export .el-range-editor')
  await span.click()
  const inputs = await app.browser.$$('#register-export .el-range-input')
  for (const [input, value] of [[inputs[0], from], [inputs[1], today]]) {
    await input.click()
    await app.keys(['Control', 'a'])
    await app.keys('Backspace')
    await input.addValue(value)
  }
  await app.keys('Enter')
  await app.click('#register-run')
  await app.visible('#register-result')
  const path = (await app.text('#register-result')).replace(/（.*$/, '').trim()
  assert.ok(path.endsWith(`客户投诉处理记录表${from}至${today}.xlsx`), path)
  assert.ok(existsSync(path), path)
  // The same period through the CLI, on the same database.
  const cli = resolve(APP, '..', 'frontdesk')
  const listed = JSON.parse(execFileSync(cli, ['--user', 'wang', '--json', 'complaint', 'list', '--from', from, '--to', today, '--limit', '10000'], {
    env: { ...process.env, FRONTDESK_DATA_DIR: app.dataDir, FRONTDESK_PASSWORD: 'demo1234' },
  }).toString())
  assert.ok(listed.length > 0, 'the demo has complaints this week')
  const inSheet = new Set(workbookText(path).match(/LH-TS\d{4}-\d+/g))
  assert.deepEqual([...inSheet].sort(), listed.map((c) => c.no).sort())
  // Any register also prints: the 前台协调单登记表 of the same period as PDF.
  await app.pick('#register-export .el-select', '前台协调单登记表')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='PDF']`)
  await app.click('#register-run')
  await app.waitText('#register-result', '.pdf')
  const pdf = (await app.text('#register-result')).replace(/（.*$/, '').trim()
  assert.ok(pdf.endsWith(`前台协调单登记表${from}至${today}.pdf`), pdf)
  assert.match(execFileSync('pdftotext', [pdf, '-']).toString(), /《前台协调单登记表》/)
  // Every other register, in both formats, with its title.
  const others = [['客户投诉处理记录表', ['PDF']], ...['报修记录表', '回访记录表', '电话接待记录本', '客户服务需求记录表'].map((r) => [r, ['Excel', 'PDF']])]
  for (const [register, formats] of others) {
    await app.pick('#register-export .el-select', register)
    for (const format of formats) {
      const ext = format === 'PDF' ? 'pdf' : 'xlsx'
      await app.click(`//*[@id='register-export']//label[contains(@class,'el-radio-button')][normalize-space(.)='${format}']`)
      await app.click('#register-run')
      await app.waitText('#register-result', `${register}${from}至${today}.${ext}`)
      const file = (await app.text('#register-result')).replace(/（.*$/, '').trim()
      assert.ok(existsSync(file), file)
      const text = ext === 'pdf' ? execFileSync('pdftotext', [file, '-']).toString() : workbookText(file)
      assert.ok(text.includes(register), `${file} is titled ${register}`)
    }
  }
})

test('customers: add a customer, correct the file, void it with a reason', async () => {
  await app.screen('customers')
  await app.keys('F9')
  await app.type('c_unit', '3-2-502')
  await app.type('c_name', '测试租户')
  await app.click(`//div[contains(@class,'el-dialog')]//label[contains(@class,'el-radio-button')][normalize-space(.)='租户']`)
  await app.type('c_phone', '1381234')
  await app.click('#customer-save')
  await app.waitText('.el-dialog .el-form-item__error', '1381234')
  await app.type('c_phone', '13812345678')
  await app.click('#customer-save')
  await app.success('已建档：3-2-502 测试租户')
  await app.waitText('#customer-file', '测试租户')
  await app.keys('F10')
  await app.type('c_note', '合同至2027年6月')
  await app.click('#customer-save')
  await app.success('已保存客户档案')
  await app.keys(['Control', 'd'])
  await app.type('reason', '租户已退租')
  await app.click('#customer-void-save')
  await app.success('已作废客户档案')
  await app.type('customer_search', '测试租户')
  await app.keys('Enter')
  await app.waitText('#screen-customers', '0 位')
})

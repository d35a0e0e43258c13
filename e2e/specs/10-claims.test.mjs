// 赔付 in the real window with demo data: a claim opened from a complaint's page (赔付, Ctrl+B)
// with the complaint prefilled; a zero amount refused beside the 金额 field; payment refused
// before approval; the 客服主管 sees no 核准 button; the 总经理 (高总) signs in, approves, records
// the agreement and the payment; the 《客户赔付处理记录单》 printed in three copies (3 pages). A
// second claim: a department's reply and a revised proposal, the 《赔付业主备忘录》 printed, then
// voided with a reason; the claims of the period exported as Excel. The complaint's page lists both
// claims, one opens on 赔付, and the signed agreement's scan is attached to it.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch, png } from '../lib.mjs'

const app = await launch('claims')
after(() => app.stop())
before(() => app.demoSignedIn())

let cno
let paid

test('a claim is opened from a complaint, refused bad input and early payment, approved by the 总经理, paid and printed', async () => {
  await app.record('投诉', '楼上漏水泡坏木地板，要求赔偿', { unit: '3-2-502' })
  await app.keys('F9')
  cno = await app.numberAfter(() => app.click('#complaint-create'), '已立案', /LH-TS\d{4}-\d+/)
  await app.openComplaintPage(cno)
  await app.click('#act-claim')
  await app.visible('#claim-dialog')
  const prefilled = await app.browser.execute(() => document.querySelector('[name="claim_complaint"]')?.value)
  assert.equal(prefilled, cno)
  await app.type('claim_situation', '楼上卫生间漏水，木地板约 12 平方米泡水变形')
  await app.type('claim_participants', '赵协调、孙师傅、业主')
  await app.type('claim_amount', '0')
  await app.type('claim_cost_bearer', '工程维修部')
  await app.click('#claim-save')
  await app.waitText('#claim-dialog', '金额：须为正数')
  await app.type('claim_amount', '3200')
  const no = await app.numberAfter(() => app.click('#claim-save'), '已登记赔付', /LH-PF\d{4}-\d+/)
  paid = no
  await app.waitText('#claim-detail', no)
  await app.waitText('#claim-detail', '物业工程')
  await app.waitText('#claim-list', no)

  // Nothing is paid before approval; the 客服主管 is not an approver.
  await app.click('#claim-pay')
  await app.visible('#claim-step-dialog')
  await app.click('#claim-step-save')
  await app.waitText('body', '尚未经总经理核准，不能付款')
  await app.keys('Escape')
  assert.equal(await app.browser.execute(() => !!document.querySelector('#claim-approve')), false)

  // The 总经理 approves and the payment is recorded.
  await app.click('#switch-clerk')
  await app.signIn('gao', 'demo1234')
  await app.screen('intake')
  await app.screen('claims')
  await app.row('claim-list', no)
  await app.waitText('#claim-detail', no)
  await app.click('#claim-approve')
  await app.type('step_note', '同意按协商金额赔付')
  await app.click('#claim-step-save')
  await app.success(`总经理核准：${no} 已核准`)
  await app.waitText('#claim-status', '已核准')
  await app.waitText('#claim-steps', '核准，金额 ¥3200.00')
  await app.click('#claim-agree')
  await app.type('step_text', '双方签订赔付协议，赔付木地板修复费 3200 元')
  await app.click('#claim-step-save')
  await app.success(`签订赔付协议：${no}`)
  await app.waitText('#claim-steps', '签订赔付协议')
  await app.click('#claim-pay')
  await app.click('#claim-step-save')
  await app.success(`登记付款：${no} 已赔付`)
  await app.waitText('#claim-detail', '¥3200.00 银行转账')
  await app.waitText('#claim-steps', '付款 ¥3200.00')

  await app.click('#claim-print')
  await app.success('共 3 页')
  const pdf = join(app.dataDir, 'documents', '赔付', `${no}.pdf`)
  for (let i = 0; i < 50 && !existsSync(pdf); i++) await sleep(100)
  assert.ok(existsSync(pdf), pdf)
  assert.ok(readFileSync(pdf).subarray(0, 5).toString() === '%PDF-')
})

test('a second claim: a department\'s reply, a revised proposal, the memo printed, voided with a reason; the period exported', async () => {
  assert.ok(cno, 'the first test opened a complaint')
  await app.click('#switch-clerk')
  await app.signIn('wang', 'demo1234')
  await app.screen('claims')
  await app.keys('F2')
  await app.visible('#claim-dialog')
  await app.type('claim_complaint', cno)
  await app.type('claim_situation', '漏水泡坏楼下业主的衣柜')
  await app.type('claim_participants', '赵协调、业主')
  await app.type('claim_amount', '800')
  await app.type('claim_cost_bearer', '工程维修部')
  const no = await app.numberAfter(() => app.click('#claim-save'), '已登记赔付', /LH-PF\d{4}-\d+/)
  await app.waitText('#claim-detail', no)

  await app.click('#claim-reply')
  await app.pick("//*[@id='claim-step-dialog']//input[@name='step_department']/ancestor::div[contains(@class,'el-select')][1]", '工程维修部')
  await app.type('step_text', '工程部确认系楼上管道老化渗漏')
  await app.click('#claim-step-save')
  await app.success(`部门回复：${no}`)
  await app.waitText('#claim-steps', '部门回复（工程维修部）：工程部确认系楼上管道老化渗漏')

  await app.click('#claim-propose')
  await app.type('step_text', '按衣柜修复报价赔付')
  await app.type('step_amount', '650')
  await app.click('#claim-step-save')
  await app.success(`提出方案：${no}`)
  await app.waitText('#claim-steps', '提出方案（¥650.00）：按衣柜修复报价赔付')

  await app.keys(['Control', 'm'])
  await app.success(`已生成赔付业主备忘录 ${no}`)
  const memo = join(app.dataDir, 'documents', '赔付', `${no}-备忘录.pdf`)
  for (let i = 0; i < 50 && !existsSync(memo); i++) await sleep(100)
  assert.ok(existsSync(memo), memo)

  await app.click('#claim-void')
  await app.click('#claim-step-save')
  await app.waitText('#claim-step-dialog', '必填，不能为空')
  await app.type('step_reason', '业主撤回赔付要求')
  await app.click('#claim-step-save')
  await app.success(`作废赔付单：${no}`)
  await app.waitText('#claim-status', '已作废')
  await app.waitText('#claim-steps', '作废：业主撤回赔付要求')

  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='按登记日期']`)
  await app.waitText('#claim-list', no)
  await app.click('#claim-export')
  await app.success('已导出客户赔付登记表')
  const dir = join(app.dataDir, 'documents', '登记表')
  let files = []
  for (let i = 0; i < 50 && !files.length; i++) {
    files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xlsx')) : []
    if (!files.length) await sleep(100)
  }
  assert.equal(files.length, 1, `one workbook in ${dir}`)
})

test('the complaint page lists its claims, one opens on 赔付, and the signed agreement\'s scan is attached to it', async () => {
  assert.ok(paid, 'the first test paid a claim')
  await app.openComplaintPage(cno)
  await app.waitText('#complaint-claims', /赔付（2）/)
  await app.waitText('#complaint-claims', paid)
  await app.waitText('#complaint-claims', '已作废')
  await app.click(`//*[@id='complaint-claims']//button[contains(@class,'claim-open')][normalize-space(.)='${paid}']`)
  await app.waitText('#claim-detail', paid)
  await app.waitText('#attachments-claim', /附件\s*（0）/)
  // The scan, as the file chooser would give it.
  await app.browser.execute(
    (b64) => {
      const dt = new DataTransfer()
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], '赔付协议.png'))
      const input = document.querySelector('#attachments-claim .attach-file')
      input.files = dt.files
      input.dispatchEvent(new Event('change'))
    },
    png(32, 32).toString('base64'),
  )
  await app.type('attach_note', '业主签字的赔付协议')
  await app.click('#attach-save')
  await app.success('已添加附件 赔付协议.png')
  await app.waitText('#attachments-claim', /附件\s*（1）/)
  await app.waitText('#attachments-claim', '业主签字的赔付协议')
})

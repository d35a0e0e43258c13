// 赔付 in the real window with demo data: a claim opened from a complaint's page (赔付, Ctrl+B)
// with the complaint prefilled; a zero amount refused beside the 金额 field; payment refused
// before approval; the 客服主管 sees no 核准 button; the 总经理 (高总) signs in, approves and
// records the payment; the 《客户赔付处理记录单》 printed in three copies (3 pages).
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch } from '../lib.mjs'

const app = await launch('claims')
after(() => app.stop())
before(() => app.demoSignedIn())

test('a claim is opened from a complaint, refused bad input and early payment, approved by the 总经理, paid and printed', async () => {
  await app.record('投诉', '楼上漏水泡坏木地板，要求赔偿', { unit: '3-2-502' })
  await app.keys('F9')
  const cno = await app.numberAfter(() => app.click('#complaint-create'), '已立案', /LH-TS\d{4}-\d+/)
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

// KPI statistics and the VIP register in the real window with demo data: the KPIs of a chosen
// period against the policy's targets, with the counts, and a reversed period refused beside its
// field; the 《VIP客户名册》 listing the demo's cards, a row opening the customer's file, the VIP
// 客户助理 named and cleared on an A-tier customer and refused on a C-tier one; a VIP's
// 《VIP客户登记表》 printed from the file; a card's life (复核换卡 refused before its window, 补办,
// 取消VIP) and a tier set by hand.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch } from '../lib.mjs'

const app = await launch('kpi-vip')
after(() => app.stop())
before(() => app.demoSignedIn())

/** A Beijing date `days` from today, YYYY-MM-DD. */
const day = (days = 0) => new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10)

/** Types a date into the date picker named `name` and commits it. */
async function date(name, value) {
  await app.type(name, value)
  await app.keys('Enter')
  await app.keys('Escape')
}

test('KPI: a chosen period shows each KPI against its target, with the counts; a reversed period is refused beside its field', async () => {
  await app.screen('export')
  const from = day(-6)
  const to = day()
  await date('kpi_from', from)
  await date('kpi_to', to)
  await app.keys(['Control', 'k'])
  await app.waitText('#kpi-period', `${from} 至 ${to}`)
  await app.waitText('#kpi-table', '有效投诉处理率')
  await app.waitText('#kpi-table', '≥ 100%')
  await app.waitText('#kpi-table', '有效投诉率')
  await app.waitText('#kpi-table', '< 1%')
  await app.waitText('#kpi-table', /达标|未达标|无数据/)
  await app.waitText('#kpi-counts', '投诉 · 按等级')
  await app.waitText('#kpi-counts', '来访 · 按渠道')
  // The end before the start: the core's message beside 结束日期.
  await date('kpi_from', to)
  await date('kpi_to', from)
  await app.keys(['Control', 'k'])
  await app.waitText('#kpi-form .el-form-item__error', '不能早于开始日期')
})

test('VIP register: the demo\'s cards, a row opens the file; the 客户助理 named on an A-tier customer, refused on a C-tier one', async () => {
  await app.screen('customers')
  await app.keys(['Control', '2'])
  await app.waitText('#vip-register', /JK\d+/)
  const card = await app.browser.execute(() => document.querySelector('#vip-register tbody tr td')?.textContent?.trim() ?? '')
  assert.match(card, /^JK\d+$/)
  await app.row('vip-register', card)
  await app.waitText('#customer-card', card)
  await app.waitText('#customer-tier', 'A类')
  // Named: shown in the file and in the register.
  await app.keys('F11')
  await app.pick('[name="assistant"]', '李前台')
  await app.messageAfter(() => app.click('#assistant-save'), '已指定客户助理：李前台')
  await app.waitText('#customer-assistant', '李前台')
  await app.waitText('#vip-register', '李前台')
  // Cleared.
  await app.keys('F11')
  await app.visible('#assistant-form')
  await app.messageAfter(() => app.keys(['Control', 'Delete']), '已清除客户助理')
  await app.waitText('#customer-assistant', '—')
  // A C-tier customer from the normal list: the core refuses, its message shown in the dialog.
  await app.keys(['Control', '1'])
  await app.row('customer-list', 'C类')
  await app.waitText('#customer-tier', 'C类')
  await app.keys('F11')
  await app.pick('[name="assistant"]', '李前台')
  await app.click('#assistant-save')
  await app.waitText('#assistant-error', '只能为A类（VIP）客户指定客户助理')
  await app.keys('Escape')
  await app.waitText('#customer-assistant', '—')
})

test('VIP客户登记表: printed from a VIP\'s file with Ctrl+P, to VIP客户登记表/<card>.pdf', async () => {
  await app.screen('customers')
  await app.keys(['Control', '2'])
  await app.waitText('#vip-register', /JK\d+/)
  const card = await app.browser.execute(() => document.querySelector('#vip-register tbody tr td')?.textContent?.trim() ?? '')
  await app.row('vip-register', card)
  await app.waitText('#customer-card', card)
  await app.messageAfter(() => app.keys(['Control', 'p']), '已生成VIP客户登记表')
  const pdf = join(app.dataDir, 'documents', 'VIP客户登记表', `${card}.pdf`)
  for (let i = 0; i < 50 && !existsSync(pdf); i++) await sleep(100)
  assert.ok(existsSync(pdf), pdf)
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-')
})

test('VIP card: 复核换卡 refused before its window, a lost card re-issued, VIP revoked down to B; a tier set by hand with a reason', async () => {
  await app.screen('customers')
  await app.keys(['Control', '2'])
  await app.waitText('#vip-register', /JK\d+/)
  // The register's last card (the tests above used the first).
  const card = await app.browser.execute(() => [...document.querySelectorAll('#vip-register tbody tr')].at(-1)?.querySelector('td')?.textContent?.trim() ?? '')
  assert.match(card, /^JK\d+$/)
  await app.row('vip-register', card)
  await app.waitText('#customer-card', card)
  const dialogRadio = (text) => `//div[contains(@class,'el-dialog')]//label[contains(@class,'el-radio-button')][normalize-space(.)='${text}']`
  // A card years from expiry is not renewed yet: the core says from when.
  await app.keys('F6')
  await app.type('card_note', '年度复核')
  await app.click('#card-save')
  await app.failure('才能复核换发')
  await app.keys('Escape')
  // 补办: the same number, the reason kept.
  await app.keys('F7')
  await app.type('vip_reason', '业主遗失')
  await app.click('#vip-reason-save')
  await app.success('已补办')
  await app.waitText('#customer-card', card)
  // 取消VIP down to B: the card is gone, the tier and its reason are in the history.
  await app.keys('F8')
  await app.type('vip_reason', '长期恶意欠费')
  await app.click(dialogRadio('B类'))
  await app.click('#vip-reason-save')
  await app.success('已取消VIP')
  await app.waitText('#customer-card', '—')
  await app.waitText('#customer-tier', 'B类')
  await app.waitText('#tier-history', '长期恶意欠费')
  // A tier set by hand: the reason is required.
  await app.keys('F2')
  await app.click(dialogRadio('C类'))
  await app.click('#tier-save')
  await app.failure('调整原因')
  await app.type('tier_reason', '多次无理投诉，经主管复核')
  await app.click('#tier-save')
  await app.success('已调整客户等级')
  await app.waitText('#customer-tier', 'C类')
  await app.waitText('#tier-history', '多次无理投诉，经主管复核')
})

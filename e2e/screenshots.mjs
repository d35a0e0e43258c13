// Takes a 1366×768 screenshot of every screen with demo data (run by scripts/app-screenshots).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch } from './lib.mjs'

const out = process.argv[2] ?? 'screenshots'
mkdirSync(out, { recursive: true })
const app = await launch('shots')
const shot = async (name) => {
  await sleep(600)
  writeFileSync(join(out, `${name}.png`), Buffer.from(await app.browser.takeScreenshot(), 'base64'))
  console.log(`${out}/${name}.png`)
}
try {
  await app.visible('#setup')
  await shot('00-setup')
  await app.keys('F9')
  await app.visible('#login', 120000)
  await shot('01-login')
  await app.type('login', 'wang')
  await app.type('password', 'demo1234')
  await app.keys('Enter')
  await app.visible('#screen-intake')
  await app.type('lookup', '3-2-502')
  await app.keys('Enter')
  await app.waitText('#lookup-result', '3-2-502')
  await shot('02-intake')
  for (const [i, s] of ['complaints', 'slips', 'repairs', 'followups', 'customers', 'export', 'settings', 'rules'].entries()) {
    await app.screen(s)
    if (s === 'repairs') await app.row('repair-queue')
    if (s === 'customers') await app.row('customer-list')
    if (s === 'slips') await app.row('slip-register').catch(() => {})
    if (s === 'followups') await app.row('followup-list').catch(() => {})
    await shot(`${String(i + 3).padStart(2, '0')}-${s}`)
    if (s === 'export') {
      await app.keys(['Control', 'Enter'])
      await app.waitText('#export-result', '月度报告', 60000)
      await shot('08b-export-done')
    }
    if (s === 'customers') {
      await app.keys('F4')
      await app.visible('.el-dialog')
      await shot('07b-customers-import')
      await app.keys('Escape')
    }
    if (s === 'rules') {
      await app.keys(['Control', '2'])
      await app.visible('#calendar-days')
      await shot('10b-rules-calendar')
    }
    if (s === 'settings') {
      await app.click(`//div[contains(@class,'el-tabs__item')][normalize-space(.)='备份']`)
      await app.click('#audit-verify')
      await app.waitText('#verify-result', '校验')
      await shot('09b-settings-backups')
    }
    if (s === 'complaints') {
      await app.browser.execute(() => document.querySelector('#complaint-queue tbody tr button')?.click())
      await app.visible('#screen-complaint')
      await shot('03b-complaint-page')
    }
  }
} finally {
  await app.stop()
}

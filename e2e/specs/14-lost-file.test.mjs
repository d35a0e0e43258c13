// A desk whose attachment file was lost from the attachments folder (a photo deleted by hand, a
// disk error): prepared with the CLI (demo data, a photo on a complaint, the stored file
// removed). The app still opens for work — the database passed its start-up check — and says in
// the side bar that attachment files are missing; the day's automatic backups are still made
// (without the lost photo, which the side bar also says); 设置 › 备份 › 校验数据库与审计链 names the
// file.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { APP, launch, png } from '../lib.mjs'

const CLI = resolve(APP, '..', 'frontdesk')


/** Every file under `dir`. */
function files(dir) {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
}

const app = await launch('lost-file', (dataDir) => {
  const cli = (...args) => execFileSync(CLI, ['--data-dir', dataDir, '--user', 'wang', '--password', 'demo1234', '--json', ...args], { encoding: 'utf8' })
  cli('demo')
  const complaint = JSON.parse(cli('complaint', 'list'))[0].no
  const photo = join(dataDir, '..', '楼道渗水.png')
  writeFileSync(photo, png(8, 8))
  cli('attach', 'add', 'complaint', complaint, photo, '--note', '楼道渗水')
  for (const f of files(join(dataDir, 'attachments'))) rmSync(f)
})
after(() => app.stop())

test('a lost attachment file: the desk opens for work with a warning, backs up without it, and 校验 names the file', async () => {
  await app.signIn('wang', 'demo1234')
  await app.visible('#screen-intake')
  await app.waitText('#attachments-warning', '附件文件缺失或被改动')
  await app.waitText('#backup-warning', '自动备份有问题')
  await app.screen('settings')
  await app.click(`//div[contains(@class,'el-tabs__item')][normalize-space(.)='备份']`)
  await app.waitText('#backup-list', '每日')
  await app.waitText('#backup-list', '每月')
  await app.click('#audit-verify')
  await app.waitText('#verify-result', '附件文件 1 个有问题')
  await app.waitText('#verify-attachments', '楼道渗水.png')
  assert.match(await app.text('#verify-attachments'), /不见了/)
  await app.browser.saveScreenshot('/tmp/fd-e2e-lost-file.png')
})

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
import { deflateSync } from 'node:zlib'
import { APP, launch } from '../lib.mjs'

const CLI = resolve(APP, '..', 'frontdesk')

/** A small valid PNG (a grey 8×8 square). */
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(8, 0)
  ihdr.writeUInt32BE(8, 4)
  ihdr[8] = 8
  ihdr[9] = 0
  const rows = Buffer.concat(Array.from({ length: 8 }, () => Buffer.from([0, ...Array(8).fill(128)])))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

/** Every file under `dir`. */
function files(dir) {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
}

const app = await launch('lost-file', (dataDir) => {
  const cli = (...args) => execFileSync(CLI, ['--data-dir', dataDir, '--user', 'wang', '--password', 'demo1234', '--json', ...args], { encoding: 'utf8' })
  cli('demo')
  const complaint = JSON.parse(cli('complaint', 'list'))[0].no
  const photo = join(dataDir, '..', '楼道渗水.png')
  writeFileSync(photo, png())
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

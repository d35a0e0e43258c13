// 附件 (evidence) in the real window with demo data: a photo attached to a complaint on its page
// (the file chosen as the clerk's file chooser would give it), listed with its thumbnail and who
// added it; a text file posing as a PNG refused with the field's message; the complaint's record
// PDF printed with the photo in it; an attachment voided with a reason.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launch, png } from '../lib.mjs'

const app = await launch('evidence')
after(() => app.stop())
before(() => app.demoSignedIn())


/** Gives the complaint page's hidden file input this file, as the clerk's file chooser would. */
async function pickFile(name, bytes) {
  await app.browser.execute(
    (name, b64) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([bin], name))
      const input = document.querySelector('#attachments-complaint .attach-file')
      input.files = dt.files
      input.dispatchEvent(new Event('change'))
    },
    name,
    bytes.toString('base64'),
  )
}

test('附件: a photo on a complaint, listed with its thumbnail, printed on the record, voided', async () => {
  await app.record('投诉', '楼道墙面渗水发霉，要求尽快处理')
  await app.keys('F9')
  await app.visible('#grade-preview')
  const cno = await app.numberAfter(() => app.click('#complaint-create'), '已立案', /LH-TS\d{4}-\d+/)
  await app.openComplaintPage(cno)
  await app.waitText('#attachments-complaint', /附件\s*（0）/)

  // A text file named .png: the core reads the content and refuses it, naming the file field.
  await pickFile('假照片.png', Buffer.from('not a picture'))
  await app.type('attach_note', '业主发来的照片')
  await app.click('#attach-save')
  await app.waitText('.el-dialog .el-form-item__error', '不是可接受的文件类型')
  await app.click('.el-dialog .el-dialog__headerbtn')
  await app.browser.waitUntil(async () => !(await app.browser.$('#attach-save').isExisting()), { timeout: 10000 })

  // The photo, chosen with the key (Ctrl+U opens the chooser; the chooser itself is the system's).
  await pickFile('墙面渗水.png', png(64, 48))
  await app.type('attach_note', '三楼楼道东侧墙面')
  await app.click('#attach-save')
  await app.success('已添加附件 墙面渗水.png')
  await app.waitText('#attachments-complaint', /附件\s*（1）/)
  await app.waitText('#attachments-complaint', '三楼楼道东侧墙面')
  await app.waitText('#attachments-complaint', /PNG 图片.*王主管 添加于/)
  // The thumbnail is the photo itself, drawn (a data: URL of the checked file, decoded by the window).
  await app.browser.waitUntil(
    async () =>
      app.browser.execute(() => {
        const img = document.querySelector('#attachments-complaint img.thumb')
        return !!img && img.src.startsWith('data:image/png;base64,') && img.complete && img.naturalWidth === 64
      }),
    { timeout: 20000, timeoutMsg: 'no thumbnail drawn' },
  )
  // The file is in the data folder's store, by its content hash.
  const stored = join(app.dataDir, 'attachments')
  assert.ok(existsSync(stored), stored)

  // The record PDF carries the photo as a picture, with its name.
  await app.keys(['Control', 'p'])
  await app.success('已生成《客户投诉处理记录表》')
  const pdf = join(app.dataDir, 'documents', '投诉记录', `${cno}.pdf`)
  for (let i = 0; i < 100 && !existsSync(pdf); i++) await sleep(100)
  const bytes = readFileSync(pdf)
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-')
  assert.match(bytes.toString('latin1'), /\/Subtype\s*\/Image/)

  // Voided with a reason: off the list (the file stays in the store).
  await app.clickUntil('#attachments-complaint .attach-void', '#attach-void-save')
  await app.click('#attach-void-save')
  await app.waitText('.el-dialog .el-form-item__error', '原因')
  await app.type('attach_void_reason', '照片拍错了楼层')
  await app.click('#attach-void-save')
  await app.success('已作废附件 墙面渗水.png')
  await app.waitText('#attachments-complaint', /附件\s*（0）/)
})

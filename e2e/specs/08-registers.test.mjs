// Every record the seeds keep, in the real window with demo data: a 投诉 explained and settled at
// the counter (never opened as a complaint) is a row of the 《客户投诉处理记录表》 exported from
// 统计与导出, marked 当场处理 with who it was about and who received it; and the
// 《维修有偿服务项目及收费标准》 printed for the counter from the price-list screen.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { launch } from '../lib.mjs'

const app = await launch('registers')
after(() => app.stop())
before(() => app.demoSignedIn())

/** The text of a written workbook's first sheet (the registers write inline strings), read from
 *  the zip's central directory. */
function firstSheet(path) {
  const zip = readFileSync(path)
  const want = 'xl/worksheets/sheet1.xml'
  let at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const entries = zip.readUInt16LE(at + 10)
  at = zip.readUInt32LE(at + 16)
  for (let i = 0; i < entries; i++) {
    const [method, size, nameLen, extra, comment, local] = [10, 20, 28, 30, 32, 42].map((o) => (o === 20 || o === 42 ? zip.readUInt32LE(at + o) : zip.readUInt16LE(at + o)))
    if (zip.toString('utf8', at + 46, at + 46 + nameLen) === want) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
      const data = zip.subarray(start, start + size)
      return (method === 0 ? data : inflateRawSync(data)).toString('utf8')
    }
    at += 46 + nameLen + extra + comment
  }
  throw new Error(`${want} not in ${path}`)
}

test('a 投诉 settled at the desk is in the complaint register exported as Excel', async () => {
  await app.screen('intake')
  await app.keys('F4')
  await app.type('lookup', '3-2-502')
  await app.keys('Enter')
  await app.waitText('#lookup-result', '3-2-502')
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='来访']`)
  await app.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='投诉']`)
  await app.type('content', '保安夜间巡逻大声喧哗')
  await app.type('about', '秩序维护部夜班')
  await app.type('location', '5栋楼下')
  await app.type('reply', '已致歉并说明夜间巡逻规定')
  await app.click(`//label[contains(@class,'el-checkbox')][contains(normalize-space(.),'当场解释解决')]`)
  const no = await app.numberAfter(() => app.keys(['Control', 'Enter']), '已登记', /LH-DJ\d{4}-\d+/)

  await app.screen('export')
  await app.click('#register-run')
  await app.waitText('#register-result', '客户投诉处理记录表', 60000)
  const path = (await app.text('#register-result')).replace(/（.*$/, '').trim()
  assert.ok(path.startsWith(join(app.dataDir, 'documents', '登记表')), path)
  assert.ok(path.endsWith('.xlsx'), path)
  const xml = firstSheet(path)
  for (const want of [no, '当场处理', '秩序维护部夜班', '5栋楼下', '前台答复：已致歉并说明夜间巡逻规定', '接待人', '回访人']) {
    assert.ok(xml.includes(want), `the register lacks ${want}`)
  }
})

test('the price list printed for the counter from the price-list screen', async () => {
  await app.screen('rules')
  await app.waitText('#price-list', 'P01')
  await app.keys(['Control', 'p'])
  await app.success('已生成收费标准')
  const pdf = join(app.dataDir, 'documents', '价目表', '龙湖花园维修有偿服务项目及收费标准.pdf')
  await app.browser.waitUntil(async () => existsSync(pdf), { timeout: 20000, timeoutMsg: `${pdf} not written` })
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-')
  await app.click('#price-export')
  await app.success('已导出收费标准')
  const book = pdf.replace(/\.pdf$/, '.xlsx')
  await app.browser.waitUntil(async () => existsSync(book), { timeout: 20000, timeoutMsg: `${book} not written` })
  const xml = firstSheet(book)
  assert.ok(xml.includes('《维修有偿服务项目及收费标准》'))
  assert.ok(xml.includes('P01'))
})

// 客户档案 import from Excel (a file with one bad row: the report, then the valid rows only) and
// the supervisor's 价目表与日历 screen (a price item with a bad price first, then its price
// changed and the item taken off the list; a calendar day set, then removed).
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { launch } from '../lib.mjs'

const app = await launch('import-rules')
after(() => app.stop())

before(() => app.demoSignedIn())

// ---- a minimal .xlsx written here: a stored (uncompressed) zip of the workbook's XML parts ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function zip(files) {
  const locals = []
  const centrals = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const n = Buffer.from(name)
    const data = Buffer.from(text)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(n.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(n.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, n, data)
    centrals.push(central, n)
    offset += local.length + n.length + data.length
  }
  const dir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(centrals.length / 2, 8)
  end.writeUInt16LE(centrals.length / 2, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
/** A workbook whose first sheet holds `rows` (arrays of strings) from A1. */
function xlsx(rows) {
  const col = (i) => String.fromCharCode(65 + i)
  const sheetRows = rows
    .map((r, i) => `<row r="${i + 1}">${r.map((v, j) => `<c r="${col(j)}${i + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('')}</row>`)
    .join('')
  return zip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml':
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="客户档案" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
  })
}

/** Gives the page's hidden file input this file, as the clerk's file chooser would. */
async function pickFile(name, bytes) {
  await app.browser.execute(
    (name, b64) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([bin], name))
      const input = document.querySelector('#import-file')
      input.files = dt.files
      input.dispatchEvent(new Event('change'))
    },
    name,
    bytes.toString('base64'),
  )
}

test('customers: import an .xlsx with one bad row, see the report, import the valid rows', async () => {
  await app.screen('customers')
  await app.keys('F4')
  await app.visible('#import-choose')
  const file = xlsx([
    ['房号', '姓名', '身份', '电话'],
    ['9-1-101', '导入甲', '业主', '13911112222'],
    ['9-1-101', '导入乙', '家属', '12345'],
    ['9-1-102', '导入丙', '租户', ''],
  ])
  await pickFile('新客户.xlsx', file)
  await app.waitText('#import-stats', '共 3 行', 30000)
  await app.waitText('#import-bad', '错误行 1')
  await app.waitText('#import-problems', '不是有效的电话号码')
  const firstRow = await app.browser.execute(() => [...document.querySelectorAll('#import-problems tbody tr:first-child td')].map((td) => td.textContent.trim()))
  assert.deepEqual(firstRow.slice(0, 2), ['3', '电话'])
  // With a bad row only "the valid rows" is offered (Ctrl+Enter).
  assert.equal(await app.browser.$('#import-all').isExisting(), false)
  await app.keys(['Control', 'Enter'])
  await app.waitText('#import-done', '已导入 2 位客户', 30000)
  await app.waitText('#import-done', '1 行有错误，未导入')
  await app.keys('Enter')
  await app.type('customer_search', '导入')
  await app.keys('Enter')
  await app.waitText('#customer-list', '导入甲')
  await app.waitText('#customer-list', '导入丙')
  const text = await app.browser.execute(() => document.querySelector('#customer-list').textContent)
  assert.ok(!text.includes('导入乙'), 'the bad row is not imported')
})

test('customers: a file that is not a workbook is refused with a Chinese message', async () => {
  await app.keys('F4')
  await app.visible('#import-choose')
  await pickFile('名单.xlsx', Buffer.from('房号,姓名\n1-1-101,张伟\n'))
  await app.waitText('#import-error', '不是有效的 Excel 工作簿')
  await app.keys('Escape')
})

test('价目表: a bad price shows the field message, then the item is added; a calendar day is set', async () => {
  await app.keys(['Alt', '9'])
  await app.visible('#screen-rules')
  await app.keys('F2')
  await app.type('price_code', 'E2E1')
  await app.type('price_name', '更换门锁芯')
  await app.type('price_unit', '个')
  await app.type('price_price', '八十')
  await app.keys('Enter')
  await app.waitText('.el-dialog .el-form-item__error', '单价')
  await app.type('price_price', '80')
  await app.keys('Enter')
  await app.success('已添加收费项目')
  await app.waitText('#price-list', '更换门锁芯')
  await app.waitText('#price-list', '¥80.00')

  await app.keys(['Control', '2'])
  await app.visible('#calendar-days')
  await app.keys('F2')
  const year = (await app.text('#calendar-year')).replace(/\D/g, '')
  await app.type('day_date', `${year}-06-15`)
  await app.type('day_name', '公司年会')
  await app.keys('Enter')
  await app.success(`已设置 ${year}-06-15`)
  await app.waitText('#calendar-days', '公司年会')
  await app.waitText('#calendar-days', '本项目')
})

test('价目表: an item\'s price changed, then taken off the list with a reason; the estate\'s calendar day removed with a reason', async () => {
  await app.keys(['Control', '1'])
  await app.visible('#price-list')
  await app.row('price-list', 'E2E1')
  await app.keys('F3')
  await app.type('price_price', '95')
  await app.keys('Enter')
  await app.success('已修改收费项目')
  await app.waitText('#price-list', '¥95.00')
  await app.row('price-list', 'E2E1')
  await app.keys('F8')
  await app.type('void_reason', '改用新款锁芯项目')
  await app.click('#void-save')
  await app.success('已停用收费项目')
  // Kept, not deleted: shown with the voided items.
  await app.keys('F6')
  await app.waitText('#price-list', '已停用')

  await app.keys(['Control', '2'])
  await app.waitText('#calendar-days', '公司年会')
  const day = await app.browser.$(`//*[@id='calendar-days']//tbody/tr[.//td[contains(., '公司年会')]]/td[2]`)
  await app.browser.execute((e) => e.click(), day)
  await app.keys('F8')
  await app.type('clear_reason', '年会取消')
  await app.click('#clear-save')
  await app.success('已取消本项目设置')
  await app.browser.waitUntil(async () => !(await app.browser.execute(() => document.querySelector('#calendar-days')?.textContent ?? '')).includes('公司年会'),
    { timeout: 20000, timeoutMsg: 'the day is still set' })
})

// The head office in the real window (#19). Two estates' desks (the CLI: 龙湖花园 with demo data,
// 心怡苑 set up with the same supervisor login `wang` and one complaint) have joined the company's
// server; the head office joins from the set-up screen with a read-only code for both. Signing in
// as `wang` is refused naming both estates, `LH/wang` signs in; the side bar says 总部 · 只读 and
// picks the estate shown; a registration is refused; 心怡苑's complaint is on its 投诉台账; and the
// company's month workbook (F6) holds each estate's complaints as its own month workbook does,
// with the 合计 their sum. Runs against the real frontdesk-server over a throwaway PostgreSQL
// (scripts/app-test runs the specs under scripts/pg).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { APP, launch, syncServer } from '../lib.mjs'

const BIN = dirname(APP)
const DB = process.env.FRONTDESK_TEST_DATABASE_URL
const XLSX_ROWS = resolve(import.meta.dirname, '..', '..', 'scripts', 'xlsx-rows')
const app = await launch('head-office')
let server
/** Scratch folders of the estates' desks and their month workbooks, removed at the end. */
const scratch = []
const scratchDir = (name) => {
  const dir = mkdtempSync(join(tmpdir(), `fd-e2e-${name}-`))
  scratch.push(dir)
  return dir
}
after(async () => {
  await server?.stop()
  await app.stop()
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

/** The data rows of one sheet of a workbook (scripts/xlsx-rows). */
const sheetRows = (file, sheet) => JSON.parse(execFileSync(XLSX_ROWS, [file, sheet], { encoding: 'utf8' }))

test('head office: joins read-only for two estates, signs in as 代码/登录名, picks the estate shown, writes nothing, and its company month is the estates\' sum',
  { skip: !DB && 'FRONTDESK_TEST_DATABASE_URL is not set (scripts/app-test runs the specs under scripts/pg)' }, async () => {
    server = await syncServer()
    const url = server.url
    await server.start()
    // Two estates' desks, each joined with its own code.
    const folder = (name) => join(scratchDir(name), 'data')
    const [lh, xy] = [folder('lh'), folder('xy')]
    const cli = (dir, password, ...args) => execFileSync(join(BIN, 'frontdesk'), ['--data-dir', dir, '--user', 'wang', '--password', password, '--json', ...args], { encoding: 'utf8' })
    cli(lh, 'demo1234', 'demo')
    execFileSync(join(BIN, 'frontdesk'), ['--data-dir', xy, 'init', '--estate', '心怡苑', '--code', 'XY', '--admin', 'wang', '--admin-name', '王经理', '--password', 'xy-secret1'])
    const xyIntake = JSON.parse(cli(xy, 'xy-secret1', 'intake', 'add', JSON.stringify({ channel: '来访', kind: '投诉', phone: '13800138000', content: '心怡苑：电梯停运半天' }))).no
    const xyComplaint = JSON.parse(cli(xy, 'xy-secret1', 'complaint', 'open', JSON.stringify({ intake: xyIntake, category: '物业管理' }))).no
    const estateOf = (dir, password) => JSON.parse(cli(dir, password, 'info')).estates[0].id
    const [lhId, xyId] = [estateOf(lh, 'demo1234'), estateOf(xy, 'xy-secret1')]
    cli(lh, 'demo1234', 'sync', 'enrol', '--server', url, '--code', server.code('--estate', lhId), '--name', '龙湖前台')
    cli(xy, 'xy-secret1', 'sync', 'enrol', '--server', url, '--code', server.code('--estate', xyId), '--name', '心怡苑前台')

    // The head office joins on a new computer with a read-only code for both.
    await app.visible('#setup')
    await app.keys('F8')
    await app.visible('#sync-join')
    await app.type('sync_server', url)
    await app.type('sync_code', server.code('--estate', lhId, '--estate', xyId, '--read-only'))
    await app.type('sync_name', '总部')
    await app.click('#sync-join-save')
    await app.success('已加入同步')
    await app.visible('#login', 120000)
    await app.waitText('#login', '总部 · 2 个小区')
    await app.signIn('wang', 'demo1234')
    await app.waitText('#login', 'LH、XY都有“wang”')
    await app.signIn('LH/wang', 'demo1234')
    await app.visible('#screen-intake')
    await app.waitText('#read-only', '总部 · 只读')

    // Nothing is written here.
    await app.type('content', '总部想登记一件咨询')
    await app.keys(['Control', 'Enter'])
    await app.waitText('body', '本机是总部只读桌面')

    // The estate shown is picked in the side bar: 心怡苑's complaint is on its 投诉台账.
    await app.screen('complaints')
    await app.pick('#estate-view .el-select', '心怡苑')
    await app.waitText('#estate-view', '心怡苑')
    await app.waitText('#complaint-queue', xyComplaint)
    await app.browser.saveScreenshot('/tmp/fd-e2e-head-office.png')

    // The company's month: each estate's complaints as in its own month workbook, 合计 their sum.
    await app.screen('export')
    const month = await (await app.visible('[name="export_month"]')).getValue()
    await app.keys('F6')
    await app.waitText('#company-result', `全公司客服月报${month}.xlsx`, 60000)
    const dir = join(app.dataDir, 'documents', '月末导出', month)
    const company = join(dir, `全公司客服月报${month}.xlsx`)
    const own = (desk, password) => {
      const out = scratchDir('month')
      cli(desk, password, 'month-end', month, '--dir', out)
      const file = join(out, readdirSync(out).find((f) => f.endsWith('.xlsx')))
      return sheetRows(file, '按等级').reduce((n, r) => n + Number(r['件数']), 0)
    }
    const lines = Object.fromEntries(sheetRows(company, '全公司').map((r) => [r['小区'], Number(r['投诉'])]))
    const [ownLh, ownXy] = [own(lh, 'demo1234'), own(xy, 'xy-secret1')]
    assert.deepEqual(lines, { 龙湖花园: ownLh, 心怡苑: ownXy, 合计: ownLh + ownXy })
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [])
    await app.browser.saveScreenshot('/tmp/fd-e2e-head-office-export.png')
  })

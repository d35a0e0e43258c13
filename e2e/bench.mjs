// The desktop app's benchmark (run by scripts/app-bench on the release binary): time from launch to
// the sign-in screen, from signing in to the intake screen ready for typing, idle memory of the app
// with its WebKit processes, and the binary's size. Prints one figure a line and a JSON summary.
//
// Launch is measured from the app process's own start time (/proc/<pid>/stat), not from the
// WebDriver session, so the driver's start-up is not counted.
//
// `--detail` also prints the mappings holding the most memory in each process; `--db FILE` also
// measures the app on a copy of a large database (below).
//
// For scale, the same two figures of a bare WebKitGTK window on the same display: Debian's
// MiniBrowser (the browser of the WebKitGTK package the app is built on, with the app's WebKit
// setting: no accelerated compositing) opening a one-line page,
// launch measured from its start to the page's script running. What the app adds is the
// difference; what the window alone costs is below the app's reach.
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { APP, launch } from './lib.mjs'

const CLI = process.env.FRONTDESK_CLI
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())
const bootMs = () => {
  const [up] = readFileSync('/proc/uptime', 'utf8').split(' ')
  return Date.now() - Number(up) * 1000
}

/** The app process (the one whose executable is APP) started by this run. */
function appPid(dataDir) {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue
    try {
      if (!readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`FRONTDESK_DATA_DIR=${dataDir}`)) continue
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0].endsWith('frontdesk-app')) return Number(p)
    } catch {}
  }
  throw new Error('app process not found')
}

/** Wall-clock start of a process, in ms since the epoch. */
function startedAt(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return bootMs() + (Number(fields[19]) / TICKS) * 1000
}

/** The process and all its descendants. */
function tree(pid) {
  const children = new Map()
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)])
    } catch {}
  }
  const out = [pid]
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []))
  return out
}

/** Proportional set size (shared pages split between the processes), in MB. */
function pssMb(pids) {
  let kb = 0
  for (const p of pids) {
    try {
      const m = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m)
      if (m) kb += Number(m[1])
    } catch {}
  }
  return kb / 1024
}

/** The mappings of a process holding the most memory (PSS, MB), largest first. */
function topMappings(pid, n) {
  const by = new Map()
  let name = ''
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/)
    if (head) name = head[1] || '[anonymous]'
    const pss = line.match(/^Pss:\s+(\d+) kB/)
    if (pss) by.set(name, (by.get(name) ?? 0) + Number(pss[1]) / 1024)
  }
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, n)
}

/** Launch time and idle memory of a bare WebKitGTK window (MiniBrowser), or null without one. */
async function bareWindow() {
  const lib = readdirSync('/usr/lib').map((d) => `/usr/lib/${d}/webkit2gtk-4.1/MiniBrowser`)
  const mini = lib.find((p) => existsSync(p))
  if (!mini) return null
  let loaded
  const ran = new Promise((r) => (loaded = r))
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/ran')) loaded(Date.now())
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end('<!doctype html><title>登录</title><p>登录</p><script>fetch("/ran")</script>')
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const root = mkdtempSync(join(tmpdir(), 'fd-bench-webkit-'))
  // Without accelerated compositing, as the app runs WebKitGTK (src-tauri/src/lib.rs, lean_webview).
  const env = { WEBKIT_DISABLE_COMPOSITING_MODE: '1', ...process.env, XDG_DATA_HOME: join(root, 'data'), XDG_CONFIG_HOME: join(root, 'config'), XDG_CACHE_HOME: join(root, 'cache') }
  const child = spawn(mini, [`http://127.0.0.1:${server.address().port}/`], { env, stdio: 'ignore' })
  try {
    const at = await Promise.race([ran, sleep(60000).then(() => null)])
    if (at == null) return null
    const launchMs = at - startedAt(child.pid)
    await sleep(5000)
    const pids = tree(child.pid)
    return { launchMs, idleMb: pssMb(pids), processes: pids.length }
  } finally {
    child.kill('SIGTERM')
    server.close()
    rmSync(root, { recursive: true, force: true })
  }
}

/** Launches the app on a data folder made by `prepare`, signs in and lets it idle: the figures. */
async function measure(name, prepare, login, password) {
  const app = await launch(name, async (dataDir) => {
    mkdirSync(dataDir, { recursive: true })
    prepare(dataDir)
  })
  try {
    const pid = appPid(app.dataDir)
    await app.visible('#login', 60000)
    const launchMs = Date.now() - startedAt(pid)
    // Where the time went: process start → page navigation start (Tauri, WebKit) → page ready.
    const page = await app.browser.execute(() => ({
      origin: performance.timeOrigin,
      dom: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0,
    }))
    await app.type('login', login)
    await app.type('password', password)
    const t = Date.now()
    await app.keys('Enter')
    await app.browser.waitUntil(
      () => app.browser.execute(() => document.activeElement?.getAttribute('name') === 'lookup'),
      { timeout: 60000, interval: 10 },
    )
    const signInMs = Date.now() - t
    await sleep(5000)
    const pids = tree(pid)
    const processes = pids.map((p) => ({ pid: p, name: readFileSync(`/proc/${p}/comm`, 'utf8').trim(), mb: pssMb([p]) }))
    if (process.argv.includes('--detail')) for (const p of processes) p.top = topMappings(p.pid, 8)
    return { launchMs, webviewMs: page.origin - startedAt(pid), scriptsMs: page.dom, signInMs, idleMb: pssMb(pids), processes }
  } finally {
    await app.stop()
  }
}

const demo = await measure('bench', (dir) => execFileSync(CLI, ['--data-dir', dir, 'demo'], { stdio: 'ignore' }), 'li', 'demo1234')
const binMb = statSync(APP).size / 1024 / 1024
// What the binary weighs in the installer, which compresses with LZMA: xz -9 as a stand-in.
const xzMb = Number(execFileSync('sh', ['-c', 'xz -9 -T1 -c "$0" | wc -c', APP]).toString().trim()) / 1024 / 1024
console.log(`launch to sign-in screen: ${demo.launchMs.toFixed(0)} ms (page load starts at ${demo.webviewMs.toFixed(0)} ms, scripts loaded ${demo.scriptsMs.toFixed(0)} ms later)`)
console.log(`sign-in to intake ready for typing: ${demo.signInMs.toFixed(0)} ms`)
console.log(`idle memory (PSS, app + ${demo.processes.length - 1} WebKit processes): ${demo.idleMb.toFixed(0)} MB`)
console.log(`binary: ${binMb.toFixed(1)} MB, ${xzMb.toFixed(1)} MB compressed with xz -9 (${APP})`)
for (const p of demo.processes) {
  console.log(`  ${p.name}: ${p.mb.toFixed(0)} MB`)
  for (const [m, mb] of p.top ?? []) console.log(`      ${mb.toFixed(1).padStart(6)} MB  ${m}`)
}
const summary = { launch_ms: Math.round(demo.launchMs), webview_ms: Math.round(demo.webviewMs), sign_in_ms: demo.signInMs, idle_pss_mb: Math.round(demo.idleMb), binary_mb: Number(binMb.toFixed(1)), binary_xz_mb: Number(xzMb.toFixed(1)) }

// `--db FILE [--as LOGIN:PASSWORD]`: the same on a copy of a large desk's database (e.g. the
// `bench.sqlite3` that `frontdesk-dev bench-documents --keep DIR` leaves; its login is bench), to
// show that launch does not grow with the data (the database's full check runs beside the window).
const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined }
if (arg('--db')) {
  const [login, password] = (arg('--as') ?? 'bench:bench-pass').split(':')
  const big = await measure('bench-db', (dir) => copyFileSync(arg('--db'), join(dir, 'frontdesk.sqlite3')), login, password)
  const mb = statSync(arg('--db')).size / 1024 / 1024
  console.log(`on a ${mb.toFixed(0)} MB database: launch to sign-in screen ${big.launchMs.toFixed(0)} ms, sign-in to intake ready ${big.signInMs.toFixed(0)} ms, idle ${big.idleMb.toFixed(0)} MB`)
  Object.assign(summary, { db_mb: Math.round(mb), db_launch_ms: Math.round(big.launchMs), db_sign_in_ms: big.signInMs, db_idle_pss_mb: Math.round(big.idleMb) })
}
const bare = await bareWindow()
if (bare) {
  console.log(`for scale, a bare WebKitGTK window (MiniBrowser, one-line page, no compositing like the app): launch to its script ${bare.launchMs.toFixed(0)} ms, idle ${bare.idleMb.toFixed(0)} MB (PSS, ${bare.processes} processes)`)
  summary.bare_webkit_launch_ms = Math.round(bare.launchMs)
  summary.bare_webkit_idle_pss_mb = Math.round(bare.idleMb)
}
console.log(JSON.stringify(summary))

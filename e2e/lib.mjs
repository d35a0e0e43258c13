// Drives the real FrontDesk window: tauri-driver (2.x) in front of Debian's WebKitWebDriver, under
// the Xvfb display that `xvfb-run` gives the whole test command. Each spec gets its own
// tauri-driver with a fresh data folder (FRONTDESK_DATA_DIR and the XDG folders), so runs are
// isolated. tauri-driver is stopped with SIGTERM (SIGKILL leaves WebKitWebDriver behind).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import net from 'node:net'
import { deflateSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { remote } from 'webdriverio'

const TARGET = process.env.CARGO_TARGET_DIR ?? fileURLToPath(new URL('../target', import.meta.url))
export const APP = resolve(process.env.FRONTDESK_APP ?? resolve(TARGET, 'debug/frontdesk-app'))
const DRIVER = process.env.TAURI_DRIVER ?? join(homedir(), '.cargo/bin/tauri-driver')
let nextPort = 4444 + Math.floor(Math.random() * 200) * 2

async function waitPort(port, ms) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), r(true)))
      s.on('error', () => r(false))
    })
    if (ok) return
    await sleep(50)
  }
  throw new Error(`tauri-driver did not listen on ${port}`)
}

/** The pids of FrontDesk apps started on `dataDir` (found by their environment). */
function appPids(dataDir) {
  const pids = []
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('frontdesk-app')) continue
      if (readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`FRONTDESK_DATA_DIR=${dataDir}`)) pids.push(Number(p))
    } catch {}
  }
  return pids
}

/** The app's single-instance name on the D-Bus session (tauri-plugin-single-instance: the
 *  identifier in src-tauri/tauri.conf.json + ".SingleInstance"). */
const SINGLE_INSTANCE = 'cn.frontdesk.app.SingleInstance'

/** The process holding `SINGLE_INSTANCE`, or null when nobody holds it. */
function singleInstanceHolder() {
  const call = (method, arg) =>
    execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', `org.freedesktop.DBus.${method}`, `string:${arg}`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString()
  try {
    const owner = call('GetNameOwner', SINGLE_INSTANCE).match(/string "([^"]+)"/)?.[1]
    if (!owner) return null
    return call('GetConnectionUnixProcessID', owner).match(/uint32 (\d+)/)?.[1] ?? owner
  } catch {
    return null // NameHasNoOwner (or no session bus: the app then starts without the lock)
  }
}

/** Waits until no app holds the single-instance name. An app that is still closing when the next
 *  one starts makes that one fail ("failed to forward arguments to the running instance"): seen on
 *  a loaded machine, where a closed app's main thread was gone (so `appPids` no longer found it)
 *  while another of its threads still ran, holding the name. */
async function singleInstanceFree(ms) {
  const start = Date.now()
  const first = singleInstanceHolder()
  let holder = first
  while (holder && Date.now() < start + ms) {
    await sleep(100)
    holder = singleInstanceHolder()
  }
  if (holder) throw new Error(`process ${holder} still holds ${SINGLE_INSTANCE} after ${ms / 1000} s`)
  if (first) console.error(`# waited ${Date.now() - start} ms for process ${first} to release ${SINGLE_INSTANCE}`)
}

/** Starts the app on a fresh data folder (optionally prepared by `prepare(dataDir)`). */
export async function launch(name, prepare) {
  await singleInstanceFree(30000)
  const root = mkdtempSync(join(tmpdir(), `fd-e2e-${name}-`))
  const dataDir = join(root, 'data')
  if (prepare) await prepare(dataDir)
  const env = {
    ...process.env,
    FRONTDESK_DATA_DIR: dataDir,
    XDG_DATA_HOME: join(root, 'xdg-data'),
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_CACHE_HOME: join(root, 'xdg-cache'),
    // Mesa's shader-cache thread (llvmpipe under Xvfb) kept a closed app, and its single-instance
    // name, alive for up to 8 s on a loaded machine; without the cache, 0.3 s.
    MESA_SHADER_CACHE_DISABLE: 'true',
  }
  const port = nextPort
  nextPort += 2
  const driver = spawn(DRIVER, ['--port', String(port), '--native-port', String(port + 1)], { env, stdio: ['ignore', 'inherit', 'inherit'] })
  await waitPort(port, 10000)
  // A launch that fails must not leave its driver behind: the spec's process would never end.
  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    capabilities: { 'tauri:options': { application: APP }, 'wdio:enforceWebDriverClassic': true },
  }).catch((e) => {
    driver.kill('SIGTERM')
    for (const pid of appPids(dataDir)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    throw e
  })
  await browser.setWindowSize(1366, 768).catch(() => {})
  const stop = async () => {
    await browser.deleteSession().catch(() => {})
    // The app is single-instance: make sure this run's app is gone before the next spec starts it.
    for (const pid of appPids(dataDir)) {
      try {
        process.kill(pid, 'SIGTERM')
      } catch {}
    }
    for (let i = 0; i < 100 && appPids(dataDir).length; i++) await sleep(100)
    // On a loaded machine an app may take longer than 10 s to close: the next spec's app would
    // find it still holding the single-instance name and fail to start.
    for (const pid of appPids(dataDir)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    for (let i = 0; i < 50 && appPids(dataDir).length; i++) await sleep(100)
    driver.kill('SIGTERM')
    await new Promise((r) => (driver.exitCode != null ? r() : driver.once('exit', r)))
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 5 })
    } catch {}
  }
  return { browser, dataDir, stop, ...helpers(browser) }
}

function helpers(b) {
  const visible = async (sel, ms = 20000) => {
    const el = await b.$(sel)
    await el.waitForDisplayed({ timeout: ms })
    return el
  }
  /** Calms the test window (once per page): messages slide in over the top of the screen and pile
   *  up over a dialog's buttons (their timers do not always run in the test window), and a spec
   *  never clicks one, so every message lets clicks through to what lies under it (a click that hit
   *  one was lost). Nothing animates either: a click computed on a drop-down still zooming in
   *  landed beside it, closed it and chose nothing. And every message shown from then on is logged
   *  (`window.__e2eMessages`), so that a check still finds one that a loaded machine took down
   *  before the check looked (`success`, `messageAfter`). */
  const calm = () =>
    b.execute(() => {
      if (document.getElementById('e2e-calm')) return
      const style = document.createElement('style')
      style.id = 'e2e-calm'
      style.textContent = '.el-message { pointer-events: none !important; }\n' +
        '*, *::before, *::after { transition: none !important; animation: none !important; }'
      document.head.appendChild(style)
      window.__e2eMessages = []
      new MutationObserver((changes) => {
        for (const change of changes) {
          for (const node of change.addedNodes) {
            if (node.nodeType !== 1 || !node.classList.contains('el-message')) continue
            const success = node.classList.contains('el-message--success')
            window.__e2eMessages.push({ at: Date.now(), success, text: node.textContent, used: false })
          }
        }
      }).observe(document.body, { childList: true })
    })
  /** A success (`success`) or error message saying `want`: see `success()`. */
  const message = async (want, success) => {
    await calm()
    let found
    await b.waitUntil(async () => {
      found = await b.execute((w, ok) => {
        const m = (window.__e2eMessages ?? []).find((m) => m.success === ok && !m.used && m.text.includes(w) && m.at > Date.now() - 20000)
        if (m) {
          m.used = true
          return m.text
        }
        return [...document.querySelectorAll(ok ? '.el-message--success' : '.el-message--error')].map((el) => el.textContent).find((t) => t.includes(w))
      }, want, success)
      return !!found
    }, { timeout: 20000, interval: 100, timeoutMsg: `no ${success ? 'success' : 'error'} message ${want}` })
    return found
  }
  return {
    visible,
    /** Types into the input named `name`, replacing its value as a clerk would (select all,
     *  delete, type: WebDriver's clear does not reach Vue's model). */
    async type(name, text, scope = '') {
      const el = await visible(`${scope} [name="${name}"]`)
      await el.click()
      await b.keys(['Control', 'a'])
      await b.keys('Backspace')
      await el.addValue(text)
      return el
    },
    async click(sel) {
      const el = await visible(sel)
      await calm()
      await el.waitForClickable({ timeout: 20000 })
      await el.click()
    },
    /** Clicks `sel` until `shows` is visible (a dialog it opens; a click on a list re-laid out
     * under it can be lost). At most three tries. */
    async clickUntil(sel, shows) {
      for (let i = 0; ; i++) {
        await this.click(sel)
        const shown = await b.$(shows).waitForDisplayed({ timeout: 3000 }).then(() => true, () => false)
        if (shown) return
        if (i === 2) throw new Error(`clicking ${sel} never showed ${shows}`)
      }
    },
    /** Presses keys (e.g. 'F8', ['Control', 'Enter']). */
    async keys(k) {
      await b.keys(k)
    },
    /** Opens the select `sel` (the select, or an input inside it) and picks the option reading
     *  `text` (or starting with it), until the select shows it. At most three tries. */
    async pick(sel, text) {
      const xp = `//li[contains(@class,'el-select-dropdown__item')][normalize-space(.)='${text}' or starts-with(normalize-space(.), '${text}')]`
      const rect = (el) => b.execute((e) => JSON.stringify(e.getBoundingClientRect()), el)
      const shows = async () => b.execute((e, t) => (e.closest('.el-select') ?? e).textContent.includes(t), await b.$(sel), text)
      for (let i = 0; ; i++) {
        await this.click(sel)
        // The option is clicked once the list stands still (the popper places it after it shows).
        await b.waitUntil(async () => {
          for (const el of await b.$$(xp)) {
            if (!(await el.isDisplayed())) continue
            const before = await rect(el)
            await b.pause(100)
            if (before !== (await rect(el))) return false
            await el.click().catch(() => {})
            return el.waitForDisplayed({ reverse: true, timeout: 1500 }).then(() => true, () => false)
          }
          return false
        }, { timeout: 20000, timeoutMsg: `no option ${text}` })
        if (await b.waitUntil(shows, { timeout: 3000 }).then(() => true, () => false)) return
        if (i === 2) throw new Error(`${sel} never showed ${text}`)
      }
    },
    /** Clicks a table row (the first, or the one with a cell reading `text`) of the table `#id`. */
    async row(id, text) {
      const xp = text ? `//*[@id='${id}']//tbody/tr[.//td[normalize-space(.)='${text}']]/td[2]` : `//*[@id='${id}']//tbody/tr[1]/td[2]`
      const el = await b.$(xp)
      await el.waitForExist({ timeout: 20000 })
      await b.execute((e) => e.click(), el)
    },
    async text(sel) {
      return (await visible(sel)).getText()
    },
    /** Waits until the element's text (textContent: tables too) contains `want` (text or RegExp). */
    async waitText(sel, want, ms = 20000) {
      await b.waitUntil(async () => {
        const text = await b.execute((s) => document.querySelector(s)?.textContent ?? '', sel)
        return want instanceof RegExp ? want.test(text) : text.includes(want)
      }, { timeout: ms, timeoutMsg: `${sel} never showed ${want}` }).catch(async (e) => {
        const file = join(tmpdir(), `fd-e2e-failure-${Date.now()}.png`)
        writeFileSync(file, Buffer.from(await b.takeScreenshot(), 'base64'))
        throw new Error(`${e.message} (screenshot: ${file})`)
      })
    },
    /** Signs in at the sign-in screen (shown at start, or after 切换操作员). */
    async signIn(login, password) {
      await visible('#login')
      await this.type('login', login)
      await this.type('password', password)
      await b.keys('Enter')
    },
    /** First run: loads the demo data (F9 on the set-up screen) and signs in as the supervisor. */
    async demoSignedIn() {
      await visible('#setup')
      await b.keys('F9')
      await visible('#login', 120000)
      await this.type('login', 'wang')
      await this.type('password', 'demo1234')
      await b.keys('Enter')
      await visible('#screen-intake')
    },
    /** Runs `action` and returns the success message saying `want` (and matching `re`) that it
     *  brought: one logged after the action began. */
    async messageAfter(action, want, re = /./) {
      await calm()
      const since = await b.execute(() => window.__e2eMessages?.length ?? 0)
      await action()
      let found
      await b.waitUntil(async () => {
        found = await b.execute((from, w, source) => {
          const log = window.__e2eMessages ?? []
          const m = log.slice(from).find((m) => m.success && !m.used && m.text.includes(w) && new RegExp(source).test(m.text))
          if (m) m.used = true
          return m?.text
        }, since, want, re.source)
        return !!found
      }, { timeout: 20000, interval: 100, timeoutMsg: `no new message ${want}` })
      return found
    },
    /** Runs `action` and returns the number matching `re` in the success message it brought. */
    async numberAfter(action, want, re) {
      return (await this.messageAfter(action, want, re)).match(re)[0]
    },
    /** Records a contact at 前台登记 (looked up by `unit`) and returns its number. */
    async record(kind, content, { unit = '3-2-502', channel = '来电' } = {}) {
      await this.screen('intake')
      await b.keys('F4')
      await this.type('lookup', unit)
      await b.keys('Enter')
      await this.waitText('#lookup-result', unit)
      await this.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='${channel}']`)
      await this.click(`//label[contains(@class,'el-radio-button')][normalize-space(.)='${kind}']`)
      await this.type('content', content)
      const no = await this.numberAfter(() => b.keys(['Control', 'Enter']), '已登记', /LH-DJ\d{4}-[A-Z]?\d+/)
      await visible('#intake-result')
      return no
    },
    /** Closes the open drawer (登记记录) with Escape and waits until it is gone, so that the next
     *  click reaches the screen behind it. */
    async closeDrawer() {
      await b.keys('Escape')
      await b.waitUntil(async () => b.execute(() => ![...document.querySelectorAll('.el-drawer')].some((d) => d.offsetParent !== null)),
        { timeout: 20000, timeoutMsg: 'the drawer stayed open' })
    },
    /** Opens the order `no` from 报修派工's queue. */
    async openRepair(no) {
      await this.screen('repairs')
      await this.row('repair-queue', no)
      await this.waitText('#repair-detail', no)
    },
    /** On 报修派工 with an order open: dispatches it to `repairer` (F2); with `onSite`, the
     *  repairer also takes it (F3) and arrives (F6). */
    async dispatchRepair(repairer = '孙师傅', { onSite = false } = {}) {
      await b.keys('F2')
      await this.pick('[name="repairer"]', repairer)
      await this.click('#dispatch-save')
      await this.waitText('#repair-status', '已派工')
      if (onSite) await this.onSite()
    },
    /** On 报修派工 with a dispatched order open: the repairer takes it (F3) and arrives (F6). */
    async onSite() {
      await b.keys('F3')
      await this.waitText('#repair-status', '已接单')
      await b.keys('F6')
      await this.waitText('#repair-status', '已到场')
    },
    /** On 报修派工 with an order on site: finished free of charge (F7) with `workDone`. */
    async finishRepair(workDone) {
      await b.keys('F7')
      await this.type('work_done', workDone)
      await this.click('#finish-save')
      await this.waitText('#repair-status', '已完工')
    },
    /** Opens a complaint's page by its number. */
    async openComplaintPage(no) {
      await b.url(await b.getUrl().then((u) => u.replace(/#.*$/, `#/complaints/${no}`)))
      await this.waitText('#screen-complaint', no)
    },
    async screen(name) {
      await this.click(`[data-screen="${name}"]`)
      // A click the menu missed (seen once in 30 runs of a spec, the screen never came) is
      // retried once before the test fails.
      const shown = await visible(`#screen-${name}`, 10000).then(() => true, () => false)
      if (!shown) {
        await this.click(`[data-screen="${name}"]`)
        await visible(`#screen-${name}`)
      }
    },
    /** Waits for a success message saying `want`: one on screen, or one logged in the last 20 s
     *  that no check has taken yet (each logged message answers one check). Returns its text. */
    async success(want) {
      return message(want, true)
    },
    /** The same for an error message saying `want` (an action refused). */
    async failure(want) {
      return message(want, false)
    },
  }
}

/** The company's sync server (frontdesk-server, next to the app) on a free localhost port, over
 * the throwaway PostgreSQL of `FRONTDESK_TEST_DATABASE_URL` (scripts/app-test runs the specs under
 * scripts/pg): `start()` (again after `stop()`, on the same port, like a server back from an
 * outage), `stop()`, `code(...args)` a one-time enrolment code (`--estate ID`…), `url`. */
export async function syncServer() {
  const db = process.env.FRONTDESK_TEST_DATABASE_URL
  const bin = join(dirname(APP), 'frontdesk-server')
  const port = await new Promise((done) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => done(port))
    })
  })
  let proc = null
  return {
    url: `http://127.0.0.1:${port}`,
    code: (...args) => execFileSync(bin, ['--database-url', db, 'code', ...args], { encoding: 'utf8' }).trim(),
    async start() {
      proc = spawn(bin, ['--database-url', db, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] })
      await new Promise((done, fail) => {
        let out = ''
        proc.stdout.on('data', (d) => (out += d) && out.includes('listening') && done())
        proc.once('exit', () => fail(new Error('frontdesk-server exited')))
      })
    },
    async stop() {
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise((done) => proc.once('exit', done))
      proc.kill('SIGTERM')
      await exited
    },
  }
}

/** A small RGB PNG (a gradient), built here so a spec needs no fixture file. */
export function png(w, h) {
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
    const td = Buffer.concat([Buffer.from(type), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const rows = []
  for (let y = 0; y < h; y++) {
    rows.push(0)
    for (let x = 0; x < w; x++) rows.push(Math.floor((x * 255) / w), Math.floor((y * 255) / h), 160)
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))])
}

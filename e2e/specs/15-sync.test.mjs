// 同步 in the real window. A new computer of an office joins the company's sync from the set-up
// screen (F8 加入公司同步): a bad address is refused beside its field, an unreachable server says so
// in Chinese and sets nothing up.
import { test, after } from 'node:test'
import { launch } from '../lib.mjs'

const app = await launch('sync')
after(() => app.stop())

test('set-up screen: joining the company\'s sync refuses a bad address and says when the server is unreachable', async () => {
  await app.visible('#setup')
  await app.keys('F8')
  await app.visible('#sync-join')
  await app.type('sync_server', 'sync.example.com')
  await app.type('sync_code', 'ABCD-1234')
  await app.type('sync_name', '前台2')
  await app.click('#sync-join-save')
  await app.waitText('#sync-join', '请填写公司同步服务器的地址')
  // Nothing listens on port 9 of this machine.
  await app.type('sync_server', 'http://127.0.0.1:9')
  await app.click('#sync-join-save')
  await app.waitText('body', '无法连接同步服务器')
  await app.visible('#setup')
})

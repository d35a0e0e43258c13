// First run: the set-up wizard creates the estate and its first supervisor, a department and a
// clerk; the clerk can then sign in after "switch clerk".
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch } from '../lib.mjs'

const app = await launch('wizard')
after(() => app.stop())

test('set-up wizard: estate, supervisor, department, staff, then sign in as the clerk', async () => {
  await app.visible('#setup')
  // Focus starts in the first field.
  const active = await app.browser.execute(() => document.activeElement?.getAttribute('name'))
  assert.equal(active, 'estate_name')
  await app.type('estate_name', '阳光小区')
  await app.type('estate_code', 'YG')
  await app.type('admin_login', 'boss')
  await app.type('admin_name', '张主管')
  await app.type('admin_password', 'x')
  await app.keys('Enter')
  // A too-short password is refused beside its field.
  await app.waitText('#setup', '密码')
  await app.type('admin_password', 'secret123')
  await app.keys('Enter')
  await app.type('department', '绿化部')
  await app.keys('Enter')
  await app.waitText('#setup', '绿化部')
  await app.keys('F10')
  await app.type('staff_login', 'xiao')
  await app.type('staff_name', '小李')
  await app.type('staff_password', 'secret123')
  await app.keys('Enter')
  await app.waitText('#setup', '小李')
  await app.keys('F10')
  await app.visible('#screen-intake')
  await app.waitText('.brand-name', '阳光小区')

  await app.click('#switch-clerk')
  await app.signIn('xiao', 'secret123')
  await app.visible('#screen-intake')
  await app.waitText('.who', '小李')
})

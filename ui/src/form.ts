// Field-level errors from the wire error: `invalid` errors land beside their field; others are
// shown as a message; `signed_out` sends the clerk to sign in again; `corrupt` (the start-up check
// of the database failed) brings up the recovery screen.
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { WireFailure } from './api'
import { refreshStatus, session } from './session'

export function useForm() {
  const errors = reactive<Record<string, string>>({})
  const busy = ref(false)
  async function run<T>(f: () => Promise<T>): Promise<T | undefined> {
    for (const k of Object.keys(errors)) delete errors[k]
    busy.value = true
    try {
      return await f()
    } catch (e) {
      report(e, errors)
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { errors, busy, run }
}

export function report(e: unknown, errors?: Record<string, string>) {
  if (e instanceof WireFailure) {
    if (e.code === 'signed_out') {
      session.locked = true
      return
    }
    if (e.code === 'corrupt') void refreshStatus()
    if (e.code === 'invalid' && e.field && errors) {
      errors[e.field] = e.message
    }
    ElMessage({ type: 'error', message: e.message, duration: 5000, showClose: true })
  } else {
    ElMessage({ type: 'error', message: String(e), showClose: true })
  }
}

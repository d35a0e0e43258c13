// The signed-in clerk, the app's phase, and the estate's pickers (departments, staff), shared by
// every screen.
import { reactive } from 'vue'
import { call, commands } from './api'
import type { Actor, AppStatus, EstateView } from './api'

export const session = reactive({
  status: null as AppStatus | null,
  actor: null as Actor | null,
  /** The login of the signed-in clerk (the idle lock asks for this clerk's password). */
  login: '' as string,
  locked: false,
  estate: null as EstateView | null,
})

export async function refreshStatus(): Promise<AppStatus> {
  const s = await call(commands.appStatus())
  session.status = s
  session.actor = s.actor
  return s
}

export async function refreshEstate() {
  session.estate = await call(commands.estateShow())
}

export function isSupervisor(): boolean {
  const r = session.actor?.role
  return r === 'supervisor' || r === 'project_manager' || r === 'gm_assistant' || r === 'general_manager'
}

export const ROLE_LABELS: Record<string, string> = {
  receptionist: '前台接待员',
  coordinator: '协调员',
  supervisor: '客服主管',
  project_manager: '项目经理',
  gm_assistant: '总经理助理',
  general_manager: '总经理',
  repairer: '维修工',
}

export const TIER_TYPES: Record<string, string> = { A: 'danger', B: 'warning', C: 'info', D: 'info' }
export const GRADE_LABELS: Record<string, string> = { general: '一般', important: '重要', hot: '热点', major: '重大' }
export const GRADE_TYPES: Record<string, string> = { general: 'info', important: 'warning', hot: 'danger', major: 'danger' }
export const COMPLAINT_STATUS: Record<string, string> = {
  registered: '已登记',
  dispatched: '已派单',
  in_handling: '处理中',
  awaiting_confirmation: '待业主确认',
  closed: '已结案',
  voided: '已作废',
}
export const SLIP_STATUS: Record<string, string> = {
  created: '已开单',
  handed_over: '已送达',
  returned: '已回收',
  filed: '已归档',
  voided: '已作废',
}

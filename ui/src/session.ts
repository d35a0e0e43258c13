// The signed-in clerk, the app's phase, the estate's pickers (departments, staff) and the core's
// vocabulary (every label on screen), shared by every screen.
import { reactive } from 'vue'
import { call, commands } from './api'
import type { Actor, AppStatus, EstateView, Vocabulary } from './api'

export const session = reactive({
  status: null as AppStatus | null,
  actor: null as Actor | null,
  /** The login of the signed-in clerk (the idle lock asks for this clerk's password). */
  login: '' as string,
  locked: false,
  estate: null as EstateView | null,
  vocabulary: null as Vocabulary | null,
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

/** The core's vocabulary (every code's label, the roles, the supervisors), loaded once at start. */
export async function loadVocabulary() {
  session.vocabulary = await commands.vocabulary()
}

/** A list of words in the vocabulary (every part but the supervisors). */
export type WordList = Exclude<keyof Vocabulary, 'supervisors'>

/** A list's words, [code, label] in display order. */
export function words(list: WordList): [string, string][] {
  return session.vocabulary?.[list] ?? []
}

/** The label the core gives `code` in `list` (undefined for an unknown code). */
export function label(list: WordList, code: string | null | undefined): string | undefined {
  return words(list).find(([c]) => c === code)?.[1]
}

/** Whether the signed-in clerk has a supervisor's role, as the core counts them. */
export function isSupervisor(): boolean {
  const r = session.actor?.role
  return !!r && !!session.vocabulary?.supervisors.includes(r)
}

// Presentation only: the colour of a tier's and a grade's tag.
export const TIER_TYPES: Record<string, string> = { A: 'danger', B: 'warning', C: 'info', D: 'info' }
export const GRADE_TYPES: Record<string, string> = { general: 'info', important: 'warning', hot: 'danger', major: 'danger' }

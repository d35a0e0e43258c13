// Keyboard-first: every action button registers its shortcut here while it is on screen. The most
// recently mounted registration of a key wins (a dialog's buttons over the screen's).
import { onBeforeUnmount, onMounted } from 'vue'

type Entry = { key: string; run: () => void }
const entries: Entry[] = []

export function keyName(e: KeyboardEvent): string {
  let k = e.key
  if (k.length === 1) k = k.toUpperCase()
  return `${e.ctrlKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.shiftKey && k.length > 1 ? 'Shift+' : ''}${k}`
}

window.addEventListener(
  'keydown',
  (e) => {
    const name = keyName(e)
    const t = e.target as HTMLElement | null
    // Enter stays with a text area (new line) and with an open drop-down (pick the option).
    if (name === 'Enter' && t && (t.tagName === 'TEXTAREA' || t.getAttribute('aria-expanded') === 'true')) return
    for (let i = entries.length - 1; i >= 0; i--) {
      if (entries[i].key === name) {
        e.preventDefault()
        e.stopPropagation()
        entries[i].run()
        return
      }
    }
  },
  true,
)

export function register(key: string, run: () => void): () => void {
  const entry = { key, run }
  entries.push(entry)
  return () => {
    const i = entries.indexOf(entry)
    if (i >= 0) entries.splice(i, 1)
  }
}

/** Registers shortcuts for the lifetime of the calling component. */
export function useHotkeys(map: Record<string, () => void>) {
  const off: (() => void)[] = []
  onMounted(() => {
    for (const [k, f] of Object.entries(map)) off.push(register(k, f))
  })
  onBeforeUnmount(() => off.forEach((f) => f()))
}

// Printed and exported documents: after the shell wrote a file, say where and open it in the
// system's PDF viewer (where the clerk prints it). Opening may fail (no viewer installed): the file
// is still saved and the message says where.
import { ElMessage } from 'element-plus'
import { call, commands } from './api'
import type { DocumentFile } from './api'

export async function openDocument(path: string) {
  try {
    await call(commands.documentOpen(path))
  } catch (e) {
    ElMessage.warning((e as Error).message)
  }
}

/** Shows that `what` was written and opens it. */
export async function printed(f: DocumentFile, what: string) {
  ElMessage.success(`${what}：${f.path}`)
  await openDocument(f.path)
}

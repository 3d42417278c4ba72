/*
| Spool files named after the process that writes them (`<pid>.jsonl`), so
| that several processes can share one folder, and the next process can find
| those whose writer died.
*/
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** This process's spool file in `dir`. */
export function processSpoolPath(dir: string): string {
  return join(dir, `${process.pid}.jsonl`)
}

function alive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Spool files in `dir` whose process is not running any more. */
export async function orphanSpools(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[])
  return files
    .filter((file) => /^\d+\.jsonl$/.test(file))
    .filter((file) => {
      const pid = Number(file.replace(/\.jsonl$/, ''))
      return pid !== process.pid && !alive(pid)
    })
    .map((file) => join(dir, file))
}

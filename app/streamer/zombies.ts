/*
| Aircox's zombie check, for Linux without psutil: find who holds a station's
| unix socket or harbor port, through /proc. A stale Liquidsoap would answer
| in place of the new one (or make it exit 0 at once), so it is killed; any
| other program in the way is reported, never killed.
*/
import { readFileSync } from 'node:fs'
import { readFile, readdir, readlink, rm } from 'node:fs/promises'
import { StreamerConfigException } from '#exceptions/domain'

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return ''
  }
}

/** Socket inodes bound to a unix socket path, from /proc/net/unix. */
export function unixSocketInodes(procNetUnix: string, path: string): string[] {
  return procNetUnix
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 8 && fields.slice(7).join(' ') === path)
    .map((fields) => fields[6])
}

/** Socket inodes listening on a TCP port, from /proc/net/tcp or tcp6. */
export function tcpListenInodes(procNetTcp: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  return procNetTcp
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(
      (fields) => fields.length >= 10 && fields[1].endsWith(`:${hexPort}`) && fields[3] === '0A'
    )
    .map((fields) => fields[9])
}

/** Processes that have one of these socket inodes open. */
async function pidsHolding(inodes: string[]): Promise<number[]> {
  if (!inodes.length) return []
  const wanted = new Set(inodes.map((inode) => `socket:[${inode}]`))
  const pids: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[])
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '')
      if (wanted.has(target)) {
        pids.push(Number(entry))
        break
      }
    }
  }
  return pids
}

export async function processName(pid: number): Promise<string> {
  return (await read(`/proc/${pid}/comm`)).trim()
}

/**
 * Whether a process runs. A zombie does not: an adopted Liquidsoap that died
 * is reaped by init, which in a container may never come.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // The state follows the command name in parentheses, which may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))
  } catch {
    return true
  }
}

async function waitGone(pid: number, ms: number) {
  const until = Date.now() + ms
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
  return !isAlive(pid)
}

/** Stops a process: SIGTERM, then SIGKILL if it is still there after `grace` ms. */
export async function terminate(pid: number, grace = 3000): Promise<void> {
  if (!isAlive(pid)) return
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return
  }
  if (await waitGone(pid, grace)) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {}
  await waitGone(pid, 2000)
}

export interface StaleHolders {
  socketPath: string
  pidFile: string
  harborPort: number | null
}

/**
 * Clears the way for a station's Liquidsoap: kills a stale Liquidsoap holding
 * its socket, its harbor port or named in its pid file; refuses when another
 * program holds them. Returns the pids killed.
 */
export async function clearStaleLiquidsoap(
  station: string,
  holders: StaleHolders
): Promise<number[]> {
  const suspects = new Set<number>()
  const recorded = Number((await read(holders.pidFile)).trim())
  if (recorded > 0 && isAlive(recorded) && (await processName(recorded)) === 'liquidsoap')
    suspects.add(recorded)
  for (const pid of await pidsHolding(
    unixSocketInodes(await read('/proc/net/unix'), holders.socketPath)
  ))
    suspects.add(pid)
  if (holders.harborPort) {
    const tcp =
      (await read('/proc/net/tcp')) +
      '\n' +
      (await read('/proc/net/tcp6')).split('\n').slice(1).join('\n')
    for (const pid of await pidsHolding(tcpListenInodes(tcp, holders.harborPort))) suspects.add(pid)
  }
  const killed: number[] = []
  for (const pid of suspects) {
    const name = await processName(pid)
    if (name !== 'liquidsoap') {
      throw new StreamerConfigException(
        `station "${station}": ${holders.harborPort ? `harbor port ${holders.harborPort} or ` : ''}socket ${holders.socketPath} is held by process ${pid} (${name || 'unknown'}), not a Liquidsoap: stop it or change the station's settings`
      )
    }
    await terminate(pid)
    killed.push(pid)
  }
  await rm(holders.socketPath, { force: true })
  return killed
}

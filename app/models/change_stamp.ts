/*
| How the monitor learns that the programme or the library changed without
| asking the database every tick: whatever changes sounds, diffusions or
| streams touches one file, and the monitor compares its mtime each tick
| (a stat, not a query).
*/
import { statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import antenneConfig from '#config/antenne'

export function changeStampPath(): string {
  return antenneConfig.changeStamp ?? join(antenneConfig.stationsDir, '.changed')
}

/** Marks the programme or library as changed; never throws (a stamp is a hint). */
export function touchChangeStamp(): void {
  const path = changeStampPath()
  try {
    const now = new Date()
    try {
      utimesSync(path, now, now)
    } catch {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, '')
    }
  } catch {}
}

/** The stamp's mtime in ms, or 0 when nothing was ever touched. */
export function readChangeStamp(): number {
  try {
    return statSync(changeStampPath()).mtimeMs
  } catch {
    return 0
  }
}

/*
| The shell command a station's Liquidsoap runs for the live gate: the
| compiled gate in a production build, the TypeScript one through the same
| loader as `node ace` in a checkout.
*/
import { fileURLToPath } from 'node:url'
import app from '@adonisjs/core/services/app'

/** A word for /bin/sh: single-quoted, its own single quotes closed and escaped. */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export function liveGateCommand(credentialsPath: string, attemptsPath: string): string {
  const compiled = import.meta.url.endsWith('.js')
  const gate = fileURLToPath(new URL(`./live_gate.${compiled ? 'js' : 'ts'}`, import.meta.url))
  const node = shellWord(process.execPath)
  const files = `${shellWord(credentialsPath)} ${shellWord(attemptsPath)}`
  if (compiled) return `exec ${node} ${shellWord(gate)} ${files}`
  return `cd ${shellWord(app.appRoot.pathname)} && exec ${node} --import=ts-node-maintained/register/esm ${shellWord(gate)} ${files}`
}

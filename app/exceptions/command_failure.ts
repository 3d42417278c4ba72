import { Exception } from '@adonisjs/core/exceptions'

/**
 * The one line a command prints when it fails: the code and message of a
 * domain error, else "<command> failed: …" (with the stack under DEBUG=1).
 */
export function commandFailureLines(command: string, error: unknown): string[] {
  if (error instanceof Exception && error.code?.startsWith('E_')) return [`${error.code}: ${error.message}`]
  const lines = [`${command} failed: ${error instanceof Error ? error.message : String(error)}`]
  if (process.env.DEBUG && error instanceof Error && error.stack) lines.push(error.stack)
  return lines
}

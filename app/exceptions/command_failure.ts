import { Exception } from '@adonisjs/core/exceptions'
import type { BaseCommand, Kernel } from '@adonisjs/core/ace'
import type { Logger } from '#types/logger'

/**
 * The one line a command prints when it fails: the code and message of a
 * domain error, else "<command> failed: …" (with the stack under DEBUG=1).
 */
export function commandFailureLines(command: string, error: unknown): string[] {
  if (error instanceof Exception && error.code?.startsWith('E_'))
    return [`${error.code}: ${error.message}`]
  const lines = [`${command} failed: ${error instanceof Error ? error.message : String(error)}`]
  if (process.env.DEBUG && error instanceof Error && error.stack) lines.push(error.stack)
  return lines
}

/**
 * Ends a command declared `staysAlive` with its exit code. Ace copies such a
 * command's `exitCode` to the process only in a terminating hook it adds once
 * `run()` has returned: a command that terminates from inside `run()` (a bad
 * flag, `--once`, nothing to monitor) would otherwise exit 0.
 */
export async function terminateCommand(command: BaseCommand) {
  // Only the command in charge of the process: one run from a test leaves the runner's exit code alone.
  if (command.exitCode && command.kernel.getMainCommand() === command)
    process.exitCode = command.exitCode
  await command.terminate()
}

/**
 * Flags ace itself refuses (an unknown flag, `--delay abc` on a number flag, a
 * missing value) are printed like our own failures: one `E_…: message` line,
 * then exit code 1 (which the kernel already sets). An unknown command keeps
 * ace's suggestions; an error without a code keeps ace's report.
 */
export function reportAceErrorsWithTheirCode(kernel: Kernel) {
  const handler = kernel.errorHandler
  const render = handler.render.bind(handler)
  handler.render = async (error, $kernel) => {
    const code =
      error instanceof Error && 'code' in error && typeof error.code === 'string'
        ? error.code
        : undefined
    if (!code?.startsWith('E_') || code === 'E_COMMAND_NOT_FOUND') return render(error, $kernel)
    $kernel.ui.logger.error(`${code}: ${(error as Error).message}`)
  }
}

/** The Logger a command's services log through: ace's own logger, its "warning" as warn. */
export function commandLogger(command: BaseCommand): Logger {
  return {
    info: (m) => command.logger.info(m),
    warn: (m) => command.logger.warning(m),
    error: (m) => command.logger.error(m),
  }
}

import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandFailureLines } from '#exceptions/command_failure'
import { overallStatus, runHealthChecks } from '#health/health_checks'

export default class Doctor extends BaseCommand {
  static commandName = 'doctor'
  static description =
    "Check the install: database, migrations, each station's Liquidsoap and Icecast, the edge relays, disk, memory, load"
  static help = [
    'One line per check, with the fix to try; exit code 1 when something fails (GET /health gives the same as JSON).',
  ]
  static options: CommandOptions = { startApp: true }

  async run() {
    try {
      const checks = await runHealthChecks()
      for (const check of checks) {
        if (check.ok) this.logger.log(`${this.colors.green('✔')} ${check.name}: ${check.detail}`)
        else if (check.degraded)
          this.logger.log(
            `${this.colors.yellow('!')} ${check.name}: ${check.detail} (degraded: others serve)\n    fix: ${check.fix}`
          )
        else
          this.logger.log(
            `${this.colors.red('✖')} ${check.name}: ${check.detail}\n    fix: ${check.fix}`
          )
      }
      const failed = checks.filter((check) => !check.ok && !check.degraded).length
      const degraded = checks.filter((check) => !check.ok && check.degraded).length
      if (overallStatus(checks) === 'fail') {
        this.exitCode = 1
        this.logger.log(`${failed} of ${checks.length} checks failed`)
      } else if (degraded) {
        // Exit 0: the node serves; the line above says what to fix.
        this.logger.log(
          `${checks.length - degraded} of ${checks.length} checks passed, ${degraded} degraded`
        )
      } else {
        this.logger.log(`all ${checks.length} checks passed`)
      }
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('doctor', error)) this.logger.error(line)
    }
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import { overallStatus, runHealthChecks, type HealthCheck } from '#health/health_checks'

/**
 * The checks of `node ace doctor` as JSON, for load balancers and systemd
 * watchdogs: 200 when all pass ("ok") or only degraded ones fail ("degraded":
 * an edge down while others serve), 503 otherwise ("fail").
 */
export default class HealthController {
  async handle({ response, logger }: HttpContext) {
    let checks: HealthCheck[]
    try {
      checks = await runHealthChecks()
    } catch (error) {
      // A watchdog reads JSON and a status code, never an error page.
      logger.error({ err: error }, 'health checks failed')
      checks = [
        {
          name: 'health',
          ok: false,
          detail: `the checks could not run: ${(error as Error).message}`,
          fix: 'node ace doctor (its output, and the server log)',
        },
      ]
    }
    const status = overallStatus(checks)
    return response.status(status === 'fail' ? 503 : 200).json({ status, checks })
  }
}

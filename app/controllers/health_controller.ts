import type { HttpContext } from '@adonisjs/core/http'
import { runHealthChecks } from '#health/health_checks'

/**
 * The checks of `node ace doctor` as JSON, for load balancers and systemd
 * watchdogs: 200 when all pass, 503 otherwise.
 */
export default class HealthController {
  async handle({ response }: HttpContext) {
    const checks = await runHealthChecks()
    const ok = checks.every((check) => check.ok)
    return response.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'fail', checks })
  }
}

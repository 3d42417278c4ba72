import db from '@adonisjs/lucid/services/db'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Liveness and database reachability, for load balancers and systemd.
 */
export default class HealthController {
  async handle({ response }: HttpContext) {
    try {
      await db.rawQuery('select 1')
      return response.ok({ status: 'ok', checks: { database: 'ok' } })
    } catch (error) {
      return response.serviceUnavailable({
        status: 'fail',
        checks: { database: (error as Error).message },
      })
    }
  }
}

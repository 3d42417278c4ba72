/*
| Antenne's typed errors. Commands print `message` as one line and exit
| non-zero; the web turns `status` into a page.
*/
import { Exception } from '@adonisjs/core/exceptions'

/** A row that would break an invariant (invalid zone, time, frequency...). */
export class InvalidRecordException extends Exception {
  static status = 422
  static code = 'E_INVALID_RECORD'
}

export class StationNotFoundException extends Exception {
  static status = 404
  static code = 'E_STATION_NOT_FOUND'
}

/** A command-line value that cannot be understood. */
export class InvalidArgumentException extends Exception {
  static status = 400
  static code = 'E_INVALID_ARGUMENT'
}

/** Schedules in the database that cannot be computed; nothing was written. */
export class InvalidScheduleException extends Exception {
  static status = 422
  static code = 'E_INVALID_SCHEDULE'

  constructor(readonly problems: string[]) {
    super(
      `${problems.length} schedule(s) cannot be computed, nothing was written:\n  ${problems.join('\n  ')}`
    )
  }
}

/** Liquidsoap's server cannot be reached (not running, wrong socket, timed out). */
export class LiquidsoapUnreachableException extends Exception {
  static code = 'E_LIQUIDSOAP_UNREACHABLE'
  static status = 503
}

/** Liquidsoap answered a command with an error. */
export class LiquidsoapCommandException extends Exception {
  static code = 'E_LIQUIDSOAP_COMMAND'
  static status = 502
}

/** A station cannot be streamed as configured (no output, bad script, port taken). */
export class StreamerConfigException extends Exception {
  static code = 'E_STREAMER_CONFIG'
  static status = 400
}

/** A page or resource that does not exist (a bad date in a URL, an unknown slug). */
export class NotFoundException extends Exception {
  static status = 404
  static code = 'E_NOT_FOUND'
}

/** A staff member asked for something outside their role, stations or programs. */
export class ForbiddenException extends Exception {
  static status = 403
  static code = 'E_FORBIDDEN'
}

/**
 * What a long-running part of Antenne logs through: ace's logger, the
 * application's pino logger and a test's collector all fit.
 */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

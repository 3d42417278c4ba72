import type { HttpContext } from '@adonisjs/core/http'

/** `?page=` as a page number: 1 for anything that is not a whole number of 1 or more (never a SQL error). */
export function pageNumber(request: HttpContext['request']): number {
  return Math.max(1, Math.floor(Number(request.qs().page)) || 1)
}

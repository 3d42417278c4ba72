/*
| Flussonic's event_sink filters, as pure functions:
| - a rule is a line of `key=value1,value2` pairs (spaces between pairs);
| - an event matches a rule when every pair matches (its key's value is one
|   of the listed values);
| - an event matching any `except` rule is dropped;
| - with `only` rules, it must match at least one of them.
| Keys: `event` (or `type`), `station`, `level`, and any payload field
| (`program`, `source`...). Values compare as text.
*/
import type { AntenneEvent } from '#events/event_types'
import { levelRank } from '#events/event_types'

export type FilterRule = Array<{ key: string; values: string[] }>

export class FilterSyntaxError extends Error {}

/** Parses rules, one per line (blank lines and `#` comments are skipped). */
export function parseRules(text: string | null | undefined): FilterRule[] {
  if (!text) return []
  const rules: FilterRule[] = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const rule: FilterRule = []
    for (const pair of line.split(/\s+/)) {
      const eq = pair.indexOf('=')
      const key = eq > 0 ? pair.slice(0, eq) : ''
      const values =
        eq > 0
          ? pair
              .slice(eq + 1)
              .split(',')
              .filter(Boolean)
          : []
      if (!/^[a-z_][a-z0-9_]*$/i.test(key) || values.length === 0) {
        throw new FilterSyntaxError(`line ${index + 1}: "${pair}" is not key=value1,value2`)
      }
      rule.push({ key, values })
    }
    rules.push(rule)
  }
  return rules
}

function valueOf(event: AntenneEvent, key: string): string | null {
  if (key === 'event' || key === 'type') return event.type
  if (key === 'station') return event.station
  if (key === 'level') return event.level
  const value = event.payload[key]
  return value === null || value === undefined ? null : String(value)
}

export function matchesRule(event: AntenneEvent, rule: FilterRule): boolean {
  return rule.every(({ key, values }) => {
    const value = valueOf(event, key)
    return value !== null && values.includes(value)
  })
}

export interface SinkFilter {
  minLevel: string
  only: FilterRule[]
  except: FilterRule[]
}

export function passes(event: AntenneEvent, filter: SinkFilter): boolean {
  if (levelRank(event.level) < levelRank(filter.minLevel)) return false
  if (filter.except.some((rule) => matchesRule(event, rule))) return false
  return filter.only.length === 0 || filter.only.some((rule) => matchesRule(event, rule))
}

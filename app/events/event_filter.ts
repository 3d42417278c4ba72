/*
| Flussonic's event_sink filters, as pure functions:
| - a rule is a line of `key=value1,value2` pairs (spaces between pairs);
| - an event matches a rule when every pair matches (its key's value is one
|   of the listed values);
| - an event matching any `except` rule is dropped;
| - with `only` rules, it must match at least one of them.
| Keys: `event` (or `type`), `station`, `level`, `group`, and any payload
| field (`program`, `source`...). Values compare as text; `*` is any value
| (Flussonic's `except media=*`). `group` matches when any of the event's
| `payload.groups` is listed (Flussonic's `only group=system_overloaded`), and
| any payload field that is a list matches by any of its items the same way.
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

/** The event's values for a key: none when it has no such field. */
function valuesOf(event: AntenneEvent, key: string): string[] {
  if (key === 'event' || key === 'type') return [event.type]
  if (key === 'station') return event.station === null ? [] : [event.station]
  if (key === 'level') return [event.level]
  const value = event.payload[key === 'group' ? 'groups' : key]
  const list = Array.isArray(value) ? value : [value]
  return list.filter((v) => v !== null && v !== undefined).map(String)
}

export function matchesRule(event: AntenneEvent, rule: FilterRule): boolean {
  return rule.every(({ key, values }) => {
    const own = valuesOf(event, key)
    return own.length > 0 && (values.includes('*') || own.some((v) => values.includes(v)))
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

import type { DateTime } from 'luxon'

export interface Interval {
  id?: number
  title: string
  start: DateTime
  end: DateTime
}

/**
 * Finds an interval overlapping a query, for conflict detection over tens of
 * thousands of diffusions. Holds a sorted, sealed set (what the database
 * has) and an appended set whose starts only grow (what is accepted while
 * walking new diffusions in start order).
 */
export class IntervalIndex {
  private sealed: Interval[] = []
  private longest = 0
  private appendedLatestEnd: Interval | null = null

  add(interval: Interval) {
    this.sealed.push(interval)
  }

  seal() {
    this.sealed.sort((a, b) => +a.start - +b.start)
    this.longest = Math.max(0, ...this.sealed.map((i) => +i.end - +i.start))
  }

  /** Appended intervals must come in start order, after every query so far. */
  append(interval: Interval) {
    if (!this.appendedLatestEnd || interval.end > this.appendedLatestEnd.end) {
      this.appendedLatestEnd = interval
    }
  }

  overlapping(query: { start: DateTime; end: DateTime }): Interval | null {
    // Every appended interval starts at or before the query: the one that
    // ends last overlaps it if any does.
    if (this.appendedLatestEnd && this.appendedLatestEnd.end > query.start)
      return this.appendedLatestEnd
    // Sealed: the last interval starting before the query's end, walking back
    // while an interval could still reach the query's start.
    let low = 0
    let high = this.sealed.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (this.sealed[mid].start < query.end) low = mid + 1
      else high = mid
    }
    for (let i = low - 1; i >= 0; i--) {
      const interval = this.sealed[i]
      if (+interval.start + this.longest <= +query.start) break
      if (interval.end > query.start) return interval
    }
    return null
  }
}

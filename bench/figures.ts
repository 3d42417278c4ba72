/* What the benches print their figures with. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The lower median of a list of numbers (NaN for none). */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN

/** Milliseconds as seconds with two decimals. */
export const seconds = (ms: number) => (ms / 1000).toFixed(2)

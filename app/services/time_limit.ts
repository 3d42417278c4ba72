/*
| A promise given a time limit: what waits on something outside (a database
| that black-holes its packets, a broker, a script) rejects after `ms` with a
| clear message instead of hanging its caller. The promise itself goes on:
| whoever started it still owns what it holds.
*/

/** `promise`, or a rejection "`what`: no answer within `ms` ms", whichever comes first. */
export function within<T>(ms: number, promise: Promise<T>, what?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what ? `${what}: ` : ''}no answer within ${ms} ms`)),
        ms
      )
    }),
  ]).finally(() => clearTimeout(timer))
}

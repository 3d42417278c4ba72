/*
| One image job at a time in this process. Decoding a picture takes a libuv
| thread and up to a few hundred MB; three at once (two uploads) once filled
| the thread pool, so the file serving of a podcast waited seconds behind
| them. Storing and removing files go through the same queue, so a record
| that adopts an image while another drops it never points at files being
| removed (storeImage skips files that exist).
*/
import { EventEmitter } from 'node:events'

let tail: Promise<unknown> = Promise.resolve()

/** 'start' and 'end' of each job, with its label: what tests observe, in order. */
export const imageQueueEvents = new EventEmitter()

/** Runs `job` once every job queued before it has settled; its result or error is the caller's. */
export function queueImageJob<T>(label: string, job: () => Promise<T>): Promise<T> {
  const run = async () => {
    imageQueueEvents.emit('start', label)
    try {
      return await job()
    } finally {
      imageQueueEvents.emit('end', label)
    }
  }
  const result = tail.then(run, run)
  tail = result.catch(() => {})
  return result
}

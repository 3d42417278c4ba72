/*
| How an upload route receives its file. Multipart bodies are never read by
| the body parser (config/bodyparser.ts): a route reads its own, after the
| session, the role and the CSRF token (sent in the form's query string)
| have been checked, so a guest's body is never written anywhere. The one
| file field is streamed into a private staging folder (0700, files 0600)
| with a size limit; any other file field is drained unread, and a repeated
| one is staged and removed before this returns (the first is the upload,
| as `request.file` says). Whatever happens, the staged file is the caller's
| to move or remove: `discard`.
*/
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { chmod, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Request } from '@adonisjs/core/http'
import antenneConfig from '#config/antenne'
import { InvalidRecordException } from '#exceptions/domain'

export interface StagedFile {
  path: string
  /** The name the client gave (not trusted: for the stored name only). */
  clientName: string
  size: number
}

async function stagingDir(): Promise<string> {
  const dir = antenneConfig.uploads.stagingDir
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  return dir
}

/** Reads the request's multipart body: the file of `field` is staged, the rest are fields. */
export async function receiveFile(
  request: Request,
  field: string,
  maxBytes: number
): Promise<StagedFile | null> {
  const multipart = request.multipart
  if (!multipart || multipart.state !== 'idle') return null
  const dir = await stagingDir()
  const written: string[] = []
  let staged: StagedFile | null = null
  multipart.onFile(field, { size: maxBytes }, async (part, report) => {
    const path = join(dir, `${randomUUID()}.upload`)
    // The first part is the upload (as `request.file` says), even if a later one is written sooner.
    const first = written.length === 0
    written.push(path)
    let size = 0
    part.pause()
    part.on('data', (chunk: Buffer) => {
      size += chunk.length
      void report(chunk)
    })
    await pipeline(part, createWriteStream(path, { mode: 0o600, flags: 'wx' }))
    if (first) staged = { path, clientName: part.filename ?? 'sound', size }
    return { tmpPath: path }
  })
  multipart.onFile('*', {}, async (part) => {
    part.resume()
    return {}
  })
  try {
    await multipart.process({ limit: maxBytes + 1024 * 1024 })
  } catch (error) {
    await Promise.all(written.map((path) => rm(path, { force: true })))
    throw error
  }
  const first = staged as StagedFile | null
  const file = request.file(field)
  const extra = written.filter((path) => path !== first?.path)
  await Promise.all(extra.map((path) => rm(path, { force: true })))
  if (file?.hasErrors || (written.length && !first)) {
    if (first) await rm(first.path, { force: true })
    throw new InvalidRecordException(
      file?.errors.map((e) => e.message).join('; ') || 'the upload was cut short'
    )
  }
  return first
}

export async function discard(file: StagedFile | null) {
  if (file) await rm(file.path, { force: true })
}

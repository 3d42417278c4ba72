/*
| Programs as the CMS edits them: the program and its stream window in one
| transaction, the slug derived from the title when none is given.
*/
import string from '@adonisjs/core/helpers/string'
import db from '@adonisjs/lucid/services/db'
import type { Infer } from '@vinejs/vine/types'
import Program from '#models/program'
import Stream from '#models/stream'
import type { programValidator } from '#validators/program'
import { InvalidRecordException } from '#exceptions/domain'

export type ProgramInput = Infer<typeof programValidator>

/** `title` as a URL slug, with `-2`, `-3`... when taken by another row of the same parent. */
export async function freeSlug(
  table: 'programs' | 'episodes',
  parent: { column: string; id: number },
  wanted: string,
  exceptId?: number
) {
  const base = string.slug(wanted, { lower: true, strict: true }).slice(0, 90) || 'untitled'
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`
    const taken = await db
      .from(table)
      .where(parent.column, parent.id)
      .where('slug', candidate)
      .if(exceptId, (q) => q.whereNot('id', exceptId!))
      .first()
    if (!taken) return candidate
  }
}

export async function saveProgram(program: Program, input: ProgramInput) {
  if (input.streamed && (input.streamBegin ? !input.streamEnd : !!input.streamEnd)) {
    throw new InvalidRecordException('a stream window needs both its begin and its end')
  }
  const slug =
    input.slug ??
    (program.$isPersisted
      ? program.slug
      : await freeSlug('programs', { column: 'station_id', id: input.stationId }, input.title))
  return db.transaction(async (trx) => {
    program.useTransaction(trx)
    program.merge({
      stationId: input.stationId,
      title: input.title,
      slug,
      description: input.description ?? null,
      active: input.active ?? false,
      acceptAnyQuality: input.acceptAnyQuality ?? false,
      podcastCategory: input.podcastCategory ?? null,
      podcastExplicit: input.podcastExplicit ?? false,
    })
    await program.save()
    const stream = await Stream.query({ client: trx }).where('program_id', program.id).first()
    if (input.streamed) {
      const fields = {
        programId: program.id,
        begin: input.streamBegin ?? null,
        end: input.streamEnd ?? null,
        delay: input.streamDelay ?? 0,
      }
      if (stream) await stream.merge(fields).save()
      else await Stream.create(fields, { client: trx })
    } else if (stream) {
      await stream.delete()
    }
    return program
  })
}

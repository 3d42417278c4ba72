/*
| The first step of the staff and write-API actions on one record: load it by
| its id, a 404 when there is none, then a 403 unless this user may work on
| its program or station (app/policies/staff_access.ts). Always in this
| order, so a missing id and a forbidden one answer as they always have.
| `what` ends the 403's message: "you may not change <what>".
*/
import type { LucidModel, ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import Diffusion from '#models/diffusion'
import Episode from '#models/episode'
import Output from '#models/output'
import Program from '#models/program'
import Schedule from '#models/schedule'
import Sound from '#models/sound'
import Station from '#models/station'
import { tracklistOwner } from '#cms/tracklist_editor'
import type { StaffAccess } from '#policies/staff_access'

/** What the user must do to the program: host it (episodes, sounds, tracks) or manage it. */
export type ProgramAbility = 'hostsProgram' | 'managesProgram'

/** The models whose rows belong to one program, through a `program` relation. */
type OfProgram = typeof Schedule | typeof Episode | typeof Sound | typeof Diffusion

/** More to load with the record (its preloads), applied to the query by id. */
type Extra<Model extends LucidModel> = (query: ModelQueryBuilderContract<Model>) => void

type Id = number | string

/** A program, if this user has `ability` on it. */
export async function findProgramFor(
  access: StaffAccess,
  id: Id,
  ability: ProgramAbility,
  what: string,
  extra?: Extra<typeof Program>
) {
  const query = Program.query().where('id', id)
  extra?.(query)
  const program = await query.firstOrFail()
  access.authorize(access[ability](program), what)
  return program
}

/**
 * A schedule, episode, sound or diffusion, its program loaded (with the
 * program's station when `withStation`), if this user has `ability` on that
 * program.
 */
export async function findOfProgramFor<Model extends OfProgram>(
  access: StaffAccess,
  model: Model,
  id: Id,
  ability: ProgramAbility,
  what: string,
  options: { withStation?: boolean; extra?: Extra<Model> } = {}
): Promise<InstanceType<Model>> {
  // Lucid types this query over the union of the four models, which all have
  // the `program` relation; the caller gets back its own model's type.
  const query = model.query().where('id', id)
  query.preload('program', (q) => {
    if (options.withStation) q.preload('station')
  })
  options.extra?.(query as ModelQueryBuilderContract<Model>)
  const record = await query.firstOrFail()
  access.authorize(access[ability](record.program), what)
  return record as InstanceType<Model>
}

/** The episode or sound a tracklist belongs to (`kind`), if this user hosts its program. */
export async function findTracklistFor(access: StaffAccess, kind: 'episodes' | 'sounds', id: Id) {
  const tracklist = await tracklistOwner(kind, id)
  access.authorize(access.hostsProgram(tracklist.owner.program), 'this tracklist')
  return tracklist
}

/** A station, if this user manages it. */
export async function findStationFor(
  access: StaffAccess,
  id: Id,
  what: string,
  extra?: Extra<typeof Station>
) {
  const query = Station.query().where('id', id)
  extra?.(query)
  const station = await query.firstOrFail()
  access.authorize(access.managesStation(station.id), what)
  return station
}

/** An output, if this user manages its station. */
export async function findOutputFor(access: StaffAccess, id: Id, what: string) {
  const output = await Output.findOrFail(id)
  access.authorize(access.managesStation(output.stationId), what)
  return output
}

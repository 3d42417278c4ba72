/*
| Who may touch what in the CMS and the write API:
| - admin: everything, stations and users included;
| - manager: the programs, schedules, diffusions and outputs of its stations
|   (and everything a host may do on their programs);
| - host: the episodes, sounds and tracks of its own programs (not the
|   stations pages).
*/
import db from '@adonisjs/lucid/services/db'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import type User from '#models/user'
import type Program from '#models/program'
import Station from '#models/station'
import { ForbiddenException } from '#exceptions/domain'

type ProgramRef = Pick<Program, 'id' | 'stationId'>

export class StaffAccess {
  constructor(
    readonly user: User,
    readonly stationIds: ReadonlySet<number>,
    readonly programIds: ReadonlySet<number>
  ) {}

  /** Two indexed lookups on the pivot tables, once a request. */
  static async of(user: User) {
    const [stations, programs] = await Promise.all([
      db.from('station_user').where('user_id', user.id).select('station_id'),
      db.from('program_user').where('user_id', user.id).select('program_id'),
    ])
    return new StaffAccess(
      user,
      new Set(stations.map((r) => Number(r.station_id))),
      new Set(programs.map((r) => Number(r.program_id)))
    )
  }

  get isAdmin() {
    return this.user.role === 'admin'
  }

  get isManager() {
    return this.user.role === 'manager'
  }

  /** Programs, schedules, diffusions, outputs and the streamer of a station. */
  managesStation(stationId: number) {
    return this.isAdmin || (this.isManager && this.stationIds.has(stationId))
  }

  /** The program itself and its schedules: its station's managers. */
  managesProgram(program: ProgramRef) {
    return this.managesStation(program.stationId)
  }

  /** Episodes, sounds and tracks: the program's hosts, and its managers. */
  hostsProgram(program: ProgramRef) {
    return this.managesProgram(program) || this.programIds.has(program.id)
  }

  /**
   * The stations pages: admins and managers. A host works on programs only;
   * a station's outputs, harbor and paths are none of their business.
   */
  get seesStations() {
    return this.isAdmin || this.isManager
  }

  /** Can create programs somewhere. */
  get managesAnyStation() {
    return this.isAdmin || (this.isManager && this.stationIds.size > 0)
  }

  /** Narrows a programs query to those this user hosts or manages. */
  scopePrograms(query: ModelQueryBuilderContract<typeof Program>) {
    if (this.isAdmin) return query
    const stationIds = this.isManager ? [...this.stationIds] : []
    const programIds = [...this.programIds]
    return query.where((q) => {
      q.whereIn('programs.station_id', stationIds).orWhereIn('programs.id', programIds)
    })
  }

  /** The stations whose programs, calendar or streamer this user may see. */
  async visibleStationIds(): Promise<number[] | null> {
    if (this.isAdmin) return null
    const ids = new Set(this.isManager ? this.stationIds : [])
    if (this.programIds.size) {
      const rows = await db
        .from('programs')
        .whereIn('id', [...this.programIds])
        .select('station_id')
      for (const row of rows) ids.add(Number(row.station_id))
    }
    return [...ids]
  }

  /** Those stations, the default first. */
  async visibleStations() {
    const ids = await this.visibleStationIds()
    return Station.query()
      .withScopes((s) => s.byDefault())
      .if(ids !== null, (q) => q.whereIn('id', ids!))
  }

  /** Throws a 403 (a friendly page, or JSON on the API) unless `allowed`. */
  authorize(allowed: boolean, what = 'this') {
    if (!allowed) throw new ForbiddenException(`you may not change ${what}`)
  }
}

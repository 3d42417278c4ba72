import { beforeSave, column, manyToMany, scope } from '@adonisjs/lucid/orm'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import { booleanColumn } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import Station from '#models/station'
import { InvalidRecordException } from '#exceptions/domain'

/** An edge's name: a short slug, as in `icecast:config --edge NAME` and unit names. */
export function isEdgeName(name: string): boolean {
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(name)
}

/** A host name or an address, nothing that could smuggle a path, a port or XML. */
export function isEdgeHost(host: string): boolean {
  return /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host) || /^\[?[0-9a-fA-F:]+\]?$/.test(host)
}

/**
 * An edge relay: an Icecast that pulls the stations' mounts from the origin
 * and serves listeners (icecast:config --edge writes its icecast.xml).
 */
export default class Edge extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare host: string

  @column()
  declare port: number

  /** The edge's own source and relay password. */
  @column({ serializeAs: null })
  declare relayPassword: string

  @column()
  declare adminUser: string

  @column({ serializeAs: null })
  declare adminPassword: string

  /** Where listeners reach it, when not at http://host:port. */
  @column()
  declare publicUrl: string | null

  @column()
  declare region: string | null

  @column(booleanColumn)
  declare active: boolean

  /** Relays every active station; else only `stations`. */
  @column(booleanColumn)
  declare allStations: boolean

  @manyToMany(() => Station, { pivotTable: 'edge_station' })
  declare stations: ManyToMany<typeof Station>

  static active = scope((query) => {
    query.where('active', true)
  })

  /** Where its Icecast answers, for the pollers and health. */
  get base(): string {
    const host =
      this.host.includes(':') && !this.host.startsWith('[') ? `[${this.host}]` : this.host
    return `http://${host}:${this.port}`
  }

  /** Whether it relays this station. */
  relays(station: Station | number, stationIds: number[] = []): boolean {
    const id = typeof station === 'number' ? station : station.id
    return this.allStations || stationIds.includes(id)
  }

  @beforeSave()
  static check(edge: Edge) {
    if (!isEdgeName(edge.name))
      throw new InvalidRecordException(
        `invalid edge name "${edge.name}": lower-case letters, digits and -, at most 63`
      )
    if (!isEdgeHost(edge.host))
      throw new InvalidRecordException(
        `invalid edge host "${edge.host}": a host name or an address`
      )
    if (!Number.isInteger(edge.port) || edge.port < 1 || edge.port > 65535)
      throw new InvalidRecordException(`invalid edge port "${edge.port}": 1 to 65535`)
    if (!edge.relayPassword || edge.relayPassword.length < 8)
      throw new InvalidRecordException('an edge relay password has at least 8 characters')
    if (!edge.adminPassword || edge.adminPassword.length < 8)
      throw new InvalidRecordException('an edge admin password has at least 8 characters')
    if (
      edge.publicUrl !== null &&
      edge.publicUrl !== undefined &&
      !/^https?:\/\/[^\s"<>]+$/.test(edge.publicUrl)
    )
      throw new InvalidRecordException(`invalid edge public URL "${edge.publicUrl}": http(s)://…`)
  }
}

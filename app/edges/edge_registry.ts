/*
| The edges, as the CMS and `edges:add|list|remove` manage them: one place
| for what adding, editing and removing an edge means. Passwords are made
| here (24 random bytes) and shown once by the caller; they are stored as
| Icecast needs them, in clear, like the outputs' (README, Production).
*/
import { randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { InvalidArgumentException } from '#exceptions/domain'
import Edge from '#models/edge'
import Station from '#models/station'

export interface EdgeInput {
  name: string
  host: string
  port: number
  region?: string | null
  publicUrl?: string | null
  adminUser?: string
  /** Slugs of the stations it relays; empty or absent: every active station. */
  stations?: string[]
  active?: boolean
}

export interface EdgePasswords {
  relayPassword: string
  adminPassword: string
}

export function newPassword(): string {
  return randomBytes(24).toString('base64url')
}

/** The stations named, all known, or one clear error naming the unknown one. */
async function stationIds(slugs: string[]): Promise<number[]> {
  const unique = [...new Set(slugs)]
  if (!unique.length) return []
  const stations = await Station.query().whereIn('slug', unique)
  const missing = unique.find((slug) => !stations.some((s) => s.slug === slug))
  if (missing) throw new InvalidArgumentException(`unknown station "${missing}"`)
  return stations.map((s) => s.id)
}

/** The columns an input sets; the admin user and active flag keep `current`'s when not given. */
function columns(input: EdgeInput, stationIdsGiven: number[], current?: Edge) {
  return {
    name: input.name,
    host: input.host,
    port: input.port,
    region: input.region ?? null,
    publicUrl: input.publicUrl ?? null,
    adminUser: input.adminUser ?? current?.adminUser ?? 'admin',
    active: input.active ?? current?.active ?? true,
    allStations: stationIdsGiven.length === 0,
  }
}

export async function listEdges(): Promise<Edge[]> {
  return Edge.query().preload('stations').orderBy('name')
}

export async function findEdgeByName(name: string): Promise<Edge> {
  const edge = await Edge.query().where('name', name).preload('stations').first()
  if (!edge) throw new InvalidArgumentException(`unknown edge "${name}" (node ace edges:list)`)
  return edge
}

/** A new edge with its passwords (given, else made): nothing is saved if anything is wrong. */
export async function addEdge(
  input: EdgeInput,
  given: Partial<EdgePasswords> = {}
): Promise<{ edge: Edge; passwords: EdgePasswords }> {
  if (await Edge.findBy('name', input.name))
    throw new InvalidArgumentException(`an edge named "${input.name}" exists already`)
  const ids = await stationIds(input.stations ?? [])
  const passwords = {
    relayPassword: given.relayPassword || newPassword(),
    adminPassword: given.adminPassword || newPassword(),
  }
  const edge = await db.transaction(async (trx) => {
    const created = new Edge().useTransaction(trx)
    created.merge({ ...columns(input, ids), ...passwords })
    // Another add of the same name in between: the unique key refuses it, and the
    // driver's message (the statement, with the passwords) is never shown.
    await created.save().catch((error) => {
      if (/unique|duplicate/i.test(String(error?.code ?? error?.message)))
        throw new InvalidArgumentException(`an edge named "${input.name}" exists already`)
      throw error
    })
    if (ids.length) await created.related('stations').attach(ids)
    return created
  })
  await edge.load('stations')
  return { edge, passwords }
}

/** An edge's settings changed (its passwords stay). */
export async function updateEdge(edge: Edge, input: EdgeInput): Promise<Edge> {
  const other = await Edge.query().where('name', input.name).whereNot('id', edge.id).first()
  if (other) throw new InvalidArgumentException(`an edge named "${input.name}" exists already`)
  const ids = await stationIds(input.stations ?? [])
  await db.transaction(async (trx) => {
    edge.useTransaction(trx)
    edge.merge(columns(input, ids, edge))
    await edge.save()
    await edge.related('stations').sync(ids)
  })
  await edge.load('stations')
  return edge
}

/** New passwords, shown once: the edge's icecast.xml must be written again (icecast:config --edge). */
export async function regeneratePasswords(edge: Edge): Promise<EdgePasswords> {
  const passwords = { relayPassword: newPassword(), adminPassword: newPassword() }
  edge.merge(passwords)
  await edge.save()
  return passwords
}

export async function setEdgeActive(edge: Edge, active: boolean): Promise<void> {
  edge.active = active
  await edge.save()
}

/** Removed with its statistics kept (their edge_id then names no edge: they count as history). */
export async function removeEdge(edge: Edge): Promise<void> {
  await edge.delete()
}

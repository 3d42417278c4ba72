/*
| One column mapping per table, for the raw queries kept for speed.
|
| The names come from the models' own `@column` definitions, so that a raw
| select and the model cannot drift apart, and a renamed attribute fails at
| compile time (attributes are typed) instead of at the first query.
*/
import { DateTime } from 'luxon'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import db from '@adonisjs/lucid/services/db'
import { sqlDateTime } from '#models/columns'
import Sound from '#models/sound'
import Track from '#models/track'
import Program from '#models/program'
import Station from '#models/station'
import Diffusion from '#models/diffusion'
import Episode from '#models/episode'
import Schedule from '#models/schedule'
import Log from '#models/log'
import Event from '#models/event'
import EventDelivery from '#models/event_delivery'
import EventSink from '#models/event_sink'
import User from '#models/user'
import Output from '#models/output'
import Stream from '#models/stream'

/** Attributes of a model's instances that are not functions (its columns and relations). */
type Attribute<M extends LucidModel> = {
  [K in keyof InstanceType<M>]: InstanceType<M>[K] extends (...args: never[]) => unknown ? never : K
}[keyof InstanceType<M>] &
  string

export interface TableColumns<M extends LucidModel> {
  /** The table name, as the model has it. */
  readonly table: string
  /** The column of one attribute (`programId` → `program_id`). */
  name(attribute: Attribute<M>): string
  /** The column of one attribute qualified by the table (`sounds.program_id`), for joins. */
  column(attribute: Attribute<M>): string
  /** The columns of these attributes, for `.select(...)`. */
  list(...attributes: Array<Attribute<M>>): string[]
  /** The same, qualified by the table (`sounds.program_id`), for joins. */
  qualified(...attributes: Array<Attribute<M>>): string[]
  /** Values by attribute → values by column, for `.insert(...)` and `.update(...)`. */
  row(values: Partial<Record<Attribute<M>, unknown>>): Record<string, unknown>
}

export function tableColumns<M extends LucidModel>(model: M): TableColumns<M> {
  const name = (attribute: string) => {
    const column = model.$getColumn(attribute)
    if (!column) throw new Error(`${model.name} has no column "${attribute}"`)
    return column.columnName
  }
  const column = (attribute: string) => `${model.table}.${name(attribute)}`
  return {
    get table() {
      return model.table
    },
    name,
    column,
    list: (...attributes) => attributes.map(name),
    qualified: (...attributes) => attributes.map(column),
    row: (values) => {
      const row: Record<string, unknown> = {}
      for (const attribute in values) row[name(attribute)] = values[attribute as Attribute<M>]
      return row
    },
  }
}

export const soundColumns = tableColumns(Sound)
export const trackColumns = tableColumns(Track)
export const programColumns = tableColumns(Program)
export const stationColumns = tableColumns(Station)
export const diffusionColumns = tableColumns(Diffusion)
export const episodeColumns = tableColumns(Episode)
export const scheduleColumns = tableColumns(Schedule)
export const logColumns = tableColumns(Log)
export const eventColumns = tableColumns(Event)
export const eventDeliveryColumns = tableColumns(EventDelivery)
export const eventSinkColumns = tableColumns(EventSink)
export const userColumns = tableColumns(User)
export const outputColumns = tableColumns(Output)
export const streamColumns = tableColumns(Stream)

/**
 * The row of a raw update of a diffusion's time or type: these values,
 * `updated_at`, and its calendar sequence one higher, as the model's own
 * updates do (Diffusion.markEdited), so that calendars see the change.
 */
export function diffusionChange(
  values: Parameters<typeof diffusionColumns.row>[0]
): Record<string, unknown> {
  const sequence = diffusionColumns.name('sequence')
  return {
    ...diffusionColumns.row({ updatedAt: sqlDateTime(DateTime.now()), ...values }),
    [sequence]: db.knexRawQuery('?? + 1', [sequence]),
  }
}

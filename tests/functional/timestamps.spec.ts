import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import { utcInstant } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import Diffusion from '#models/diffusion'
import Episode from '#models/episode'
import EventSink from '#models/event_sink'
import Output from '#models/output'
import Program from '#models/program'
import Schedule from '#models/schedule'
import Sound from '#models/sound'
import Station from '#models/station'
import Stream from '#models/stream'
import Track from '#models/track'
import User from '#models/user'
import { StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'

const TIMESTAMPED: LucidModel[] = [
  Diffusion,
  Episode,
  EventSink,
  Output,
  Program,
  Schedule,
  Sound,
  Station,
  Stream,
  Track,
  User,
]

/** The databases keep whole seconds (MariaDB's TIMESTAMP), so compare to the second. */
const seconds = (value: DateTime) => Math.floor(value.toMillis() / 1000)

test.group('Timestamps of the models (TimestampedModel)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('every model gets its own copy of created_at and updated_at', ({ assert }) => {
    for (const model of TIMESTAMPED) {
      assert.instanceOf(new model(), TimestampedModel, model.name)
      const created = model.$getColumn('createdAt')
      const updated = model.$getColumn('updatedAt')
      assert.include(created, { columnName: 'created_at', serializeAs: 'createdAt' }, model.name)
      assert.include(updated, { columnName: 'updated_at', serializeAs: 'updatedAt' }, model.name)
      assert.include(created!.meta, { autoCreate: true, autoUpdate: false }, model.name)
      assert.include(updated!.meta, { autoCreate: true, autoUpdate: true }, model.name)
      assert.strictEqual(created!.prepare, utcInstant.prepare, model.name)
      assert.strictEqual(created!.consume, utcInstant.consume, model.name)
      assert.notStrictEqual(model.$columnsDefinitions, TimestampedModel.$columnsDefinitions)
      assert.notEqual(model.table, TimestampedModel.table, model.name)
    }
    // A subclass's columns stay its own: the base and the siblings do not see them.
    assert.deepEqual([...TimestampedModel.$columnsDefinitions.keys()], ['createdAt', 'updatedAt'])
    assert.isTrue(Station.$hasColumn('timezone'))
    assert.isFalse(Program.$hasColumn('timezone'))
    assert.equal(Station.table, 'stations')
    assert.equal(User.table, 'users')
  })

  test('created_at and updated_at are set on insert, stored as UTC', async ({ assert }) => {
    const before = DateTime.now()
    const station = await StationFactory.create()
    const after = DateTime.now()

    for (const value of [station.createdAt, station.updatedAt]) {
      assert.isTrue(DateTime.isDateTime(value))
      assert.isAtLeast(seconds(value), seconds(before))
      assert.isAtMost(seconds(value), seconds(after))
    }

    const row = await Station.query().where('id', station.id).firstOrFail()
    assert.equal(row.createdAt.zoneName, 'UTC')
    assert.equal(seconds(row.createdAt), seconds(station.createdAt))
    assert.equal(seconds(row.updatedAt), seconds(station.updatedAt))
    const json = row.serialize()
    assert.equal(json.createdAt, row.createdAt.toISO())
    assert.equal(json.updatedAt, row.updatedAt.toISO())
  })

  test('updated_at moves on update, created_at stays', async ({ assert }) => {
    // Start from an old stamp instead of waiting for the clock to tick.
    const old = DateTime.fromISO('2020-01-02T03:04:05Z', { zone: 'utc' })
    // User goes through compose(TimestampedModel, AuthFinder), the other path of inheritance.
    for (const record of [
      await StationFactory.merge({ createdAt: old, updatedAt: old }).create(),
      await UserFactory.merge({ createdAt: old, updatedAt: old }).create(),
    ]) {
      const name = record.constructor.name
      assert.equal(seconds(record.updatedAt), seconds(old), name)

      const before = DateTime.now()
      if (record instanceof Station) record.name = 'Renamed'
      else record.fullName = 'Renamed'
      await record.save()
      await record.refresh()

      assert.equal(seconds(record.createdAt), seconds(old), name)
      assert.isAtLeast(seconds(record.updatedAt), seconds(before), name)
    }
  })
})

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { diffusionEdit, monitorCancel, scheduleChangedPayload } from '#scheduling/schedule_changes'

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Brussels' })
const state = (type: string, start: string, end: string) => ({
  id: 7,
  type,
  start: at(start),
  end: at(end),
})

test.group('schedule_changed: what a hand edit did', () => {
  test('to cancel is cancelled, to on air is confirmed, over the diffusion', ({ assert }) => {
    const before = state('unconfirmed', '2031-03-03T10:00', '2031-03-03T11:00')
    assert.equal(diffusionEdit(before, { ...before, type: 'cancel' })?.kind, 'cancelled')
    assert.equal(diffusionEdit(before, { ...before, type: 'on_air' })?.kind, 'confirmed')
    assert.deepEqual(diffusionEdit(before, { ...before, type: 'on_air' })?.spans, [
      { start: before.start, end: before.end },
    ])
  })

  test('a new time is moved, over both the old and the new place', ({ assert }) => {
    const before = state('on_air', '2031-03-03T10:00', '2031-03-03T11:00')
    const after = state('on_air', '2031-03-04T09:15', '2031-03-04T10:00')
    assert.deepEqual(diffusionEdit(before, after), {
      id: 7,
      kind: 'moved',
      spans: [
        { start: after.start, end: after.end },
        { start: before.start, end: before.end },
      ],
    })
    // A new duration alone is a move too: the guide shows the end.
    const longer = state('on_air', '2031-03-03T10:00', '2031-03-03T12:00')
    assert.equal(diffusionEdit(before, longer)?.kind, 'moved')
  })

  test('the same type and time, in another zone, is no change', ({ assert }) => {
    const before = state('on_air', '2031-03-03T10:00', '2031-03-03T11:00')
    assert.isNull(
      diffusionEdit(before, { ...before, start: before.start.toUTC(), end: before.end.toUTC() })
    )
  })
})

test.group('schedule_changed: the payload', () => {
  test('from/to in UTC bound every span; counts and ids of each kind', ({ assert }) => {
    const payload = scheduleChangedPayload({
      station: 'radio',
      source: 'generation',
      month: '2031-03',
      diffusions: [
        {
          id: 1,
          kind: 'created',
          spans: [{ start: at('2031-03-10T10:00'), end: at('2031-03-10T11:00') }],
        },
        {
          id: 2,
          kind: 'moved',
          spans: [
            { start: at('2031-03-05T08:00'), end: at('2031-03-05T09:00') },
            { start: at('2031-03-29T23:00'), end: at('2031-03-30T01:00') },
          ],
        },
      ],
    })
    assert.deepEqual(payload, {
      from: '2031-03-05T07:00:00.000Z',
      // 30 March 2031 01:00 in Brussels is still winter time (the change is at 02:00).
      to: '2031-03-30T00:00:00.000Z',
      what: ['created', 'moved'],
      created: 1,
      moved: 1,
      cancelled: 0,
      confirmed: 0,
      removed: 0,
      diffusion_ids: [1, 2],
      source: 'generation',
      month: '2031-03',
    })
  })

  test('nothing changed: no payload (and no event)', ({ assert }) => {
    assert.isNull(scheduleChangedPayload({ station: 'radio', source: 'cms', diffusions: [] }))
  })

  test('a diffusion the monitor cancels is a cancelled change over its slot, of source monitor', ({
    assert,
  }) => {
    assert.deepEqual(
      monitorCancel({
        diffusion_id: 9,
        program: 'Talk',
        start: '2031-03-03T10:00:00.000Z',
        end: '2031-03-03T11:00:00.000Z',
        reason: 'not on air 5 min after its start',
      }),
      {
        from: '2031-03-03T10:00:00.000Z',
        to: '2031-03-03T11:00:00.000Z',
        what: ['cancelled'],
        created: 0,
        moved: 0,
        cancelled: 1,
        confirmed: 0,
        removed: 0,
        diffusion_ids: [9],
        source: 'monitor',
      }
    )
    // A payload without its slot (an older spool) gives no guide event rather than a wrong one.
    assert.isNull(monitorCancel({ diffusion_id: 9, start: '2031-03-03T10:00:00.000Z' }))
  })
})

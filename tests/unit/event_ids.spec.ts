import { test } from '@japa/runner'
import { framePrefix, identified, nextEventId, shouldReplay } from '#on_air/event_ids'

test.group('Event ids', () => {
  test('ids increase by broadcast and are at least the time in ms, so a restart never goes back', ({
    assert,
  }) => {
    assert.equal(nextEventId(0, 1_800_000_000_000), 1_800_000_000_000)
    // Several broadcasts in one millisecond, or a clock set back: still increasing.
    assert.equal(nextEventId(1_800_000_000_000, 1_800_000_000_000), 1_800_000_000_001)
    assert.equal(nextEventId(1_800_000_000_005, 1_700_000_000_000), 1_800_000_000_006)
    assert.equal(nextEventId(5, 10.7), 10)
  })

  test('a subscriber is sent the latest state unless its Last-Event-ID says it has it', ({
    assert,
  }) => {
    assert.isTrue(shouldReplay('100', 200))
    assert.isTrue(shouldReplay('300', 200), 'an id of another process')
    assert.isTrue(shouldReplay('garbage', 200))
    assert.isTrue(shouldReplay(undefined, 200), 'a new stream is told the state at once')
    assert.isFalse(shouldReplay('200', 200))
    assert.isFalse(shouldReplay(' 200 ', 200))
    assert.isFalse(shouldReplay('100', undefined), 'nothing broadcast yet')
    assert.isFalse(shouldReplay(undefined, undefined))
  })

  test("the id goes before the data line of the frame expected, in order; Transmit's other chunks pass", ({
    assert,
  }) => {
    const data = (channel: string) =>
      `data: ${JSON.stringify({ channel, payload: { title: 'x' } })}\n`
    const pending = [
      { id: 7, prefix: framePrefix('now_playing/a') },
      { id: 8, prefix: framePrefix('now_playing/a') },
    ]
    assert.equal(identified(':ok\n\n', pending), ':ok\n\n')
    const ping = data('$$transmit/ping')
    assert.equal(identified(ping, pending), ping)
    assert.equal(identified(data('now_playing/a'), pending), `id: 7\n${data('now_playing/a')}`)
    assert.equal(identified('\n', pending), '\n')
    assert.equal(identified(data('now_playing/a'), pending), `id: 8\n${data('now_playing/a')}`)
    assert.lengthOf(pending, 0)
    assert.equal(identified(data('now_playing/a'), pending), data('now_playing/a'))
    // A channel that is a prefix of another is not mistaken for it.
    const other = [{ id: 9, prefix: framePrefix('now_playing/a') }]
    assert.equal(identified(data('now_playing/ab'), other), data('now_playing/ab'))
  })
})

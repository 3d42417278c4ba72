import { test } from '@japa/runner'
import { mergePlayed, type PlayedTrack } from '#on_air/log_merge'
import { weekOf } from '#scheduling/recurrence'

const track = (start: number, title: string): PlayedTrack => ({ type: 'track', start, end: null, title, artist: null, info: null, url: null, cover: null })
const diffusion = (start: number, end: number, title: string) => ({ type: 'diffusion' as const, start, end, title, artist: null, info: null, url: null, cover: null })

test.group('What was played (Aircox merge_diffusions, tracks folded)', () => {
  test('tracks inside a diffusion are folded into it; others stand alone; newest first', ({ assert }) => {
    const items = mergePlayed([track(100, 'before'), track(250, 'inside 1'), track(300, 'inside 2'), track(400, 'at the end'), track(500, 'after')], [diffusion(200, 400, 'Show')])
    assert.deepEqual(items.map((i) => i.title), ['after', 'at the end', 'Show', 'before'])
    const show = items.find((i) => i.type === 'diffusion')!
    assert.deepEqual(show.type === 'diffusion' && show.tracks.map((t) => t.title), ['inside 2', 'inside 1'])
  })

  test('no diffusion: the tracks alone; no track: the diffusions alone', ({ assert }) => {
    assert.deepEqual(mergePlayed([track(2, 'b'), track(1, 'a')], []).map((i) => i.title), ['b', 'a'])
    assert.deepEqual(mergePlayed([], [diffusion(1, 2, 'x'), diffusion(5, 6, 'y')]).map((i) => i.title), ['y', 'x'])
  })
})

test.group('Week of a date', () => {
  test('Monday to Sunday around {date}')
    .with([
      { date: '2026-11-22', monday: '2026-11-16' },
      { date: '2026-11-23', monday: '2026-11-23' },
      { date: '2030-03-31', monday: '2030-03-25' },
      { date: '2026-01-01', monday: '2025-12-29' },
    ])
    .run(({ assert }, row) => {
      const days = weekOf(row.date)
      assert.lengthOf(days, 7)
      assert.equal(days[0], row.monday)
      assert.include(days, row.date)
    })
})

import { test } from '@japa/runner'
import { mergePlayed, type PlayedTrack } from '#on_air/log_merge'
import { weekOf } from '#scheduling/recurrence'

const track = (start: number, title: string): PlayedTrack => ({
  type: 'track',
  start,
  end: null,
  title,
  artist: null,
  info: null,
  url: null,
  cover: null,
})
const diffusion = (start: number, end: number, title: string) => ({
  type: 'diffusion' as const,
  start,
  end,
  title,
  artist: null,
  info: null,
  url: null,
  cover: null,
})

test.group('What was played (Aircox merge_diffusions, tracks folded)', () => {
  test('tracks inside a diffusion are folded into it; others stand alone; newest first', ({
    assert,
  }) => {
    const items = mergePlayed(
      [
        track(100, 'before'),
        track(250, 'inside 1'),
        track(300, 'inside 2'),
        track(400, 'at the end'),
        track(500, 'after'),
      ],
      [diffusion(200, 400, 'Show')]
    )
    assert.deepEqual(
      items.map((i) => i.title),
      ['after', 'at the end', 'Show', 'before']
    )
    const show = items.find((i) => i.type === 'diffusion')!
    assert.deepEqual(show.type === 'diffusion' && show.tracks.map((t) => t.title), [
      'inside 2',
      'inside 1',
    ])
  })

  test('no diffusion: the tracks alone; no track: the diffusions alone', ({ assert }) => {
    assert.deepEqual(
      mergePlayed([track(2, 'b'), track(1, 'a')], []).map((i) => i.title),
      ['b', 'a']
    )
    assert.deepEqual(
      mergePlayed([], [diffusion(1, 2, 'x'), diffusion(5, 6, 'y')]).map((i) => i.title),
      ['y', 'x']
    )
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

test.group('Feeds', () => {
  test('iCalendar text is escaped and long lines folded at 75 octets, never inside a character', async ({
    assert,
  }) => {
    const { escapeText, foldLine, renderCalendar } = await import('#feeds/calendar')
    assert.equal(escapeText('a;b,c\\d\ne'), 'a\\;b\\,c\\\\d\\ne')
    // A lone CR or another control character cannot start a line of its own.
    assert.equal(
      escapeText('a\rEND:VEVENT\r\nUID:x\u0001\u000b\u007f\tz'),
      'a\\nEND:VEVENT\\nUID:x\tz'
    )
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`)
    for (const line of folded.split('\r\n')) assert.isAtMost(Buffer.byteLength(line), 75)
    assert.equal(folded.split('\r\n ').join(''), `SUMMARY:${'é'.repeat(60)}`)
    const ics = renderCalendar('Radio', [
      {
        uid: 'd-1@x',
        start: new Date('2030-03-31T08:00:00Z'),
        end: new Date('2030-03-31T09:00:00Z'),
        summary: 'Talk: news, weather',
        url: 'http://x/p/e',
        lastModified: new Date('2030-01-01T00:00:00Z'),
      },
      {
        uid: 'd-2@x',
        start: new Date('2030-04-01T08:00:00Z'),
        end: new Date('2030-04-01T09:00:00Z'),
        summary: 'Talk (rerun)',
        url: 'http://x/p/e',
        cancelled: true,
        sequence: 2,
        lastModified: new Date('2030-01-02T10:00:00Z'),
        rerunOf: 'd-1@x',
      },
    ])
    assert.include(
      ics,
      'UID:d-1@x\r\nDTSTAMP:20300101T000000Z\r\nLAST-MODIFIED:20300101T000000Z\r\nSEQUENCE:0\r\n' +
        'DTSTART:20300331T080000Z\r\nDTEND:20300331T090000Z\r\nSTATUS:CONFIRMED\r\nSUMMARY:Talk: news\\, weather\r\n'
    )
    assert.include(ics, 'SEQUENCE:2\r\n')
    assert.include(ics, 'STATUS:CANCELLED\r\n')
    assert.include(ics, 'RELATED-TO;RELTYPE=SIBLING:d-1@x\r\nCATEGORIES:RERUN\r\n')
    assert.isTrue(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.endsWith('END:VCALENDAR\r\n'))
  })

  test('RSS escapes titles and carries each enclosure', async ({ assert }) => {
    const { renderPodcastFeed } = await import('#feeds/podcast_feed')
    const xml = renderPodcastFeed(
      {
        title: 'Talk & <News>',
        link: 'http://x/p',
        self: 'http://x/p/podcast.rss',
        description: 'd',
        language: 'fr',
        image: null,
        author: 'Radio',
        owner: { name: 'Radio', email: null },
        category: { category: 'Music', subcategory: null },
        explicit: false,
      },
      [
        {
          guid: 'sound-1@x',
          title: '"Quoted" <b>',
          link: 'http://x/p/e',
          date: new Date('2030-01-02T08:00:00Z'),
          enclosure: { url: 'http://x/podcasts/1', length: 1234, type: 'audio/mpeg' },
          duration: 3725,
          description: null,
          image: null,
        },
      ]
    )
    assert.include(xml, '<title>Talk &amp; &lt;News&gt;</title>')
    assert.include(xml, '<title>&quot;Quoted&quot; &lt;b&gt;</title>')
    assert.include(xml, '<enclosure url="http://x/podcasts/1" length="1234" type="audio/mpeg"/>')
    assert.include(xml, '<pubDate>Wed, 02 Jan 2030 08:00:00 GMT</pubDate>')
    assert.include(xml, '<itunes:duration>1:02:05</itunes:duration>')
  })
})

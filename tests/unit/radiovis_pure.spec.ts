/*
| RadioVIS, pure: topics and their CC/GCC forms (app/radiovis/topics.ts), and
| what a station's topics say after each event (app/radiovis/vis_messages.ts).
*/
import { test } from '@japa/runner'
import { gccOf, parseTopic, stationTopics } from '#radiovis/topics'
import {
  MAX_TEXT,
  changeMessages,
  clipText,
  defaultSlide,
  latestPerStation,
  slideOf,
  textOf,
  type StationDefaults,
} from '#radiovis/vis_messages'
import type { EventType } from '#events/event_types'

const station: StationDefaults = {
  name: 'Radio Test',
  radiovisText: 'Radio Test, 95.8 FM',
  radiovisImage: null,
  logo: null,
  home: 'https://radio.example/',
  defaultImage: 'https://radio.example/radiovis.png',
}
const noFacts = { artwork: null, cover: null, programImage: null, link: null }
const topics = { text: '/topic/fm/ce1/c479/09580/text', image: '/topic/fm/ce1/c479/09580/image' }

function event(
  type: EventType,
  payload: Record<string, unknown>,
  at = '2026-12-03T10:00:00.000Z',
  id = 1
) {
  return { id, type, station: 'test', at, payload }
}

test.group('RadioVIS topics', () => {
  test('the README example parses, whatever its case, to one canonical form', ({ assert }) => {
    const topic = parseTopic('/topic/fm/CE1/C479/09580/TEXT')
    assert.deepEqual(topic, {
      canonical: '/topic/fm/ce1/c479/09580/text',
      service: 'fm/ce1/c479/09580',
      leaf: 'text',
    })
  })

  test('the country-code form of a service is its GCC form (TS 101 756 ECC table)', ({
    assert,
  }) => {
    // A British PI starts with C, ECC E1; Switzerland is 4/E1; Germany has two nibbles, 1 and D.
    assert.equal(
      parseTopic('/topic/fm/gb/c479/09580/image')?.canonical,
      '/topic/fm/ce1/c479/09580/image'
    )
    assert.equal(
      parseTopic('/topic/fm/ch/4479/09580/text')?.canonical,
      '/topic/fm/4e1/4479/09580/text'
    )
    assert.equal(gccOf('de', '1'), '1e0')
    assert.equal(gccOf('DE', 'd'), 'de0')
    assert.equal(gccOf('fr', 'f'), 'fe1')
    assert.isNull(gccOf('gb', '4'))
    // DAB: the SId's first nibble decides.
    assert.equal(
      parseTopic('/topic/dab/gb/ce15/c221/0/text')?.canonical,
      '/topic/dab/ce1/ce15/c221/0/text'
    )
    // A country the table does not know stays as written: still a topic, of its own.
    assert.equal(
      parseTopic('/topic/fm/us/c479/09580/text')?.canonical,
      '/topic/fm/us/c479/09580/text'
    )
  })

  test('other bearers: DAB with a user application, DRM, AMSS, HD and IP services', ({
    assert,
  }) => {
    for (const destination of [
      '/topic/dab/ce1/ce15/c221/0/text',
      '/topic/dab/ce1/ce15/c221/0/001/image',
      '/topic/drm/e1c238/text',
      '/topic/amss/e1c238/image',
      '/topic/hd/ce1/12345/text',
      '/topic/id/radio.example.org/main/text',
    ]) {
      assert.equal(parseTopic(destination)?.canonical, destination, destination)
    }
  })

  test('what is not a RadioVIS topic is refused', ({ assert }) => {
    for (const destination of [
      '/queue/fm/ce1/c479/09580/text',
      '/topic/fm/ce1/c479/09580',
      '/topic/fm/ce1/c479/09580/sound',
      '/topic/fm/ce1/c479/958/text',
      '/topic/fm/ce1/c47/09580/text',
      // The GCC's first nibble is the PI's.
      '/topic/fm/4e1/c479/09580/text',
      '/topic/fm/ce1/c479/09580/../text',
      '/topic/fm/ce1/c479/09580/text/',
      '/topic/id/localhost/main/text',
      '/topic/id/radio.example.org/no_underscores/text',
      '/topic/xx/1/text',
      `/topic/id/${'a'.repeat(250)}.org/main/text`,
      '',
    ]) {
      assert.isNull(parseTopic(destination), destination)
    }
  })

  test("a station's configured base gives its two topics; a bad one gives none", ({ assert }) => {
    assert.deepEqual(stationTopics('/topic/fm/gb/c479/09580/'), topics)
    assert.deepEqual(stationTopics('/topic/fm/ce1/c479/09580/text'), topics)
    assert.isNull(stationTopics('/topic/antenne/radio'))
  })
})

test.group('RadioVIS messages', () => {
  test('a song reads "artist – title"; a show "program: episode"; a sound of a diffusion nothing', ({
    assert,
  }) => {
    assert.equal(
      textOf(event('track_on_air', { title: 'Night Bus', artist: 'The Relays' })),
      'The Relays – Night Bus'
    )
    assert.equal(
      textOf(event('sound_on_air', { name: 'night-bus', title: null, artist: null })),
      'night-bus'
    )
    assert.equal(
      textOf(event('diffusion_started', { program: 'Jazz', episode: 'Blue notes' })),
      'Jazz: Blue notes'
    )
    assert.equal(textOf(event('diffusion_started', { program: 'Jazz', episode: 'Jazz' })), 'Jazz')
    assert.isNull(textOf(event('sound_on_air', { title: 'Blue notes', diffusion_id: 4 })))
    assert.isNull(textOf(event('output_down', { title: 'x' })))
    assert.isNull(textOf(event('track_on_air', { title: '  ' })))
  })

  test('a text is one line of at most 128 characters, counted as characters', ({ assert }) => {
    const long = clipText(`${'é'.repeat(200)}\n\tend`)
    assert.lengthOf([...long], MAX_TEXT)
    assert.isTrue(long.endsWith('…'))
    assert.equal(clipText(' a\n\u0007b  c '), 'a b c')
  })

  test("the slide's image falls back from the uploaded cover to the sound's, the program's, the station's, its logo, then Antenne's", ({
    assert,
  }) => {
    const song = event('track_on_air', { title: 'Night Bus' })
    const artwork = `https://radio.example/images/${'a'.repeat(64)}-slide.jpg`
    const cover = 'https://radio.example/covers/ab.jpg'
    const program = 'https://radio.example/covers/prog.jpg'
    const logo = `https://radio.example/images/${'b'.repeat(64)}-slide.jpg`
    const own = { ...station, radiovisImage: 'https://radio.example/own.png', logo }
    const all = { ...noFacts, artwork, cover, programImage: program }
    assert.equal(slideOf(song, all, own)!.image, artwork)
    assert.equal(slideOf(song, { ...noFacts, cover, programImage: program }, own)!.image, cover)
    assert.equal(slideOf(song, { ...noFacts, programImage: program }, own)!.image, program)
    assert.equal(slideOf(song, noFacts, own)!.image, own.radiovisImage)
    assert.equal(slideOf(song, noFacts, { ...station, logo })!.image, logo)
    assert.equal(defaultSlide({ ...station, logo }).image, logo)
    assert.equal(slideOf(song, noFacts, station)!.image, station.defaultImage)
    // The link: the episode's page, else the station's.
    assert.equal(
      slideOf(song, { ...noFacts, link: 'https://radio.example/programs/p/e' }, station)!.link,
      'https://radio.example/programs/p/e'
    )
    assert.equal(slideOf(song, noFacts, station)!.link, station.home)
    assert.deepEqual(defaultSlide({ ...station, radiovisText: null }), {
      text: 'Radio Test',
      image: station.defaultImage,
      link: station.home,
    })
  })

  test('a rotation song logged as a sound and as its track is one change', ({ assert }) => {
    const batch = [
      event(
        'sound_on_air',
        { sound_id: 7, title: 'Night Bus', artist: 'The Relays' },
        '2026-12-03T10:00:00.000Z',
        1
      ),
      event(
        'track_on_air',
        { sound_id: 7, title: 'Night Bus', artist: 'The Relays' },
        '2026-12-03T10:00:00.000Z',
        2
      ),
      {
        ...event('track_on_air', { title: 'Elsewhere' }, '2026-12-03T10:00:00.000Z', 3),
        station: 'other',
      },
    ]
    const latest = latestPerStation(batch)
    assert.deepEqual([...latest.keys()], ['test', 'other'])
    assert.equal(latest.get('test')!.id, 2)
    // The same the other way round: the track stands for the sound.
    assert.equal(latestPerStation([batch[1], { ...batch[0], id: 3 }]).get('test')!.id, 2)
    // A later song wins.
    const later = event(
      'sound_on_air',
      { sound_id: 8, title: 'Next' },
      '2026-12-03T10:03:00.000Z',
      4
    )
    assert.equal(latestPerStation([...batch, later]).get('test')!.id, 4)
  })

  test('TEXT and SHOW when the text changes, SHOW alone for a new image, nothing for no change', ({
    assert,
  }) => {
    const origin = { eventId: 9, fallback: false }
    const slide = { text: 'The Relays – Night Bus', image: 'https://x/a.jpg', link: 'https://x/p' }
    const fresh = changeMessages(
      'test',
      topics,
      { text: null, image: null, link: null },
      slide,
      origin
    )
    assert.deepEqual(
      fresh.map((m) => [m.topic, m.body, m.link]),
      [
        [topics.text, 'TEXT The Relays – Night Bus', null],
        [topics.image, 'SHOW https://x/a.jpg', 'https://x/p'],
      ]
    )
    const now = {
      text: 'TEXT The Relays – Night Bus',
      image: 'SHOW https://x/a.jpg',
      link: 'https://x/p',
    }
    assert.deepEqual(changeMessages('test', topics, now, slide, origin), [])
    assert.deepEqual(
      changeMessages('test', topics, now, { ...slide, image: 'https://x/b.jpg' }, origin).map(
        (m) => m.body
      ),
      ['SHOW https://x/b.jpg']
    )
    // A new text always comes with its SHOW, even when the image is the same.
    assert.deepEqual(
      changeMessages('test', topics, now, { ...slide, text: 'Next' }, origin).map((m) => m.body),
      ['TEXT Next', 'SHOW https://x/a.jpg']
    )
  })
})

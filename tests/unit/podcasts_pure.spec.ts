import { test } from '@japa/runner'
import {
  MIN_SIDE,
  parseRenditionFile,
  decodedBytes,
  pictureProblem,
  renditionFile,
} from '#images/image_renditions'
import { artworkOf } from '#images/image_urls'
import {
  DEFAULT_PODCAST_CATEGORY,
  PODCAST_CATEGORY_VALUES,
  podcastCategory,
} from '#feeds/podcast_categories'
import {
  escapeXml,
  plainTextHtml,
  renderPodcastFeed,
  type PodcastChannel,
} from '#feeds/podcast_feed'
import { isDirectPodcastFile } from '#feeds/podcast_audio'

const HASH = 'a'.repeat(64)
const MAX = 50_000_000

const channel: PodcastChannel = {
  title: 'Morning Talk – Radio',
  link: 'https://radio.example/programs/talk',
  self: 'https://radio.example/programs/talk/podcast.rss',
  description: 'Talk',
  language: 'fr-BE',
  image: `https://radio.example/images/${HASH}-podcast.jpg`,
  author: 'Radio Campus',
  owner: { name: 'Radio Campus', email: 'podcasts@radio.example' },
  category: { category: 'News', subcategory: 'Daily News' },
  explicit: false,
}

test.group('Uploaded images: renditions and checks', () => {
  test('a JPEG, PNG or WebP at least 1400 px on its short side passes', ({ assert }) => {
    for (const format of ['jpeg', 'png', 'webp'])
      assert.isNull(pictureProblem({ format, width: 3000, height: MIN_SIDE }, MAX))
  })

  test('another format, a missing size, a small or an enormous picture is refused by its header', ({
    assert,
  }) => {
    assert.equal(pictureProblem({ format: 'svg', width: 2000, height: 2000 }, MAX), 'imageFormat')
    assert.equal(pictureProblem({ format: 'gif', width: 2000, height: 2000 }, MAX), 'imageFormat')
    assert.equal(pictureProblem({}, MAX), 'imageFormat')
    assert.equal(pictureProblem({ format: 'png', width: 0, height: 2000 }, MAX), 'imageFormat')
    assert.equal(pictureProblem({ format: 'png', width: 1399, height: 3000 }, MAX), 'imageTooSmall')
    // A decompression bomb announces its size: 30 000 × 30 000 is 900 megapixels.
    assert.equal(
      pictureProblem({ format: 'png', width: 30_000, height: 30_000 }, MAX),
      'imageTooLarge'
    )
  })

  test('a picture too heavy once decoded is refused by its header, a 48 MP phone JPEG is not', ({
    assert,
  }) => {
    const BYTES = 200 * 1024 ** 2
    const heavy = { format: 'png', width: 7000, height: 7000, channels: 4, depth: 'ushort' }
    assert.equal(decodedBytes(heavy), 392_000_000)
    assert.equal(pictureProblem(heavy, MAX, BYTES), 'imageTooHeavy')
    assert.isNull(pictureProblem({ ...heavy, depth: 'uchar' }, MAX, BYTES))
    const phone = { format: 'jpeg', width: 8000, height: 6000, channels: 3, depth: 'uchar' }
    assert.isNull(pictureProblem(phone, MAX, BYTES))
  })

  test("an episode's plain text becomes HTML that shows it as typed, line breaks as <br>", ({
    assert,
  }) => {
    assert.equal(
      plainTextHtml('a <b>"x"</b> & \'y\'\r\n<img src=//t>\nend'),
      'a &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#39;y&#39;<br>\n&lt;img src=//t&gt;<br>\nend'
    )
  })

  test('only a hash and a known rendition name a file', ({ assert }) => {
    assert.equal(renditionFile(HASH, 'podcast'), `${HASH}-podcast.jpg`)
    assert.deepEqual(parseRenditionFile(`${HASH}-slide.jpg`), { hash: HASH, rendition: 'slide' })
    for (const name of [
      `${HASH}-huge.jpg`,
      `${HASH}-podcast.png`,
      `${HASH.slice(1)}-page.jpg`,
      `../${HASH}-page.jpg`,
      `${HASH.toUpperCase()}-page.jpg`,
      `${HASH}-page.jpg/x`,
    ])
      assert.isNull(parseRenditionFile(name), name)
  })

  test("an episode's artwork is its own, else its program's, else the station's logo", ({
    assert,
  }) => {
    const station = { logo: 'logo' }
    assert.equal(artworkOf({ episode: { image: 'e' }, program: { image: 'p' }, station }), 'e')
    assert.equal(artworkOf({ episode: { image: null }, program: { image: 'p' }, station }), 'p')
    assert.equal(artworkOf({ episode: { image: null }, program: { image: null }, station }), 'logo')
    assert.isNull(artworkOf({ episode: null, program: null, station: { logo: null } }))
  })
})

test.group('Podcast feed: what Apple Podcasts asks for', () => {
  test('categories are Apple’s, a subcategory under its category; an unknown one is the default', ({
    assert,
  }) => {
    assert.include(PODCAST_CATEGORY_VALUES, 'Music/Music History')
    assert.include(PODCAST_CATEGORY_VALUES, 'True Crime')
    assert.deepEqual(podcastCategory('TV & Film/Film Reviews'), {
      category: 'TV & Film',
      subcategory: 'Film Reviews',
    })
    assert.deepEqual(podcastCategory('Music/Jazz'), podcastCategory(DEFAULT_PODCAST_CATEGORY))
    assert.deepEqual(podcastCategory(null), { category: 'Society & Culture', subcategory: null })
  })

  test('the channel carries artwork, category, explicit, author, owner, language and its own URL', ({
    assert,
  }) => {
    const xml = renderPodcastFeed(channel, [])
    assert.include(xml, 'xmlns:atom="http://www.w3.org/2005/Atom"')
    assert.include(
      xml,
      '<atom:link href="https://radio.example/programs/talk/podcast.rss" rel="self" type="application/rss+xml"/>'
    )
    assert.include(xml, `<itunes:image href="https://radio.example/images/${HASH}-podcast.jpg"/>`)
    assert.include(
      xml,
      '<itunes:category text="News">\n      <itunes:category text="Daily News"/>\n    </itunes:category>'
    )
    assert.include(xml, '<itunes:explicit>false</itunes:explicit>')
    assert.include(xml, '<itunes:author>Radio Campus</itunes:author>')
    assert.include(xml, '<itunes:email>podcasts@radio.example</itunes:email>')
    assert.include(xml, '<language>fr-BE</language>')
  })

  test('without an e-mail address there is no owner; without an image, no artwork tag', ({
    assert,
  }) => {
    const xml = renderPodcastFeed(
      { ...channel, image: null, owner: { name: 'R', email: null }, explicit: true },
      []
    )
    assert.notInclude(xml, 'itunes:owner')
    assert.notInclude(xml, 'itunes:image')
    assert.include(xml, '<itunes:explicit>true</itunes:explicit>')
  })

  test('an item has its own artwork when the episode has one, and the channel’s explicit flag', ({
    assert,
  }) => {
    const xml = renderPodcastFeed(channel, [
      {
        guid: 'sound-1@radio.example',
        title: 'Monday',
        link: 'https://radio.example/programs/talk/monday',
        description: 'News & weather\u0001',
        date: new Date('2030-01-07T07:00:00Z'),
        enclosure: { url: 'https://radio.example/podcasts/1', length: 99, type: 'audio/mpeg' },
        duration: 59.6,
        image: `https://radio.example/images/${'b'.repeat(64)}-podcast.jpg`,
      },
    ])
    const entry = xml.slice(xml.indexOf('<item>'))
    assert.include(
      entry,
      `<itunes:image href="https://radio.example/images/${'b'.repeat(64)}-podcast.jpg"/>`
    )
    assert.include(entry, '<itunes:explicit>false</itunes:explicit>')
    // Plain text, escaped as HTML then as XML: a reader shows "News & weather".
    assert.include(entry, '<description>News &amp;amp; weather</description>')
    assert.include(entry, '<itunes:duration>0:01:00</itunes:duration>')
    assert.include(entry, '<pubDate>Mon, 07 Jan 2030 07:00:00 GMT</pubDate>')
  })

  test('XML never carries a control character, even escaped', ({ assert }) => {
    assert.equal(escapeXml('a\u0000b\u001fc\td\ne'), 'abc\td\ne')
  })

  test('mp3 and m4a are enclosures as stored; other formats are transcoded', ({ assert }) => {
    assert.isTrue(isDirectPodcastFile('/x/a.MP3'))
    assert.isTrue(isDirectPodcastFile('/x/a.m4a'))
    for (const path of ['/x/a.ogg', '/x/a.opus', '/x/a.flac', '/x/a.wav', '/x/a'])
      assert.isFalse(isDirectPodcastFile(path), path)
  })
})

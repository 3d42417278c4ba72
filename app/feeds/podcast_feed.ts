/*
| RSS 2.0 podcast feed of a program, pure: the channel with what Apple
| Podcasts and Podcast Index require (artwork, category, explicit, author,
| owner, language, atom:link self), and one item per public sound with its
| enclosure, newest airing first.
| Tags: https://help.apple.com/itc/podcasts_connect/#/itcb54353390
*/
export interface PodcastItem {
  guid: string
  title: string
  link: string
  description: string | null
  /** The episode's first airing, else the sound's date. */
  date: Date
  enclosure: { url: string; length: number; type: string }
  duration: number | null
  /** The episode's own artwork (absolute URL), when it has one. */
  image: string | null
}

export interface PodcastChannel {
  title: string
  link: string
  /** This feed's own URL (atom:link rel="self"). */
  self: string
  description: string
  /** The station's language (BCP 47), never the fetcher's. */
  language: string
  /** Absolute URL of a 1400–3000 px square JPEG or PNG; null: none uploaded. */
  image: string | null
  author: string
  owner: { name: string; email: string | null }
  category: { category: string; subcategory: string | null }
  explicit: boolean
}

export function escapeXml(text: string) {
  return (
    text
      // Characters XML 1.0 cannot carry at all, even escaped.
      // eslint-disable-next-line no-control-regex -- control characters are what it removes
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  )
}

const seconds = (value: number) => {
  const s = Math.round(value)
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/**
 * An episode's text (plain text, escaped on the site) as the HTML an item's
 * description is read as: escaped for HTML, line breaks as <br>, then
 * escaped again for XML by `tag`. Once only, `<b>` or a host's
 * `<img src=//tracker>` would become markup in podcast apps.
 */
export function plainTextHtml(text: string) {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r\n?/g, '\n')
    .replace(/\n/g, '<br>\n')
}

const tag = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`

function category({ category: main, subcategory }: PodcastChannel['category']) {
  const text = escapeXml(main)
  return subcategory
    ? `<itunes:category text="${text}">\n      <itunes:category text="${escapeXml(subcategory)}"/>\n    </itunes:category>`
    : `<itunes:category text="${text}"/>`
}

function item(entry: PodcastItem, explicit: string) {
  const lines = [
    `<guid isPermaLink="false">${escapeXml(entry.guid)}</guid>`,
    tag('title', entry.title),
    tag('link', entry.link),
    entry.description ? tag('description', plainTextHtml(entry.description)) : null,
    `<pubDate>${entry.date.toUTCString()}</pubDate>`,
    `<enclosure url="${escapeXml(entry.enclosure.url)}" length="${entry.enclosure.length}" type="${escapeXml(entry.enclosure.type)}"/>`,
    entry.duration === null ? null : tag('itunes:duration', seconds(entry.duration)),
    entry.image ? `<itunes:image href="${escapeXml(entry.image)}"/>` : null,
    tag('itunes:explicit', explicit),
  ]
  return `    <item>\n${lines
    .filter((line) => line !== null)
    .map((line) => `      ${line}`)
    .join('\n')}\n    </item>`
}

export function renderPodcastFeed(channel: PodcastChannel, items: PodcastItem[]) {
  const explicit = channel.explicit ? 'true' : 'false'
  const head = [
    tag('title', channel.title),
    tag('link', channel.link),
    `<atom:link href="${escapeXml(channel.self)}" rel="self" type="application/rss+xml"/>`,
    tag('description', channel.description),
    tag('language', channel.language),
    ...(channel.image
      ? [
          `<itunes:image href="${escapeXml(channel.image)}"/>`,
          `<image>\n      ${tag('url', channel.image)}\n      ${tag('title', channel.title)}\n      ${tag('link', channel.link)}\n    </image>`,
        ]
      : []),
    category(channel.category),
    tag('itunes:explicit', explicit),
    tag('itunes:author', channel.author),
    channel.owner.email
      ? `<itunes:owner>\n      ${tag('itunes:name', channel.owner.name)}\n      ${tag('itunes:email', channel.owner.email)}\n    </itunes:owner>`
      : null,
    tag('itunes:type', 'episodic'),
  ].filter((line) => line !== null)
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
${head.map((line) => `    ${line}`).join('\n')}
${items.map((entry) => item(entry, explicit)).join('\n')}
  </channel>
</rss>
`
}

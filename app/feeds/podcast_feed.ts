/*
| RSS 2.0 podcast feed of a program: its public sounds, newest first, each
| an item with its audio enclosure.
*/
export interface PodcastItem {
  guid: string
  title: string
  link: string
  date: Date
  enclosure: { url: string; length: number; type: string }
  duration: number | null
}

export function escapeXml(text: string) {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const seconds = (value: number) => {
  const s = Math.round(value)
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

export function renderPodcastFeed(
  channel: { title: string; link: string; description: string; language: string },
  items: PodcastItem[]
) {
  const body = items
    .map(
      (item) => `    <item>
      <guid isPermaLink="false">${escapeXml(item.guid)}</guid>
      <title>${escapeXml(item.title)}</title>
      <link>${escapeXml(item.link)}</link>
      <pubDate>${item.date.toUTCString()}</pubDate>
      <enclosure url="${escapeXml(item.enclosure.url)}" length="${item.enclosure.length}" type="${escapeXml(item.enclosure.type)}"/>${
        item.duration === null
          ? ''
          : `\n      <itunes:duration>${seconds(item.duration)}</itunes:duration>`
      }
    </item>`
    )
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>${escapeXml(channel.title)}</title>
    <link>${escapeXml(channel.link)}</link>
    <description>${escapeXml(channel.description)}</description>
    <language>${escapeXml(channel.language)}</language>
${body}
  </channel>
</rss>
`
}

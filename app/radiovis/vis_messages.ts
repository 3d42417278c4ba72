/*
| What a station's RadioVIS topics say, pure: the slide (a text, an image and
| a link) an on-air event shows, the station's default slide, and the
| messages that tell receivers of a change, one per change:
| - a song is one TEXT: a rotation song is logged as a sound and as its
|   track, and a sound of a diffusion is the diffusion already shown;
| - a TEXT always comes with its SHOW, whose image falls back from the
|   cover uploaded for the episode or its program to the sound's embedded
|   cover, the program's newest one, the station's RadioVIS image, its
|   logo, then Antenne's own;
| - nothing is sent when the slide has not changed.
*/
import type { AntenneEvent } from '#events/event_types'

/** RadioVIS TEXT is at most 128 characters (TS 101 499, "TEXT message"). */
export const MAX_TEXT = 128

/** The events that change what a receiver shows. */
export const VISUAL_EVENTS = ['track_on_air', 'sound_on_air', 'diffusion_started'] as const

export interface Slide {
  text: string
  /** Absolute URL of a JPEG or PNG. */
  image: string
  /** The page to go to from the slide: the episode, the program or the station. */
  link: string | null
}

/** What the database adds to an event, looked up by the producer. */
export interface EventFacts {
  /** The image uploaded for the episode on air, else for its program (their slide size), as a URL. */
  artwork: string | null
  /** The cover of the sound on air, as a URL. */
  cover: string | null
  /** The image of the program, for shows: the newest cover of its sounds. */
  programImage: string | null
  link: string | null
}

export interface StationDefaults {
  name: string
  radiovisText: string | null
  /** The station's own image, if set. */
  radiovisImage: string | null
  /** The station's uploaded logo (its slide size), if any. */
  logo: string | null
  /** The station's home page. */
  home: string
  /** Antenne's default slide, when the station has none. */
  defaultImage: string
}

export interface VisMessage {
  station: string
  /** The canonical destination. */
  topic: string
  body: string
  link: string | null
  eventId: number | null
  fallback: boolean
}

export function clipText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  const flat = text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim()
  const chars = [...flat]
  return chars.length > MAX_TEXT ? chars.slice(0, MAX_TEXT - 1).join('') + '…' : flat
}

/** The text an event shows, or null when it shows nothing new. */
export function textOf(event: Pick<AntenneEvent, 'type' | 'payload'>): string | null {
  const p = event.payload as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null)
  if (event.type === 'track_on_air' || event.type === 'sound_on_air') {
    // A sound of a diffusion: the show is on screen since diffusion_started.
    if (event.type === 'sound_on_air' && p.diffusion_id) return null
    const title = str(p.title) ?? str(p.name)
    if (!title) return null
    const artist = str(p.artist)
    return clipText(artist ? `${artist} – ${title}` : title)
  }
  if (event.type === 'diffusion_started') {
    const program = str(p.program)
    const episode = str(p.episode)
    const text =
      episode && episode !== program ? (program ? `${program}: ${episode}` : episode) : program
    return text ? clipText(text) : null
  }
  return null
}

export function slideOf(
  event: Pick<AntenneEvent, 'type' | 'payload'>,
  facts: EventFacts,
  station: StationDefaults
): Slide | null {
  const text = textOf(event)
  if (text === null) return null
  return {
    text,
    image:
      facts.artwork ??
      facts.cover ??
      facts.programImage ??
      station.radiovisImage ??
      station.logo ??
      station.defaultImage,
    link: facts.link ?? station.home,
  }
}

export function defaultSlide(station: StationDefaults): Slide {
  return {
    text: clipText(station.radiovisText || station.name),
    image: station.radiovisImage ?? station.logo ?? station.defaultImage,
    link: station.home,
  }
}

type Visual = Pick<AntenneEvent, 'type' | 'station' | 'payload' | 'at'> & { id?: number }

/**
 * Of a batch of events (in id order), the one per station that says what is
 * on now: the last that shows something. A track logged with the sound it
 * is part of, at the same time, stands for both.
 */
export function latestPerStation<E extends Visual>(batch: E[]): Map<string, E> {
  const latest = new Map<string, E>()
  for (const event of batch) {
    if (!event.station || textOf(event) === null) continue
    const previous = latest.get(event.station)
    if (
      previous &&
      event.type === 'sound_on_air' &&
      previous.type === 'track_on_air' &&
      previous.payload.sound_id === event.payload.sound_id &&
      Math.abs(Date.parse(previous.at) - Date.parse(event.at)) < 1500
    ) {
      continue
    }
    latest.set(event.station, event)
  }
  return latest
}

/** What a station's topics last said: the TEXT and SHOW bodies, and the SHOW's link. */
export interface TopicState {
  text: string | null
  image: string | null
  link: string | null
}

/**
 * The messages that take the station's topics from `current` to `next`:
 * TEXT and SHOW when the text changed, SHOW alone when only the image or
 * link did, nothing when neither.
 */
export function changeMessages(
  station: string,
  topics: { text: string; image: string },
  current: TopicState,
  next: Slide,
  origin: { eventId: number | null; fallback: boolean }
): VisMessage[] {
  const text = `TEXT ${next.text}`
  const show = `SHOW ${next.image}`
  const messages: VisMessage[] = []
  if (text !== current.text) {
    messages.push({ station, topic: topics.text, body: text, link: null, ...origin })
  }
  if (messages.length || show !== current.image || next.link !== current.link) {
    messages.push({ station, topic: topics.image, body: show, link: next.link, ...origin })
  }
  return messages
}

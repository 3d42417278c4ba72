/*
| "What was played" (Aircox's Log.merge_diffusions): the tracks that went on
| air and the diffusions that aired, newest first. A track logged while a
| diffusion ran is folded into it (Aircox dropped all but the last).
*/
export interface PlayedTrack {
  type: 'track'
  /** Epoch ms. */
  start: number
  end: null
  title: string
  artist: string | null
  info: string | null
  url: string | null
  cover: string | null
}

export interface PlayedDiffusion {
  type: 'diffusion'
  start: number
  end: number
  title: string
  artist: null
  info: string | null
  url: string | null
  cover: string | null
  /** The tracks logged while it ran, newest first. */
  tracks: PlayedTrack[]
}

export type PlayedItem = PlayedTrack | PlayedDiffusion

/** Merges tracks and diffusions (any order) into one list, newest first. */
export function mergePlayed(
  tracks: PlayedTrack[],
  diffusions: Array<Omit<PlayedDiffusion, 'tracks'>>
): PlayedItem[] {
  const folded: PlayedDiffusion[] = diffusions.map((d) => ({ ...d, tracks: [] }))
  const items: PlayedItem[] = [...folded]
  for (const track of tracks) {
    const within = folded.find((d) => d.start <= track.start && track.start < d.end)
    if (within) within.tracks.push(track)
    else items.push(track)
  }
  for (const d of folded) d.tracks.sort((a, b) => b.start - a.start)
  return items.sort((a, b) => b.start - a.start)
}

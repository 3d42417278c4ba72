/*
| A sound pushed to a station's streamer queue (the controller checks it is
| one of the station's).
*/
import vine from '@vinejs/vine'

export const pushSoundValidator = vine.compile(
  vine.object({ soundId: vine.number().withoutDecimals() })
)

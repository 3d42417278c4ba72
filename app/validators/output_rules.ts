/*
| The output form's mount: a file name inside the station's recordings
| folder for a file output, an Icecast mount path otherwise (the model's
| rules, app/models/output.ts, told beside the field).
*/
import vine from '@vinejs/vine'
import { isMountName, isRecordingName } from '#models/output'

const mountRule = vine.createRule((value, _, field) => {
  if (typeof value !== 'string' || value === '') return
  if (field.parent?.type === 'file') {
    if (!isRecordingName(value))
      field.report(
        'The {{ field }} of a file output must be a file name inside the station folder, such as live-%Y%m%d.mp3',
        'recordingName',
        field
      )
  } else if (!isMountName(value)) {
    field.report('The {{ field }} field must be a mount such as /radio.mp3', 'mountName', field)
  }
})

export const outputMount = () => vine.string().trim().maxLength(200).use(mountRule())

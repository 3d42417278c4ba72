/*
| Editing or deleting a schedule moves or removes the future diffusions it
| generated (app/scheduling/schedule_edits.ts), in every process.
*/
import { followScheduleEdits } from '#scheduling/schedule_edits'

followScheduleEdits()

import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandFailureLines } from '#exceptions/command_failure'
import { findEdgeByName, removeEdge, setEdgeActive } from '#edges/edge_registry'

export default class EdgesRemove extends BaseCommand {
  static commandName = 'edges:remove'
  static description = 'Remove an edge relay, or only stop using it (--deactivate)'
  static help = [
    '{{ binaryName }} edges:remove paris-1               (gone: no longer listed to listeners nor polled)',
    '{{ binaryName }} edges:remove paris-1 --deactivate  (kept, but not listed nor polled until reactivated in the CMS)',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: "The edge's name" })
  declare name: string

  @flags.boolean({ description: 'Keep it, inactive' })
  declare deactivate?: boolean

  async run() {
    try {
      const edge = await findEdgeByName(this.name)
      if (this.deactivate) {
        await setEdgeActive(edge, false)
        this.logger.success(`edge ${edge.name} deactivated: listeners are no longer sent to it`)
        return
      }
      await removeEdge(edge)
      this.logger.success(`edge ${edge.name} removed`)
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('edges:remove', error)) this.logger.error(line)
    }
  }
}

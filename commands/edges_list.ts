import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandFailureLines } from '#exceptions/command_failure'
import { listEdges } from '#edges/edge_registry'

export default class EdgesList extends BaseCommand {
  static commandName = 'edges:list'
  static description = 'List the edge relays (never their passwords)'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'As JSON, one array' })
  declare json?: boolean

  async run() {
    try {
      const edges = await listEdges()
      const rows = edges.map((edge) => ({
        name: edge.name,
        host: edge.host,
        port: edge.port,
        region: edge.region,
        public_url: edge.publicUrl,
        active: edge.active,
        stations: edge.allStations ? 'all' : edge.stations.map((s) => s.slug),
      }))
      if (this.json) return this.logger.log(JSON.stringify(rows))
      if (!rows.length)
        return this.logger.info('no edge: node ace edges:add NAME --host H --port P')
      const table = this.ui.table()
      table.head(['Name', 'Address', 'Region', 'Stations', 'Active'])
      for (const row of rows)
        table.row([
          row.name,
          `${row.host}:${row.port}`,
          row.region ?? '-',
          typeof row.stations === 'string' ? row.stations : row.stations.join(', '),
          row.active ? 'yes' : 'no',
        ])
      table.render()
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('edges:list', error)) this.logger.error(line)
    }
  }
}

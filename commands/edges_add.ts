import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'
import { addEdge } from '#edges/edge_registry'
import { edgeValidator } from '#validators/edge'
import { errors } from '@vinejs/vine'

export default class EdgesAdd extends BaseCommand {
  static commandName = 'edges:add'
  static description = 'Add an edge relay: an Icecast that relays the stations to listeners'
  static help = [
    '{{ binaryName }} edges:add paris-1 --host 10.0.0.11 --port 8000 --region eu-west --public-url https://paris-1.radio.example',
    '{{ binaryName }} edges:add campus --host 192.168.1.5 --port 8000 --station campus-fm   (only this station)',
    'Its relay and admin passwords are made and printed once, or read from ANTENNE_EDGE_RELAY_PASSWORD and',
    'ANTENNE_EDGE_ADMIN_PASSWORD (never flags: command lines are readable by every local user).',
    'Then, for the edge: {{ binaryName }} icecast:config --edge NAME --dir /var/lib/antenne/edge --output /var/lib/antenne/edge/icecast.xml',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Its name: lower-case letters, digits and -' })
  declare name: string

  @flags.string({
    description: "Where the edge's Icecast listens, as the origin and the pollers reach it",
  })
  declare host: string

  @flags.number({ description: "Its Icecast's port" })
  declare port: number

  @flags.string({ description: 'A region label: the player lists the listener’s region first' })
  declare region?: string

  @flags.string({ description: 'Where listeners reach it, when not at http://host:port' })
  declare publicUrl?: string

  @flags.string({ description: "Its Icecast's admin user", default: 'admin' })
  declare adminUser: string

  @flags.array({ description: 'A station it relays (repeatable; default: every active station)' })
  declare station?: string[]

  async run() {
    try {
      const input = await edgeValidator
        .validate({
          name: this.name,
          host: this.host,
          port: this.port,
          region: this.region ?? null,
          publicUrl: this.publicUrl ?? null,
          adminUser: this.adminUser,
          stations: this.station ?? [],
        })
        .catch((error) => {
          if (error instanceof errors.E_VALIDATION_ERROR)
            throw new InvalidArgumentException(
              error.messages.map((m: { message: string }) => m.message).join('; ')
            )
          throw error
        })
      const given = {
        relayPassword: process.env.ANTENNE_EDGE_RELAY_PASSWORD,
        adminPassword: process.env.ANTENNE_EDGE_ADMIN_PASSWORD,
      }
      for (const [key, value] of Object.entries(given))
        if (value !== undefined && value.length < 8)
          throw new InvalidArgumentException(
            `${key === 'relayPassword' ? 'ANTENNE_EDGE_RELAY_PASSWORD' : 'ANTENNE_EDGE_ADMIN_PASSWORD'} has at least 8 characters`
          )
      const { edge, passwords } = await addEdge(input, given)
      this.logger.success(
        `edge ${edge.name} added at ${edge.host}:${edge.port}, relaying ${edge.allStations ? 'every active station' : edge.stations.map((s) => s.slug).join(', ')}`
      )
      this.logger.log(`relay password: ${passwords.relayPassword}`)
      this.logger.log(`admin password (user ${edge.adminUser}): ${passwords.adminPassword}`)
      this.logger.info("shown once; icecast:config --edge writes them into the edge's icecast.xml")
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('edges:add', error)) this.logger.error(line)
    }
  }
}

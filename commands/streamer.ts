import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandFailureLines, terminateCommand, commandLogger } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'
import db from '@adonisjs/lucid/services/db'
import antenneConfig from '#config/antenne'
import { Streamer } from '#streamer/streamer'

/**
 * A node's name, and a database its standby can reach: SQLite is one host's
 * file, so a standby on another host would have no lease to share.
 */
function checkNode(node: string | null, dialect: string) {
  if (node === null) return
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(node))
    throw new InvalidArgumentException(
      `invalid ANTENNE_NODE "${node}": letters, digits, . _ and -, at most 128`
    )
  if (dialect !== 'mysql')
    throw new InvalidArgumentException(
      `ANTENNE_NODE needs MariaDB (DB_CONNECTION=mysql): the nodes share the stations' leases through it, and SQLite is one host's file. Unset ANTENNE_NODE for a single host.`
    )
}

/** Outputs on for a while after each renewal, and off before anyone else may play. */
function checkLease(leaseMs: number, marginMs: number) {
  if (
    !Number.isFinite(leaseMs) ||
    !Number.isFinite(marginMs) ||
    marginMs < 300 ||
    leaseMs - marginMs < 900
  )
    throw new InvalidArgumentException(
      `invalid ANTENNE_LEASE_MS=${leaseMs} / ANTENNE_LEASE_MARGIN_MS=${marginMs}: the margin at least 300 ms, and the lease at least 900 ms longer than it`
    )
}

export default class StreamerCommand extends BaseCommand {
  static commandName = 'streamer'
  static description = 'Render the Liquidsoap scripts, run Liquidsoap and monitor what goes on air'
  static help = [
    'Everything, for every active station (what systemd runs):  {{ binaryName }} streamer --config --run --monitor',
    'One station, checking its script only:                     {{ binaryName }} streamer --config --station demo',
    'Monitor a Liquidsoap started elsewhere, ticking twice a second: {{ binaryName }} streamer -m -d 500',
    'One of two playout hosts on one MariaDB (the other stands by):  ANTENNE_NODE=play1 {{ binaryName }} streamer -c -r -m',
  ]

  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.boolean({
    alias: 'c',
    description: "Render and check each station's script and playlists",
  })
  declare config: boolean

  // `run` is the command's own method name, hence another property.
  @flags.boolean({
    flagName: 'run',
    alias: 'r',
    description: 'Run Liquidsoap for each station, restarting it when it stops',
  })
  declare runLiquidsoap: boolean

  @flags.boolean({
    alias: 'm',
    description: 'Monitor each station: log what goes on air, start and cancel diffusions',
  })
  declare monitor: boolean

  @flags.number({ alias: 'd', description: 'Milliseconds per monitor tick', default: 1000 })
  declare delay: number

  @flags.array({
    alias: 's',
    description: 'A station slug (repeatable; default: every active station)',
  })
  declare station?: string[]

  @flags.number({
    alias: 't',
    description: 'Minutes after its start before an unstarted diffusion is cancelled',
    default: 20,
  })
  declare timeout: number

  async run() {
    let streamer: Streamer | null = null
    try {
      if (!this.config && !this.runLiquidsoap && !this.monitor) {
        throw new InvalidArgumentException(
          'nothing to do: pass --config, --run and/or --monitor (see --help)'
        )
      }
      if (!Number.isFinite(this.delay) || this.delay < 50)
        throw new InvalidArgumentException(
          `invalid --delay "${this.delay}": milliseconds, at least 50`
        )
      if (!Number.isFinite(this.timeout) || this.timeout <= 0)
        throw new InvalidArgumentException(
          `invalid --timeout "${this.timeout}": minutes, more than 0`
        )

      checkNode(antenneConfig.streamer.node, db.connection().dialect.name)
      checkLease(antenneConfig.streamer.leaseMs, antenneConfig.streamer.leaseMarginMs)
      const stations = await Streamer.stations(this.station)
      if (!stations.length) throw new InvalidArgumentException('no active station to stream')
      streamer = new Streamer(
        {
          config: this.config,
          run: this.runLiquidsoap,
          monitor: this.monitor,
          delay: this.delay,
          timeout: this.timeout,
        },
        commandLogger(this)
      )
      if (this.config) {
        for (const result of await streamer.configure(stations)) {
          this.logger.info(
            `${result.script}: ${result.scriptChanged ? 'written and checked' : 'unchanged'}, ${result.playlists.length} playlist(s)`
          )
        }
      }
      if (!this.runLiquidsoap && !this.monitor) return await terminateCommand(this)

      const stop = async (signal: string) => {
        this.logger.info(`${signal}: stopping the monitors and Liquidsoap`)
        await streamer?.stop()
        await terminateCommand(this)
      }
      process.once('SIGTERM', () => void stop('SIGTERM'))
      process.once('SIGINT', () => void stop('SIGINT'))
      await streamer.start(stations)
      this.logger.info(
        `streaming ${stations.map((s) => s.slug).join(', ')}: ${[this.runLiquidsoap && 'running', this.monitor && `monitoring every ${this.delay} ms`].filter(Boolean).join(', ')}`
      )
    } catch (error) {
      this.fail(error)
      await streamer?.stop()
      await terminateCommand(this)
    }
  }

  /** One clear line and a non-zero exit. */
  private fail(error: unknown) {
    this.exitCode = 1
    for (const line of commandFailureLines('streamer', error)) this.logger.error(line)
  }
}

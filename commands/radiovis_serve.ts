import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import antenneConfig from '#config/antenne'
import { RadioVisService } from '#radiovis/radiovis_service'
import { commandFailureLines, terminateCommand, commandLogger } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

export default class RadiovisServe extends BaseCommand {
  static commandName = 'radiovis:serve'
  static description =
    'Serve RadioVIS (now playing text and slides) to receivers over STOMP, until stopped'
  static help = [
    "Receivers subscribe to /topic/fm/<gcc>/<pi>/<frequency>/text|image (or dab/…, id/…) of a station's RadioVIS topic.",
    'With ANTENNE_RADIOVIS_URL (amqp://…) messages come through RabbitMQ and any number of servers may run;',
    'without it, from the database. systemd: node ace streamer:unit --service radiovis',
  ]

  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.string({ description: 'Address to listen on', default: antenneConfig.radiovis.host })
  declare host: string

  @flags.number({ description: 'STOMP port', default: antenneConfig.radiovis.port })
  declare port: number

  async run() {
    const logger = commandLogger(this)
    try {
      if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535)
        throw new InvalidArgumentException(`invalid --port "${this.port}": 0 to 65535`)
      if (!/^[0-9a-zA-Z.:_-]{1,255}$/.test(this.host))
        throw new InvalidArgumentException(`invalid --host "${this.host.slice(0, 64)}"`)
      const { radiovis } = antenneConfig
      if (radiovis.fallbackAfter < 1 || radiovis.pollInterval < 10 || radiovis.heartbeat < 100)
        throw new InvalidArgumentException(
          'ANTENNE_RADIOVIS_FALLBACK_SECONDS must be 1 or more, ANTENNE_RADIOVIS_POLL_MS 10 or more, ANTENNE_RADIOVIS_HEARTBEAT_MS 100 or more'
        )
      const service = new RadioVisService({
        ...radiovis,
        host: this.host,
        port: this.port,
        heartbeat: { send: radiovis.heartbeat, expect: radiovis.heartbeat },
        publicUrl: antenneConfig.publicUrl,
        logger,
      })
      // bin/console.ts terminates the app on SIGTERM: the service stops in a
      // terminating hook, which runs before the database connections close
      // (registered before it starts: a SIGTERM may come during start-up).
      this.app.terminating(() => service.stop())
      const address = await service.start()
      this.logger.info(
        `radiovis: STOMP on ${address.address}:${address.port}, messages from ${radiovis.url ? `RabbitMQ (${radiovis.exchange}) and ` : ''}the database`
      )
      process.once('SIGTERM', () => this.logger.info('SIGTERM: stopping'))
      process.once('SIGINT', () => {
        this.logger.info('SIGINT: stopping')
        void terminateCommand(this)
      })
    } catch (error) {
      this.exitCode = 1
      const listening = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      if (listening) this.logger.error(`E_ADDRESS_IN_USE: ${this.host}:${this.port} is taken`)
      else for (const line of commandFailureLines('radiovis:serve', error)) this.logger.error(line)
      await terminateCommand(this)
    }
  }
}

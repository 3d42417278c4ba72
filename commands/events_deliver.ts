import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import antenneConfig from '#config/antenne'
import { EventDeliverer } from '#events/event_deliverer'
import { events } from '#events/event_outbox'
import { loadSinksFile } from '#events/sinks_file'
import { VisProducer } from '#radiovis/vis_producer'
import { ResourceWatch } from '#events/resource_sampler'
import { RiskWatch } from '#events/risk_watch'
import { commandFailureLines, terminateCommand, commandLogger } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

export default class EventsDeliver extends BaseCommand {
  static commandName = 'events:deliver'
  static description =
    'Deliver events to their sinks (log, webhooks, RabbitMQ) and publish RadioVIS, until stopped'
  static help = [
    'Runs beside the streamer (systemd: node ace streamer:unit --service events). Sinks are made in the',
    'CMS (/staff/events) or listed in ANTENNE_EVENT_SINKS_FILE. With ANTENNE_RADIOVIS_URL it also produces RadioVIS',
    'messages for radiovis:serve (one producer at a time, whichever process holds the lease). It tells',
    'each diffusion at risk 24 h and 1 h before it (diffusion_at_risk, once each; see diffusions --check).',
    '{{ binaryName }} events:deliver --once   delivers what is waiting, then exits',
  ]

  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.boolean({ description: 'One delivery pass, then exit (cron, tests)' })
  declare once?: boolean

  @flags.number({
    description: 'Milliseconds between passes',
    default: antenneConfig.events.pollInterval,
  })
  declare interval: number

  async run() {
    const logger = commandLogger(this)
    const deliverer = new EventDeliverer(logger)
    let radiovis: VisProducer | null = null
    try {
      if (!Number.isInteger(this.interval) || this.interval < 50)
        throw new InvalidArgumentException(`invalid --interval "${this.interval}": 50 ms or more`)
      if (antenneConfig.events.sinksFile) {
        const { loaded, deactivated } = await loadSinksFile(antenneConfig.events.sinksFile)
        this.logger.info(
          `sinks file: ${loaded} sink(s) loaded${deactivated ? `, ${deactivated} deactivated` : ''}`
        )
      }
      await events.adoptOrphanSpools()
      if (this.once) {
        const outcomes = await deliverer.deliverAll()
        for (const [name, outcome] of outcomes) this.logger.info(`${name}: ${outcome}`)
        await deliverer.stop()
        return await terminateCommand(this)
      }
      deliverer.start(this.interval)
      // Memory, load and disks as events (memory_usage, load_high, disk_low).
      const resources = new ResourceWatch()
      resources.start()
      this.logger.info(`watching memory, load and disks every ${resources.intervalMs / 1000} s`)
      // diffusion_at_risk 24 h and 1 h before (one process at a time: a lease).
      const risks = new RiskWatch()
      risks.start()
      this.logger.info(
        `watching the diffusions at risk every ${risks.intervalMs / 1000} s when this process holds the lease`
      )
      if (antenneConfig.radiovis.url) {
        radiovis = new VisProducer({
          ...antenneConfig.radiovis,
          publicUrl: antenneConfig.publicUrl,
          logger,
        })
        radiovis.start(antenneConfig.radiovis.pollInterval)
        this.logger.info(
          `radiovis: producing for ${antenneConfig.radiovis.exchange} when this process holds the lease`
        )
      }
      const prune = setInterval(
        () =>
          void deliverer
            .prune()
            .catch((e) => this.logger.warning(`events: prune failed: ${e.message}`)),
        3600_000
      )
      this.logger.info(`delivering events every ${this.interval} ms`)
      // bin/console.ts terminates the app on SIGTERM: everything stops in a
      // terminating hook, which runs before the database connections close.
      this.app.terminating(async () => {
        clearInterval(prune)
        await resources.stop()
        await risks.stop()
        await deliverer.stop()
        await radiovis?.stop()
      })
      process.once('SIGTERM', () => this.logger.info('SIGTERM: stopping'))
      process.once('SIGINT', () => {
        this.logger.info('SIGINT: stopping')
        void terminateCommand(this)
      })
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('events:deliver', error)) this.logger.error(line)
      await deliverer.stop()
      await terminateCommand(this)
    }
  }
}

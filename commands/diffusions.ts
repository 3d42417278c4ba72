import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { DiffusionGenerator, type StationPlan } from '#scheduling/diffusion_generator'
import { DiffusionHousekeeping } from '#scheduling/diffusion_housekeeping'
import { parseMonth } from '#scheduling/recurrence'
import { risksOfNextDays, type StationRisks } from '#scheduling/diffusions_at_risk'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

const DEFAULT_CHECK_DAYS = 7
const MAX_CHECK_DAYS = 60

export default class Diffusions extends BaseCommand {
  static commandName = 'diffusions'
  static description =
    'Generate episodes and diffusions from the schedules, list conflicts, clean old ones'
  static help = [
    "Generate this month (in each station's zone):   {{ binaryName }} diffusions --update",
    'Next month, one station, without writing:        {{ binaryName }} diffusions --update --next-month --station demo --dry-run',
    'List diffusions waiting for a decision:          {{ binaryName }} diffusions --conflicts',
    'Delete unconfirmed diffusions of past months:    {{ binaryName }} diffusions --clean',
    'List the diffusions at risk in the next 7 days:  {{ binaryName }} diffusions --check [--days 7]',
    '',
    'Exit codes: 0 done (with --check: nothing at risk), 1 bad input or failure,',
    '2 with --check: some diffusion is at risk (each is printed with what to do).',
  ]

  static options: CommandOptions = { startApp: true }

  @flags.boolean({ alias: 'u', description: 'Create the episodes and diffusions of the month' })
  declare update: boolean

  @flags.string({
    description: "The month to generate, YYYY-MM (default: this month in each station's zone)",
  })
  declare month?: string

  @flags.boolean({ description: 'Generate the month after this one' })
  declare nextMonth: boolean

  @flags.array({
    alias: 's',
    description: 'A station slug (repeatable; default: every active station)',
  })
  declare station?: string[]

  @flags.boolean({ description: 'Print what --update would create and write nothing' })
  declare dryRun: boolean

  @flags.boolean({ alias: 'l', description: 'Delete unconfirmed diffusions of past months' })
  declare clean: boolean

  @flags.boolean({ description: 'List unconfirmed diffusions and what they overlap' })
  declare conflicts: boolean

  @flags.boolean({
    description:
      'List the on-air diffusions at risk in the next days, and what to do (exit 2 if any)',
  })
  declare check: boolean

  @flags.number({
    description: `Days ahead that --check looks at, 1 to ${MAX_CHECK_DAYS} (default: 7)`,
  })
  declare days?: number

  async run() {
    try {
      if (!this.update && !this.clean && !this.conflicts && !this.check) {
        throw new InvalidArgumentException(
          'nothing to do: pass --update, --clean, --conflicts or --check (see --help)'
        )
      }
      const month = this.parsedMonth()
      const days = this.checkDays()
      if (this.clean) await this.runClean()
      if (this.update) await this.runUpdate(month)
      if (this.conflicts) await this.runConflicts(month)
      if (this.check) await this.runCheck(days)
    } catch (error) {
      this.fail(error)
    }
  }

  private parsedMonth() {
    if (this.month !== undefined && this.nextMonth) {
      throw new InvalidArgumentException('--month and --next-month cannot be used together')
    }
    if (this.month === undefined) return undefined
    const month = parseMonth(this.month)
    if (!month)
      throw new InvalidArgumentException(
        `invalid --month "${this.month}": expected YYYY-MM, e.g. 2026-11`
      )
    return month
  }

  private checkDays() {
    if (this.days === undefined) return DEFAULT_CHECK_DAYS
    if (!this.check) throw new InvalidArgumentException('--days goes with --check')
    if (!Number.isInteger(this.days) || this.days < 1 || this.days > MAX_CHECK_DAYS)
      throw new InvalidArgumentException(
        `invalid --days "${this.days}": a whole number of days from 1 to ${MAX_CHECK_DAYS}`
      )
    return this.days
  }

  private async runUpdate(month: ReturnType<typeof parseMonth> | undefined) {
    const generator = new DiffusionGenerator()
    const plans = await generator.plan({
      stations: this.station,
      month: month ?? undefined,
      nextMonth: this.nextMonth,
    })
    this.reportConflicts(plans)
    if (this.dryRun) {
      this.printPlan(plans)
      this.printSummary(
        plans.map((plan) => generator.summarize(plan)),
        'would create (dry run: nothing written)'
      )
      return
    }
    this.printSummary(await generator.apply(plans), 'diffusions --update')
  }

  private async runClean() {
    const removed = await new DiffusionHousekeeping().clean({ stations: this.station })
    const table = this.ui.table().head(['Station', 'Before', 'Unconfirmed deleted'])
    for (const row of removed) table.row([row.station, row.before, String(row.deleted)])
    this.logger.info('diffusions --clean')
    table.render()
  }

  private async runConflicts(month: ReturnType<typeof parseMonth> | undefined) {
    const conflicts = await new DiffusionHousekeeping().conflicts({
      stations: this.station,
      month: month ?? undefined,
      nextMonth: this.nextMonth,
    })
    if (!conflicts.length) {
      this.logger.info('no unconfirmed diffusion')
      return
    }
    const table = this.ui.table().head(['Station', 'Unconfirmed', 'Start', 'Overlaps'])
    for (const c of conflicts) {
      table.row([
        c.station,
        `#${c.id} ${c.title}`,
        c.start,
        c.overlaps.length ? c.overlaps.join('; ') : 'nothing any more (can be confirmed)',
      ])
    }
    table.render()
  }

  /** Each diffusion at risk with what to do; exit code 2 when there is one, so that a cron mails it. */
  private async runCheck(days: number) {
    const reports = await risksOfNextDays({ stations: this.station, days })
    if (!reports.length) this.logger.info('no active station to check')
    for (const report of reports) this.printRisks(report, days)
    if (reports.some((report) => report.atRisk.length)) this.exitCode = 2
  }

  private printRisks({ station, atRisk }: StationRisks, days: number) {
    if (!atRisk.length) {
      this.logger.info(`${station.slug}: no diffusion at risk in the next ${days} day(s)`)
      return
    }
    this.logger.warning(
      `${station.slug}: ${atRisk.length} diffusion(s) at risk in the next ${days} day(s)`
    )
    const table = this.ui
      .table()
      .head(['Station', 'Start (local)', 'Program', 'Episode', 'Risk', 'What to do'])
    for (const { diffusion, risk } of atRisk) {
      table.row([
        station.slug,
        diffusion.start.setZone(station.timezone).toFormat('yyyy-MM-dd HH:mm ZZZZ'),
        diffusion.program.title,
        `#${diffusion.id} ${diffusion.episode.title}${diffusion.initialId ? ' (rerun)' : ''}`,
        `${risk.kind}: ${risk.problem}`,
        risk.todo,
      ])
    }
    table.render()
  }

  private reportConflicts(plans: StationPlan[]) {
    for (const plan of plans) {
      for (const { diffusion, with: other } of plan.conflicts) {
        const zone = plan.station.timezone
        this.logger.warning(
          `${plan.station.slug}: ${diffusion.programTitle} on ${diffusion.start.setZone(zone).toFormat('yyyy-MM-dd HH:mm')} ` +
            `overlaps ${other.title} (${other.start.setZone(zone).toFormat('yyyy-MM-dd HH:mm')}–${other.end.setZone(zone).toFormat('HH:mm')}): created unconfirmed`
        )
      }
    }
  }

  private printPlan(plans: StationPlan[]) {
    for (const plan of plans) {
      const table = this.ui
        .table()
        .head(['Station', 'Program', 'Start (local)', 'End', 'Type', 'Rerun'])
      for (const d of [...plan.diffusions].sort((a, b) => +a.start - +b.start)) {
        const start = d.start.setZone(plan.station.timezone)
        table.row([
          plan.station.slug,
          d.programTitle,
          start.toFormat('yyyy-MM-dd HH:mm ZZZZ'),
          d.end.setZone(plan.station.timezone).toFormat('HH:mm'),
          d.type,
          d.initial ? 'yes' : '',
        ])
      }
      if (plan.diffusions.length) table.render()
    }
  }

  private printSummary(
    rows: {
      station: string
      month: string
      created: number
      reruns: number
      existing: number
      moved: number
      conflicts: number
    }[],
    title: string
  ) {
    this.logger.info(title)
    const table = this.ui
      .table()
      .head(['Station', 'Month', 'Created', 'Reruns', 'Existing', 'Moved', 'Conflicts'])
    for (const row of rows) {
      table.row([
        row.station,
        row.month,
        String(row.created),
        String(row.reruns),
        String(row.existing),
        String(row.moved),
        String(row.conflicts),
      ])
    }
    table.render()
  }

  /** One clear line and a non-zero exit. */
  private fail(error: unknown) {
    this.exitCode = 1
    for (const line of commandFailureLines('diffusions', error)) this.logger.error(line)
  }
}

import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import antenneConfig from '#config/antenne'
import Program from '#models/program'
import { commandFailureLines, terminateCommand, commandLogger } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'
import { ProgressBar } from '#library/progress_bar'
import { SoundLibrary, type QualitySummary, type ScanSummary } from '#library/sound_library'
import { SoundWatcher } from '#library/sound_watcher'

export default class Sounds extends BaseCommand {
  static commandName = 'sounds'
  static description =
    "Scan and watch the program folders, and measure loudness and quality (Aircox's sounds_monitor)"
  static help = [
    'Folders: <programs dir>/<program slug>/archives (archives) and /excerpts (excerpts).',
    'A name yyyymmdd[_HHhMM][_n][_]name.ext attaches the sound to the episode aired then.',
    'One pass, then measure new sounds:      {{ binaryName }} sounds --scan --quality-check',
    'Watch for ever (what systemd runs):     {{ binaryName }} sounds --scan --monitor --quality-check',
    'Measure every sound again:              {{ binaryName }} sounds --quality-check --recheck',
  ]

  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.boolean({ alias: 's', description: 'One pass over the folders (incremental)' })
  declare scan: boolean

  @flags.boolean({ alias: 'm', description: 'Watch the folders and keep the library up to date' })
  declare monitor: boolean

  @flags.boolean({
    alias: 'q',
    flagName: 'quality-check',
    description: 'Measure loudness and quality of the sounds not measured yet',
  })
  declare qualityCheck: boolean

  @flags.boolean({ description: 'With --quality-check: measure every sound again' })
  declare recheck: boolean

  @flags.array({ alias: 'p', description: 'A program slug (repeatable; default: every program)' })
  declare program?: string[]

  @flags.number({
    alias: 'w',
    description: 'Files read or analysed at once (default: the number of cores)',
  })
  declare workers?: number

  async run() {
    try {
      if (this.recheck && !this.qualityCheck)
        throw new InvalidArgumentException('--recheck goes with --quality-check')
      if (!this.scan && !this.monitor && !this.qualityCheck) {
        throw new InvalidArgumentException(
          'nothing to do: pass --scan, --monitor and/or --quality-check (see --help)'
        )
      }
      const workers = this.workers ?? antenneConfig.library.workers
      if (!Number.isInteger(workers) || workers < 1 || workers > 256)
        throw new InvalidArgumentException(
          `invalid --workers "${this.workers}": a whole number from 1 to 256`
        )
      const programIds = await this.programIds()

      let progress: ProgressBar | null = null
      const library = SoundLibrary.configured(this.#logger(), {
        workers,
        onProgress: (done, total) => progress?.update(done, total),
      })

      if (this.monitor) return await this.watch(library, programIds)

      if (this.scan) {
        progress = new ProgressBar('reading')
        const scan = await library.scan(programIds)
        progress.finish()
        this.printScan(scan)
      }
      if (this.qualityCheck) {
        progress = new ProgressBar('measuring', 'sounds')
        const quality = await library.checkQuality({ recheck: this.recheck, programIds })
        progress.finish()
        this.printQuality(quality)
      }
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('sounds', error)) this.logger.error(line)
    }
    await terminateCommand(this)
  }

  /** The library's logger: ace's, whose warn is called warning. */
  #logger() {
    return commandLogger(this)
  }

  private async programIds(): Promise<number[] | undefined> {
    if (!this.program?.length) return undefined
    const programs = await Program.query().whereIn('slug', this.program)
    const unknown = this.program.filter((slug) => !programs.some((p) => p.slug === slug))
    if (unknown.length)
      throw new InvalidArgumentException(
        `no program with slug ${unknown.map((s) => `"${s}"`).join(', ')}`
      )
    return programs.map((p) => p.id)
  }

  private async watch(library: SoundLibrary, programIds: number[] | undefined) {
    if (programIds)
      throw new InvalidArgumentException('--monitor watches every program: drop --program')
    const watcher = new SoundWatcher(library, {
      programsDir: antenneConfig.programsDir,
      settle: antenneConfig.library.uploadSettle,
      rescanInterval: antenneConfig.library.rescanInterval,
      checkQuality: this.qualityCheck,
      logger: this.#logger(),
    })
    const stop = async (signal: string) => {
      this.logger.info(`${signal}: stopping the watcher`)
      await watcher.stop()
      await terminateCommand(this)
    }
    process.once('SIGTERM', () => void stop('SIGTERM'))
    process.once('SIGINT', () => void stop('SIGINT'))
    await watcher.start()
  }

  private printScan(scan: ScanSummary) {
    const table = this.ui.table()
    table.head(['Scan', 'Files'])
    const rows: Array<[string, number]> = [
      ['seen', scan.files],
      ['unchanged', scan.unchanged],
      ['added', scan.added],
      ['updated', scan.updated],
      ['moved', scan.moved],
      ['removed', scan.removed],
      ['restored', scan.restored],
      ['tracklists imported', scan.tracklists],
      ['warnings', scan.warnings],
    ]
    for (const [label, count] of rows) table.row([label, String(count)])
    table.render()
    const rate = scan.files / Math.max(scan.seconds, 0.001)
    this.logger.info(
      `scanned ${scan.files} files in ${scan.seconds.toFixed(2)} s (${rate.toFixed(0)} files/s)`
    )
  }

  private printQuality(quality: QualitySummary) {
    const table = this.ui.table()
    table.head(['Quality check', 'Sounds'])
    for (const [label, count] of [
      ['analysed', quality.analysed],
      ['good', quality.good],
      ['not good', quality.bad],
      ['warnings', quality.warnings],
    ] as const) {
      table.row([label, String(count)])
    }
    table.render()
    const speed = quality.audioSeconds / Math.max(quality.seconds, 0.001)
    this.logger.info(
      `measured ${(quality.audioSeconds / 60).toFixed(1)} min of audio in ${quality.seconds.toFixed(2)} s (${speed.toFixed(0)}× real time)`
    )
  }
}

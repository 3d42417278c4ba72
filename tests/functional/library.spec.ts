import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import {
  copyFile,
  mkdir,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import antenneConfig from '#config/antenne'
import Program from '#models/program'
import Sound from '#models/sound'
import Track from '#models/track'
import Sounds from '#commands/sounds'
import TracksImport from '#commands/tracks_import'
import { SoundLibrary, type QualitySummary, type ScanSummary } from '#library/sound_library'
import { SoundWatcher } from '#library/sound_watcher'
import { stationPlaylists } from '#streamer/station_config'
import { soundGain } from '#streamer/liquidsoap_script'
import {
  ProgramFactory,
  StationFactory,
  StreamFactory,
} from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { runCommand } from '#tests/helpers'

const run = promisify(execFile)
let serial = 0

/** A tone made by ffmpeg: `seconds` long, at `volume` (1 = full scale), with tags; codec from the extension. */
async function tone(
  path: string,
  seconds: number,
  options: {
    volume?: number
    tags?: Record<string, string>
    silenceFrom?: number
    cover?: boolean
  } = {}
) {
  await mkdir(dirname(path), { recursive: true })
  const volume = options.volume ?? 0.25
  // A silence in the middle: the tone muted from silenceFrom to seconds - 3.
  const mute =
    options.silenceFrom === undefined
      ? ''
      : `,volume=enable='between(t,${options.silenceFrom},${seconds - 3})':volume=0`
  const inputs = ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=44100`]
  if (options.cover) inputs.push('-f', 'lavfi', '-i', 'color=red:s=32x32:d=1')
  const maps = options.cover
    ? [
        '-map',
        '0',
        '-map',
        '1',
        '-c:v',
        'mjpeg',
        '-frames:v',
        '1',
        '-disposition:v',
        'attached_pic',
        '-id3v2_version',
        '3',
      ]
    : []
  const tags = Object.entries(options.tags ?? {}).flatMap(([k, v]) => ['-metadata', `${k}=${v}`])
  const codec = path.endsWith('.mp3') ? ['-b:a', '128k'] : []
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    ...inputs,
    ...maps,
    '-af',
    `volume=${volume * 2}${mute}`,
    '-ac',
    '2',
    ...codec,
    ...tags,
    path,
  ])
  return path
}

/** A fresh folder, a station and a program whose folder is in it. */
async function setting(slug = 'talk') {
  const dir = app.makePath(`tmp/test/library/${process.pid}-${++serial}`)
  await rm(dir, { recursive: true, force: true })
  const station = await StationFactory.create()
  const program = await ProgramFactory.merge({
    stationId: station.id,
    slug,
    path: join(dir, slug),
  }).create()
  await program.load('station')
  return { dir, station, program }
}

class Logger {
  warnings: string[] = []
  infos: string[] = []
  info = (m: string) => this.infos.push(m)
  warn = (m: string) => this.warnings.push(m)
  error = (m: string) => this.warnings.push(m)
}

function library(dir: string, logger = new Logger()) {
  return {
    logger,
    library: new SoundLibrary({
      programsDir: dir,
      coversDir: join(dir, '.covers'),
      workers: 2,
      quality: antenneConfig.library.quality,
      logger,
    }),
  }
}

const soundAt = (path: string) => Sound.findByOrFail('path', path)

async function airing(program: Program, local: string) {
  const start = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Brussels' })
  const episode = await EpisodeFactory.merge({
    programId: program.id,
    title: `Episode ${local}`,
  }).create()
  await DiffusionFactory.merge({ episodeId: episode.id, start }).create()
  return episode
}

test.group('sounds --scan', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('archives and excerpts get rows with their tags, episode, CSV tracklist, tag track and cover', async ({
    assert,
  }) => {
    const { dir, program } = await setting()
    const episode = await airing(program, '2030-01-02 10:00')
    const archives = join(dir, 'talk', 'archives')
    await tone(join(archives, '20300102_10h00_talk.mp3'), 4, { tags: { title: 'Talk of the day' } })
    await tone(join(archives, 'song.mp3'), 3, {
      tags: { title: 'Les Ondes', artist: 'Signal Clair', album: 'Demo', date: '2026' },
      cover: true,
    })
    await tone(join(archives, 'mix.flac'), 3)
    await writeFile(
      join(archives, 'mix.csv'),
      '# artist;title;minutes;seconds;tags;info\nSignal Clair;Ouverture;0;0;;\nThe Relays;Interlude;0;2;;\n'
    )
    await tone(join(dir, 'talk', 'excerpts', 'jingle.ogg'), 2)
    await mkdir(join(dir, 'nobody'), { recursive: true })

    const { library: lib, logger } = library(dir)
    const scan = await lib.scan()

    assert.include(scan, { files: 4, added: 4, unchanged: 0, tracklists: 1, removed: 0 })
    assert.deepEqual(logger.warnings, [
      `${join(dir, 'nobody')}: no program has this folder (slug "nobody"); not scanned`,
    ])
    const dated = await soundAt(join(archives, '20300102_10h00_talk.mp3'))
    assert.include(dated.serialize(), {
      type: 'archive',
      episodeId: episode.id,
      name: 'talk',
      programId: program.id,
    })
    assert.equal(
      await Track.query()
        .where('sound_id', dated.id)
        .count('* as n')
        .first()
        .then((r) => Number(r!.$extras.n)),
      0,
      'an episode archive gets no tag track'
    )
    const song = await soundAt(join(archives, 'song.mp3'))
    assert.include(song.serialize(), {
      title: 'Les Ondes',
      artist: 'Signal Clair',
      album: 'Demo',
      year: 2026,
      sampleRate: 44100,
      bitrate: 128000,
      channels: 2,
    })
    assert.closeTo(song.duration!, 3, 0.1)
    assert.match(song.cover!, /^[0-9a-f]{40}\.jpg$/)
    assert.isAbove((await stat(join(dir, '.covers', song.cover!))).size, 100)
    const songTracks = await Track.query().where('sound_id', song.id)
    assert.deepEqual(
      songTracks.map((t) => [t.position, t.timestamp, t.title, t.artist, t.album]),
      [[0, 0, 'Les Ondes', 'Signal Clair', 'Demo']]
    )
    const mix = await soundAt(join(archives, 'mix.flac'))
    const mixTracks = await Track.query().where('sound_id', mix.id).orderBy('position')
    assert.deepEqual(
      mixTracks.map((t) => [t.position, t.timestamp, t.title, t.artist]),
      [
        [0, 0, 'Ouverture', 'Signal Clair'],
        [1, 2, 'Interlude', 'The Relays'],
      ]
    )
    assert.equal((await soundAt(join(dir, 'talk', 'excerpts', 'jingle.ogg'))).type, 'excerpt')
    assert.isNull(song.isGoodQuality, 'not measured until --quality-check')
  })

  test('a second scan reads nothing; a changed file or CSV is read again, and must be measured again', async ({
    assert,
  }) => {
    const { dir } = await setting()
    const archives = join(dir, 'talk', 'archives')
    await tone(join(archives, 'a.mp3'), 3)
    await tone(join(archives, 'b.mp3'), 3)
    const { library: lib } = library(dir)
    await lib.scan()
    await lib.checkQuality()
    const before = await soundAt(join(archives, 'a.mp3'))
    assert.isTrue(before.isGoodQuality)

    const again = await lib.scan()
    assert.include(again, { files: 2, unchanged: 2, added: 0, updated: 0, tracklists: 0 })

    await tone(join(archives, 'a.mp3'), 5)
    await utimes(join(archives, 'a.mp3'), new Date(), new Date(Date.now() - 60_000))
    await writeFile(join(archives, 'b.csv'), 'X;Y;0;1;;\n')
    const changed = await lib.scan()
    assert.include(changed, { unchanged: 1, updated: 1, tracklists: 1 })
    const after = await soundAt(join(archives, 'a.mp3'))
    assert.equal(after.id, before.id)
    assert.closeTo(after.duration!, 5, 0.1)
    assert.isNull(after.isGoodQuality)
    assert.isNull(after.loudness)
    const b = await soundAt(join(archives, 'b.mp3'))
    assert.deepEqual(
      (await Track.query().where('sound_id', b.id)).map((t) => [t.title, t.timestamp]),
      [['Y', 1]]
    )
  })

  test('a moved or renamed file keeps its row; a deleted one becomes removed, and comes back when restored', async ({
    assert,
  }) => {
    const { dir, station } = await setting()
    const other = await ProgramFactory.merge({
      stationId: station.id,
      slug: 'jazz',
      path: join(dir, 'jazz'),
    }).create()
    const archives = join(dir, 'talk', 'archives')
    await tone(join(archives, 'one.mp3'), 3, { volume: 0.2 })
    await tone(join(archives, 'two.mp3'), 3, { volume: 0.3 })
    const { library: lib } = library(dir)
    await lib.scan()
    const one = await soundAt(join(archives, 'one.mp3'))
    const two = await soundAt(join(archives, 'two.mp3'))
    await TrackFactory.merge({ soundId: one.id, timestamp: 0, title: 'kept' }).create()

    await rename(join(archives, 'one.mp3'), join(archives, 'renamed.mp3'))
    await mkdir(join(dir, 'jazz', 'excerpts'), { recursive: true })
    await rename(join(archives, 'two.mp3'), join(dir, 'jazz', 'excerpts', 'two.mp3'))
    const moved = await lib.scan()
    assert.include(moved, { moved: 2, added: 0, removed: 0 })
    const renamed = await soundAt(join(archives, 'renamed.mp3'))
    assert.equal(renamed.id, one.id)
    assert.equal((await Track.query().where('sound_id', one.id).firstOrFail()).title, 'kept')
    const elsewhere = await soundAt(join(dir, 'jazz', 'excerpts', 'two.mp3'))
    assert.include(elsewhere.serialize(), { id: two.id, programId: other.id, type: 'excerpt' })
    assert.equal(renamed.type, 'archive')

    const backup = join(dir, 'backup.mp3')
    await copyFile(join(archives, 'renamed.mp3'), backup)
    await rm(join(archives, 'renamed.mp3'))
    assert.include(await lib.scan(), { removed: 1 })
    assert.equal((await Sound.findOrFail(one.id)).type, 'removed')
    await copyFile(backup, join(archives, 'renamed.mp3'))
    assert.include(await lib.scan(), { restored: 1, removed: 0, added: 0 })
    assert.equal((await Sound.findOrFail(one.id)).type, 'archive')
  })

  test('bad input: each bad file or folder gets one warning, the scan goes on, and the check says what is wrong', async ({
    assert,
  }) => {
    const { dir, station } = await setting()
    const archives = join(dir, 'talk', 'archives')
    await tone(join(archives, 'good.mp3'), 3)
    await writeFile(join(archives, 'empty.mp3'), '')
    await writeFile(join(archives, 'corrupt.mp3'), 'this is not audio\n'.repeat(2000))
    await tone(join(archives, 'truncated.mp3'), 20)
    await truncate(join(archives, 'truncated.mp3'), 60_000)
    await tone(join(dir, 'wav.wav'), 3)
    await rename(join(dir, 'wav.wav'), join(archives, 'mislabelled.mp3'))
    await tone(join(archives, '20300105_nothing_that_day.mp3'), 3)
    // An excerpts "folder" that cannot be read (a file), holding a row from before: the row is left alone.
    const blocked = await ProgramFactory.merge({
      stationId: station.id,
      slug: 'blocked',
      path: join(dir, 'blocked'),
    }).create()
    await mkdir(join(dir, 'blocked'), { recursive: true })
    await writeFile(join(dir, 'blocked', 'excerpts'), 'not a folder')
    const old = await SoundFactory.apply('excerpt')
      .merge({ programId: blocked.id, path: join(dir, 'blocked', 'excerpts', 'old.mp3') })
      .create()

    const { library: lib, logger } = library(dir)
    const scan = await lib.scan()
    assert.include(scan, { files: 6, added: 6, removed: 0 })
    const said = (pattern: RegExp) => logger.warnings.filter((w) => pattern.test(w)).length
    assert.equal(said(/empty\.mp3: empty file \(0 bytes\)/), 1)
    assert.equal(said(/corrupt\.mp3: not a known audio format/), 1)
    assert.equal(said(/mislabelled\.mp3: mislabelled, the content is wav/), 1)
    assert.equal(
      said(
        /20300105_nothing_that_day\.mp3: no diffusion of "talk" on 2030-01-05; kept without episode/
      ),
      1
    )
    assert.equal(
      said(
        /blocked\/excerpts: cannot read the folder \(ENOTDIR\); its sounds are left as they are/
      ),
      1
    )
    assert.equal(scan.warnings, logger.warnings.length)
    assert.equal((await Sound.findOrFail(old.id)).type, 'excerpt')

    const quality = await lib.checkQuality()
    assert.include(quality, { analysed: 6, good: 2, bad: 4 })
    const reasons = async (name: string) => (await soundAt(join(archives, name))).qualityReasons
    assert.deepEqual(await reasons('good.mp3'), [])
    assert.match((await reasons('empty.mp3'))![0], /^cannot decode: /)
    assert.match((await reasons('corrupt.mp3'))![0], /^cannot decode: /)
    assert.match(
      (await reasons('truncated.mp3'))!.join('\n'),
      /truncated: 0:0\d of audio, the header says 0:20/
    )
    assert.deepEqual(await reasons('mislabelled.mp3'), [
      'mislabelled: the content is wav, the name says .mp3',
    ])
    assert.isFalse((await soundAt(join(archives, 'corrupt.mp3'))).isGoodQuality)
  })
})

test.group('sounds --quality-check', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('loudness and quality are measured once; only good archives reach the playlist, with their gain', async ({
    assert,
  }) => {
    const { dir, station, program } = await setting()
    await OutputFactory.merge({ stationId: station.id }).create()
    await StreamFactory.merge({ programId: program.id }).create()
    const archives = join(dir, 'talk', 'archives')
    await tone(join(archives, 'good.mp3'), 4, { volume: 0.25 })
    await tone(join(archives, 'quiet.mp3'), 4, { volume: 0.005 })
    await tone(join(archives, 'gap.mp3'), 16, { silenceFrom: 2 })
    const { library: lib, logger } = library(dir)
    await lib.scan()
    const first = await lib.checkQuality()
    assert.include(first, { analysed: 3, good: 1, bad: 2 })
    assert.closeTo(first.audioSeconds, 24, 0.5)
    assert.include(await lib.checkQuality(), { analysed: 0 })

    const good = await soundAt(join(archives, 'good.mp3'))
    // The same figures as ffmpeg's own EBU R128 meter on the same file.
    const { stderr } = await run('ffmpeg', [
      '-hide_banner',
      '-nostats',
      '-i',
      good.path,
      '-af',
      'ebur128=peak=true',
      '-f',
      'null',
      '-',
    ])
    const summary = stderr.slice(stderr.lastIndexOf('Summary:'))
    assert.closeTo(good.loudness!, Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)![1]), 0.15)
    assert.closeTo(
      good.truePeak!,
      Number(/True peak:\s+Peak:\s+(-?[\d.]+) dBFS/.exec(summary)![1]),
      0.3
    )
    // A sine on two channels: RMS level 2.3 dB under its loudness (two channels, -0.691).
    assert.closeTo(good.rmsLevel!, good.loudness! - 2.32, 0.3)
    assert.isTrue(good.isGoodQuality)
    assert.match(
      (await soundAt(join(archives, 'quiet.mp3'))).qualityReasons![0],
      /^whole file: RMS level -\d+\.\d dB, under -32 dB$/
    )
    const gap = (await soundAt(join(archives, 'gap.mp3'))).qualityReasons!
    assert.isTrue(
      gap.some((reason) => /^silence of 1[01]\.\d s at 0:0[23]$/.test(reason)),
      JSON.stringify(gap)
    )
    assert.isTrue(
      logger.warnings.some((w) => /quiet\.mp3: not of good quality: whole file: RMS level/.test(w))
    )

    const [playlist] = await stationPlaylists(station)
    // The measured loudness becomes the streamer's gain towards the target.
    const gain = soundGain(good, antenneConfig.streamer.loudnessTarget)
    assert.isNotNull(gain)
    assert.equal(playlist.text, `#EXTM3U\nannotate:liq_amplify="${gain} dB":${good.path}\n`)

    assert.include(await lib.checkQuality({ recheck: true }), { analysed: 3 })
  })
})

test.group('tracks:import and sounds: the commands', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a CSV replaces the tracklist of the sound beside it, in one go; a malformed one changes nothing', async ({
    assert,
  }) => {
    const { dir } = await setting()
    const archives = join(dir, 'talk', 'archives')
    await tone(join(archives, 'show.mp3'), 2)
    await library(dir).library.scan()
    const sound = await soundAt(join(archives, 'show.mp3'))
    const csv = join(archives, 'show.csv')

    // The sound lasts 2 s: its tracks start inside it.
    await writeFile(csv, '\uFEFFA;One;0;0;;\nB;Two;0;1;rock,live;"encore; twice"\n')
    let result = await runCommand(TracksImport, [csv])
    assert.equal(result.exitCode, 0)
    assert.include(result.output, `2 tracks imported into sound ${sound.id}`)
    const rows = async () =>
      (await Track.query().where('sound_id', sound.id).orderBy('position')).map((t) => [
        t.title,
        t.timestamp,
        t.tags,
        t.info,
      ])
    assert.deepEqual(await rows(), [
      ['One', 0, null, null],
      ['Two', 1, 'rock,live', 'encore; twice'],
    ])

    await writeFile(csv, 'A;One;0;0;;\n# fine\nB;Two;x;30;;\n')
    result = await runCommand(TracksImport, [csv])
    assert.equal(result.exitCode, 1)
    assert.include(
      result.output,
      'E_INVALID_ARGUMENT: line 3: minutes must be a whole number, not "x"'
    )
    assert.deepEqual(await rows(), [
      ['One', 0, null, null],
      ['Two', 1, 'rock,live', 'encore; twice'],
    ])

    await writeFile(join(dir, 'elsewhere.csv'), 'C;Three;0;2;;\n')
    result = await runCommand(TracksImport, [
      join(dir, 'elsewhere.csv'),
      '--sound',
      String(sound.id),
    ])
    assert.equal(result.exitCode, 0)
    assert.deepEqual(await rows(), [['Three', 2, null, null]])
  })

  test('tracks:import refuses {why}')
    .with([
      {
        why: 'a missing file',
        args: (dir: string) => [join(dir, 'none.csv')],
        error: /E_INVALID_ARGUMENT: cannot read .*none\.csv \(ENOENT\)/,
      },
      {
        why: 'a CSV no sound is named after',
        args: (dir: string) => [join(dir, 'orphan.csv')],
        error:
          /E_INVALID_ARGUMENT: no sound named "orphan" for .*: scan the library first, or give --sound <id>/,
      },
      {
        why: 'an unknown sound id',
        args: (dir: string) => [join(dir, 'orphan.csv'), '--sound', '999999'],
        error: /E_INVALID_ARGUMENT: no sound with id 999999/,
      },
    ])
    .run(async ({ assert }, row) => {
      const { dir } = await setting()
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'orphan.csv'), 'A;B;0;0;;\n')
      const result = await runCommand(TracksImport, row.args(dir))
      assert.equal(result.exitCode, 1)
      assert.match(result.output, row.error)
    })

  test('sounds refuses {why}')
    .with([
      {
        why: 'no action',
        args: [],
        error:
          'E_INVALID_ARGUMENT: nothing to do: pass --scan, --monitor and/or --quality-check (see --help)',
      },
      {
        why: '--recheck alone',
        args: ['--recheck'],
        error: 'E_INVALID_ARGUMENT: --recheck goes with --quality-check',
      },
      {
        why: 'an unknown program',
        args: ['--scan', '--program', 'nope'],
        error: 'E_INVALID_ARGUMENT: no program with slug "nope"',
      },
      {
        why: 'zero workers',
        args: ['--scan', '--workers', '0'],
        error: 'E_INVALID_ARGUMENT: invalid --workers "0": a whole number from 1 to 256',
      },
    ])
    .run(async ({ assert }, row) => {
      const result = await runCommand(Sounds, row.args)
      assert.equal(result.exitCode, 1)
      assert.include(result.output, row.error)
    })

  test('sounds --scan --quality-check for one program prints its summary tables', async ({
    assert,
  }) => {
    const { dir, program: mine } = await setting(`cmd-${Date.now()}`)
    await tone(join(dir, mine.slug, 'archives', 'a.mp3'), 2)
    const result = await runCommand(Sounds, [
      '--scan',
      '--quality-check',
      '--program',
      mine.slug,
      '--workers',
      '2',
    ])
    assert.equal(result.exitCode, 0, result.output)
    assert.match(result.output, /^added\|1$/m)
    assert.match(result.output, /^good\|1$/m)
    assert.match(result.output, /measured 0\.0 min of audio in .* s \(\d+× real time\)/)
    assert.equal((await soundAt(join(dir, mine.slug, 'archives', 'a.mp3'))).isGoodQuality, true)
  })
})

test.group('sounds --monitor', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('watch mode: an upload is read once finished; a move keeps the row; a delete removes it', async ({
    assert,
  }) => {
    const { dir } = await setting()
    const archives = join(dir, 'talk', 'archives')
    await mkdir(archives, { recursive: true })
    const passes: Array<{ scan: ScanSummary; quality: QualitySummary | null }> = []
    const { library: lib, logger } = library(dir)
    const watcher = new SoundWatcher(lib, {
      programsDir: dir,
      settle: 400,
      rescanInterval: 3600_000,
      checkQuality: true,
      debounce: 100,
      logger,
      onPass: (scan, quality) => passes.push({ scan, quality }),
    })
    const until = async (what: string, probe: () => Promise<unknown> | unknown, ms = 15_000) => {
      const end = Date.now() + ms
      while (!(await probe())) {
        if (Date.now() > end)
          throw new Error(
            `timed out waiting for ${what}; passes: ${JSON.stringify(passes.map((p) => p.scan))}; said: ${logger.warnings.join(' | ')}`
          )
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    await watcher.start()
    try {
      // An upload in two parts, 200 ms apart: read once, whole.
      const made = await tone(join(dir, 'upload.mp3'), 3)
      const bytes = await readFile(made)
      const target = join(archives, 'upload.mp3')
      await writeFile(target, bytes.subarray(0, 10_000))
      await new Promise((r) => setTimeout(r, 200))
      await writeFile(target, bytes)
      await until('the upload read', () => Sound.findBy('path', target))
      const uploaded = await soundAt(target)
      assert.equal(Number(uploaded.size), bytes.length)
      await until(
        'its quality measured',
        async () => (await soundAt(target)).isGoodQuality === true
      )
      // Read once, whole: a read of the partial file would show as a second pass that updated it.
      assert.equal(
        passes.filter((p) => p.scan.added + p.scan.updated + p.scan.moved > 0).length,
        1,
        `read once: ${JSON.stringify(passes.map((p) => p.scan))}`
      )

      const moved = join(archives, 'moved.mp3')
      await rename(target, moved)
      await until('the move', () => Sound.findBy('path', moved))
      assert.equal((await soundAt(moved)).id, uploaded.id)
      assert.equal((await soundAt(moved)).type, 'archive')

      await rm(moved)
      await until(
        'the removal',
        async () => (await Sound.findOrFail(uploaded.id)).type === 'removed'
      )
    } finally {
      await watcher.stop()
    }
  })
})

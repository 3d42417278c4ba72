import { test } from '@japa/runner'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiResponse } from '@japa/api-client'
import antenneConfig from '#config/antenne'
import Sound from '#models/sound'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { judgeProbe } from '#library/audio_check'

let serial = 0
const BIG = 5 * 1024 * 1024

/** Files of exactly `size` bytes anywhere the server could have put a body: its staging folder and the system's temp folder. */
function copiesOf(size: number): string[] {
  const found: string[] = []
  for (const dir of [antenneConfig.uploads.stagingDir, tmpdir()]) {
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      try {
        const info = statSync(path)
        if (info.isFile() && info.size === size) found.push(path)
      } catch {}
    }
  }
  return found
}

/** A request's answer, or how its connection ended when the server cut it while the body was still coming. */
async function outcome(
  request: PromiseLike<ApiResponse>
): Promise<{ status: number | null; code: string | null; response: ApiResponse | null }> {
  try {
    const response = await request
    return { status: response.status(), code: null, response }
  } catch (error) {
    return {
      status: null,
      code: (error as { code?: string }).code ?? String(error),
      response: null,
    }
  }
}
const cut = (code: string | null) => code === 'EPIPE' || code === 'ECONNRESET'

async function station() {
  const north = await StationFactory.create()
  const talk = await ProgramFactory.merge({
    stationId: north.id,
    title: 'Talk',
    slug: `upload-talk-${++serial}-${Date.now()}`,
  }).create()
  const other = await ProgramFactory.merge({
    stationId: north.id,
    title: 'Other',
    slug: `upload-other-${++serial}-${Date.now()}`,
  }).create()
  const host = await UserFactory.create()
  await host.related('programs').attach([talk.id])
  rmSync(talk.soundsDir, { recursive: true, force: true })
  return { north, talk, other, host }
}

/** A file of `size` bytes, its content not audio, named as the attacker likes. */
function junk(name: string, size: number, fill: 'zero' | 'text') {
  const dir = mkdtempSync(join(tmpdir(), 'antenne-attack-'))
  const path = join(dir, name)
  writeFileSync(
    path,
    fill === 'zero'
      ? Buffer.alloc(size)
      : Buffer.from('this is not audio\n'.repeat(Math.ceil(size / 18))).subarray(0, size)
  )
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

test.group(
  'Uploads: nothing is written before the session, the role and the CSRF token are checked',
  (group) => {
    group.each.setup(() => testUtils.db().withGlobalTransaction())

    test('a guest posting 5 MB gets the login page, and no copy of the body is left anywhere', async ({
      client,
      assert,
    }) => {
      const { talk } = await station()
      const file = junk('big.mp3', BIG, 'zero')
      const before = copiesOf(BIG).filter((p) => p !== file.path)
      for (const url of [
        `/staff/programs/${talk.id}/sounds`,
        `/staff/sounds/1/tracks.csv`,
        `/staff/episodes/1/tracks.csv`,
      ]) {
        try {
          const response = await client
            .post(url)
            .file('file', file.path)
            .file('csv', file.path)
            .field('type', 'archive')
            .redirects(0)
          // Refused before the body is read: by the CSRF check (back) or the login (to the login page).
          response.assertStatus(302)
          assert.oneOf(response.header('location'), ['/staff/login', '/'])
        } catch (error) {
          // Or the server answers and closes while the body is still coming: refused as well.
          assert.oneOf((error as { code?: string }).code, ['EPIPE', 'ECONNRESET'], String(error))
        }
      }
      assert.deepEqual(
        copiesOf(BIG).filter((p) => p !== file.path),
        before
      )
      assert.lengthOf(await Sound.query().where('program_id', talk.id), 0)
      file.cleanup()
    })

    test('a host without the CSRF token, or on another program, is refused and nothing is written', async ({
      client,
      assert,
    }) => {
      const { talk, other, host } = await station()
      const file = junk('big.mp3', BIG, 'zero')
      const before = copiesOf(BIG).filter((p) => p !== file.path)
      const noToken = await outcome(
        client
          .post(`/staff/programs/${talk.id}/sounds`)
          .file('file', file.path)
          .field('type', 'archive')
          .loginAs(host)
          .redirects(0)
      )
      assert.isTrue(cut(noToken.code) || noToken.status !== 200)
      const elsewhere = await outcome(
        client
          .post(`/staff/programs/${other.id}/sounds`)
          .file('file', file.path)
          .field('type', 'archive')
          .withCsrfToken()
          .loginAs(host)
          .redirects(0)
      )
      assert.isTrue(cut(elsewhere.code) || elsewhere.status === 403)
      assert.deepEqual(
        copiesOf(BIG).filter((p) => p !== file.path),
        before
      )
      assert.lengthOf(await Sound.query().whereIn('program_id', [talk.id, other.id]), 0)
      assert.isFalse(
        existsSync(talk.soundsDir) &&
          readdirSync(talk.soundsDir).length > 0 &&
          readdirSync(join(talk.soundsDir, 'archives')).length > 0
      )
      file.cleanup()
    })
  }
)

test.group('Uploads: only audio, within the limits and the quota', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  const limits = { ...antenneConfig.uploads }
  group.each.teardown(() => {
    Object.assign(antenneConfig.uploads, limits)
  })

  test('a zero-filled or text file named .mp3 is refused as not audio: no sound, no file kept, nothing served', async ({
    client,
    assert,
  }) => {
    const { talk, host } = await station()
    for (const fill of ['zero', 'text'] as const) {
      const file = junk(`song-${fill}.mp3`, 200_000, fill)
      const response = await client
        .post(`/staff/programs/${talk.id}/sounds`)
        .file('file', file.path)
        .field('type', 'archive')
        .withCsrfToken()
        .loginAs(host)
        .header('referer', '/x')
        .redirects(0)
      assert.match(
        String(response.flashMessages().problem),
        /refused: (not an audio file|an audio file .*)/
      )
      file.cleanup()
    }
    assert.lengthOf(await Sound.query().where('program_id', talk.id), 0)
    assert.isFalse(
      existsSync(join(talk.soundsDir, 'archives')) &&
        readdirSync(join(talk.soundsDir, 'archives')).length > 0
    )
    assert.deepEqual(
      existsSync(antenneConfig.uploads.stagingDir)
        ? readdirSync(antenneConfig.uploads.stagingDir)
        : [],
      []
    )
  })

  test('a file over the size limit is cut off and removed; one over the station quota or the longest duration is refused', async ({
    client,
    assert,
  }) => {
    const { talk, host } = await station()
    const dir = mkdtempSync(join(tmpdir(), 'antenne-limits-'))
    const wav = join(dir, 'long.wav')
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=20:sample_rate=22050',
      '-ac',
      '1',
      '-y',
      wav,
    ])
    const size = statSync(wav).size

    antenneConfig.uploads.maxBytes = 100_000
    const tooBig = await outcome(
      client
        .post(`/staff/programs/${talk.id}/sounds`)
        .file('file', wav)
        .field('type', 'archive')
        .withCsrfToken()
        .loginAs(host)
        .header('referer', '/x')
        .redirects(0)
    )
    assert.isTrue(
      cut(tooBig.code) || (tooBig.status !== null && tooBig.status >= 300 && tooBig.status < 500),
      JSON.stringify(tooBig.status ?? tooBig.code)
    )
    Object.assign(antenneConfig.uploads, limits)

    antenneConfig.uploads.stationQuotaBytes = size - 1
    const overQuota = await client
      .post(`/staff/programs/${talk.id}/sounds`)
      .file('file', wav)
      .field('type', 'archive')
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    assert.include(overQuota.flashMessages().problem, 'would take more than')
    Object.assign(antenneConfig.uploads, limits)

    antenneConfig.uploads.maxDurationSeconds = 10
    const tooLong = await client
      .post(`/staff/programs/${talk.id}/sounds`)
      .file('file', wav)
      .field('type', 'archive')
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    assert.include(tooLong.flashMessages().problem, 'longer than')
    Object.assign(antenneConfig.uploads, limits)

    assert.lengthOf(await Sound.query().where('program_id', talk.id), 0)
    assert.deepEqual(
      copiesOf(size).filter((p) => p !== wav),
      []
    )
    // Within the limits, the same file is taken.
    const taken = await client
      .post(`/staff/programs/${talk.id}/sounds`)
      .file('file', wav)
      .field('type', 'archive')
      .withCsrfToken()
      .loginAs(host)
      .redirects(0)
    taken.assertStatus(302)
    assert.lengthOf(await Sound.query().where('program_id', talk.id), 1)
    rmSync(dir, { recursive: true, force: true })
  })

  test('ffprobe answers are judged: no audio stream, no duration, too long', ({ assert }) => {
    assert.deepEqual(
      judgeProbe({ streams: [{ codec_type: 'video' }], format: { duration: '3' } }, 60),
      { ok: false, reason: 'not an audio file' }
    )
    assert.deepEqual(judgeProbe({ streams: [{ codec_type: 'audio' }], format: {} }, 60), {
      ok: false,
      reason: 'an audio file without a readable duration',
    })
    assert.deepEqual(
      judgeProbe({ streams: [{ codec_type: 'audio' }], format: { duration: '3600.5' } }, 3600),
      { ok: false, reason: 'longer than the 60 minutes allowed' }
    )
    assert.deepEqual(
      judgeProbe(
        { streams: [{ codec_type: 'audio', codec_name: 'flac' }], format: { duration: '12.5' } },
        60
      ),
      { ok: true, facts: { duration: 12.5, codec: 'flac' } }
    )
    assert.deepEqual(judgeProbe(null, 60), { ok: false, reason: 'not an audio file' })
  })
})

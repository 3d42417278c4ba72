import { test } from '@japa/runner'
import { ReplyFramer, commandLine, replyError } from '#streamer/telnet'
import {
  encoderFor,
  liq,
  playlistId,
  playlistText,
  requestUri,
  soundGain,
  timeWindow,
} from '#streamer/liquidsoap_script'
import { airingKey, parseStatus, resumePoint } from '#streamer/on_air_status'
import { afterExit, restartDelay } from '#streamer/restart_policy'
import { tcpListenInodes, unixSocketInodes } from '#streamer/zombies'
import { fullConfig } from '#streamer/icecast_config'

test.group('Telnet framing (Liquidsoap 2.1.3 transcripts)', () => {
  test('a reply split across segments is one body, cut at the terminator', ({ assert }) => {
    const framer = new ReplyFramer()
    assert.deepEqual(framer.feed('Liquidsoap 2.1.3'), [])
    assert.deepEqual(framer.feed('\r\nEND\r\n'), ['Liquidsoap 2.1.3'])
  })

  test('pipelined replies come out in order; an empty body is an empty string', ({ assert }) => {
    const framer = new ReplyFramer()
    assert.deepEqual(
      framer.feed('Liquidsoap 2.1.3\r\nEND\r\n0d 00h 01m 39s\r\nEND\r\n\r\nEND\r\n17'),
      ['Liquidsoap 2.1.3', '0d 00h 01m 39s', '']
    )
    assert.equal(framer.pending, '17')
  })

  test('a variable holding "END" does not desynchronise the reader', ({ assert }) => {
    assert.deepEqual(
      new ReplyFramer().feed('Variable station_name set.\r\nEND\r\nEND\r\nEND\r\n'),
      ['Variable station_name set.', 'END']
    )
  })

  test('the goodbye lines (no END) are dropped', ({ assert }) => {
    const framer = new ReplyFramer()
    assert.deepEqual(framer.feed('Connection timed out.. Bye!\r\n'), [])
    assert.equal(framer.pending, '')
  })

  test('commands are one line: empty names, odd names and line breaks are refused', ({
    assert,
  }) => {
    assert.equal(commandLine('request.metadata', '3'), 'request.metadata 3\n')
    assert.equal(commandLine('version'), 'version\n')
    assert.throws(() => commandLine(''), /invalid Liquidsoap command/)
    assert.throws(() => commandLine(' version'), /invalid Liquidsoap command/)
    assert.throws(() => commandLine('dealer.push', '/a.mp3\nmain.skip'), /cannot span lines/)
  })

  test('error replies and sentinels are recognised', ({ assert }) => {
    assert.equal(
      replyError('ERROR: unknown command, type "help" to get a list of commands.'),
      'ERROR: unknown command, type "help" to get a list of commands.'
    )
    assert.equal(replyError('No such request.'), 'No such request.')
    assert.isNull(replyError('rid="3"\non_air="2026/11/21 22:31:32"'))
  })
})

test.group('Liquidsoap script pieces', () => {
  test('strings are escaped, and #{ } cannot interpolate', ({ assert }) => {
    assert.equal(liq('Radio "X"\\'), '"Radio \\"X\\"\\\\"')
    assert.equal(liq('a\nb'), '"a\\nb"')
    assert.equal(liq('pw#{exit(1)}'), '("pw#" ^ "{exit(1)}")')
    assert.equal(liq(null), '""')
  })

  test("playlist ids are Liquidsoap identifiers that never clash with the script's own", ({
    assert,
  }) => {
    assert.equal(playlistId('night-jazz'), 'night_jazz')
    assert.equal(playlistId('dealer'), 'program_dealer')
    assert.equal(playlistId('2night'), '_2night')
    assert.equal(playlistId('output_1'), 'program_output_1')
  })

  test('stream windows become time predicates; a half window is none', ({ assert }) => {
    assert.equal(timeWindow('08:00', '20:30'), '8h00-20h30')
    assert.isNull(timeWindow('08:00', null))
    assert.throws(() => timeWindow('8am', '20:00'), /invalid stream time/)
  })

  test('each output format has its encoder', ({ assert }) => {
    assert.equal(encoderFor({ type: 'icecast', format: 'mp3', bitrate: 128 }), '%mp3(bitrate=128)')
    assert.equal(
      encoderFor({ type: 'icecast', format: 'ogg', bitrate: 96 }),
      '%ogg(%vorbis.cbr(bitrate=96))'
    )
    assert.equal(
      encoderFor({ type: 'file', format: 'opus', bitrate: 64 }),
      '%ffmpeg(format="ogg", %audio(codec="libopus", b="64k", ar=48000, ac=2))'
    )
  })

  test("Icecast's config says UTF-8 for every mount, its fallback, and any mount it has no block for", ({
    assert,
  }) => {
    const xml = fullConfig(
      {
        port: 8000,
        bindAddress: '127.0.0.1',
        hostname: '127.0.0.1',
        sourcePassword: 'pw',
        adminPassword: 'pw',
        dir: '/srv/icecast',
        asRoot: false,
      },
      [{ mount: '/radio.mp3', password: 'pw', format: 'mp3', bitrate: 128, station: 'Radio' }]
    )
    const blocks = [...xml.matchAll(/<mount type="(\w+)">([\s\S]*?)<\/mount>/g)]
    assert.deepEqual(
      blocks.map((b) => [b[1], /<mount-name>(.*)<\/mount-name>/.exec(b[2])?.[1] ?? null]),
      [
        ['default', null],
        ['normal', '/radio.mp3'],
        ['normal', '/radio-fallback.mp3'],
      ]
    )
    assert.isTrue(blocks.every((b) => b[2].includes('<charset>UTF-8</charset>')))
  })

  test('the gain reaches the target loudness, keeps the true peak under -1 dBTP, and is capped', ({
    assert,
  }) => {
    assert.equal(soundGain({ loudness: -20, truePeak: -8 }, -16), 4)
    assert.equal(soundGain({ loudness: -20, truePeak: -3 }, -16), 2)
    assert.equal(soundGain({ loudness: -10, truePeak: 0 }, -16), -6)
    assert.equal(soundGain({ loudness: -60, truePeak: -40 }, -16), 12)
    assert.isNull(soundGain({ loudness: null, truePeak: null }, -16))
  })

  test('playlists list absolute paths, annotated with the gain when measured', ({ assert }) => {
    assert.equal(
      playlistText(
        [
          { path: '/a b/é.ogg', loudness: null, truePeak: null },
          { path: '/x.mp3', loudness: -19, truePeak: -6 },
        ],
        -16
      ),
      '#EXTM3U\n/a b/é.ogg\nannotate:liq_amplify="3 dB":/x.mp3\n'
    )
    assert.equal(
      requestUri('/x.mp3', { antenne_diffusion: 4, liq_cue_in: '12.500' }),
      'annotate:antenne_diffusion="4",liq_cue_in="12.500":/x.mp3'
    )
  })
})

test.group('On-air status', () => {
  const line =
    '{"outputs":[["output_1",true]],"live":false,"dealer_gate":1795300400.5,"dealer_queue":1,"remaining":19.5,"resumed":"","diffusion":"42","first_on_air":1795300366.43,"on_air_timestamp":"1795300366.00","filename":"/m/a.mp3","uri":"annotate:antenne_diffusion=\\"42\\":/m/a.mp3","source":"dealer","rid":"3","active":"dealer_gate","now":1795300366.93,"started":1795300300.25}'

  test('the JSON line is read with ms times and the dealer branch named', ({ assert }) => {
    const status = parseStatus(line)
    assert.equal(status.active, 'dealer')
    assert.equal(status.firstOnAir, 1795300366430)
    assert.equal(status.started, 1795300300250)
    assert.equal(status.diffusionId, 42)
    assert.equal(status.dealerGate, 1795300400500)
    assert.deepEqual(status.outputs, { output_1: true })
    assert.equal(airingKey(status), '1795300300250:3')
  })

  test('silence and live: no request, no diffusion, unknown remaining', ({ assert }) => {
    const status = parseStatus(
      '{"started":1.5,"now":2,"active":"live","rid":"","diffusion":"","first_on_air":0.0,"remaining":-1.0,"live":true,"outputs":[]}'
    )
    assert.isNull(status.diffusionId)
    assert.isNull(status.firstOnAir)
    assert.isNull(status.remaining)
    assert.isTrue(status.live)
  })

  test('a reply that is not the status is a clear error', ({ assert }) => {
    assert.throws(
      () => parseStatus('ERROR: unknown command, type "help" to get a list of commands.'),
      /did not answer JSON/
    )
    assert.throws(() => parseStatus('[]'), /unexpected object/)
  })

  test('a diffusion resumes in the right sound at the right offset', ({ assert }) => {
    const sounds = [
      { path: '/a', duration: 600 },
      { path: '/b', duration: 1200 },
    ]
    assert.deepEqual(resumePoint(sounds, 30), { index: 0, offset: 30 })
    assert.deepEqual(resumePoint(sounds, 700), { index: 1, offset: 100 })
    assert.isNull(resumePoint(sounds, 1800))
    assert.deepEqual(resumePoint([{ path: '/a', duration: null }], 42), { index: 0, offset: 42 })
  })
})

test.group('Supervision', () => {
  test('a script that ran fine is restarted at once, then within 2 s however often it crashes', ({
    assert,
  }) => {
    let state = { attempt: 0, proven: true }
    const delays: number[] = []
    for (let i = 0; i < 8; i++) {
      state = afterExit(state, 3000)
      delays.push(restartDelay(state))
      state = { ...state, attempt: state.attempt + 1 }
    }
    assert.deepEqual(delays, [0, 250, 500, 1000, 2000, 2000, 2000, 2000])
  })

  test('10 s of stable run resets the count: the next crash restarts at once', ({ assert }) => {
    const crashed = { attempt: 4, proven: true }
    assert.equal(restartDelay(afterExit(crashed, 9_999)), 2000)
    assert.equal(restartDelay(afterExit(crashed, 10_000)), 0)
  })

  test('a script that never came up is retried slower, from 2 s to 30 s, and a long run does not reset it', ({
    assert,
  }) => {
    const delays = [0, 1, 2, 3, 4, 9].map((attempt) =>
      restartDelay(afterExit({ attempt, proven: false }, 60_000))
    )
    assert.deepEqual(delays, [2000, 4000, 8000, 16_000, 30_000, 30_000])
  })

  test('the holders of a socket or a listening port are found in /proc tables', ({ assert }) => {
    const unix =
      'Num       RefCount Protocol Flags    Type St Inode Path\n' +
      '0000000000000000: 00000002 00000000 00010000 0001 01 31337 /srv/antenne/demo/station.sock\n' +
      '0000000000000000: 00000002 00000000 00010000 0001 01 31338 /srv/antenne/other/station.sock\n'
    assert.deepEqual(unixSocketInodes(unix, '/srv/antenne/demo/station.sock'), ['31337'])
    const tcp =
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      '   0: 0100007F:1F45 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n' +
      '   1: 0100007F:1F45 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 100 0 0 10 0\n'
    assert.deepEqual(tcpListenInodes(tcp, 8005), ['4242'])
    assert.deepEqual(tcpListenInodes(tcp, 8000), [])
  })
})

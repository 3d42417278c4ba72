import { test } from '@japa/runner'
import { parseSoundFileName, isSoundFile } from '#library/sound_file_name'
import { parseTracklistCsv } from '#library/tracklist_csv'
import { AudioAnalyzer } from '#library/audio_analysis'
import { qualityReasons, type QualityInput } from '#library/sound_quality'
import { sniffFormat, extensionMatches } from '#library/sound_metadata'

const SETTINGS = { sampleLength: 120, silenceThreshold: -60, minSilence: 10 }

/** Interleaved frames of `seconds` at `rate`, from a function of (time, channel). */
function signal(
  rate: number,
  channels: number,
  seconds: number,
  at: (t: number, c: number, n: number) => number
) {
  const frames = Math.round(rate * seconds)
  const out = new Float32Array(frames * channels)
  for (let n = 0; n < frames; n++)
    for (let c = 0; c < channels; c++) out[n * channels + c] = at(n / rate, c, n)
  return out
}

function analyse(rate: number, channels: number, samples: Float32Array, chunk = 4096) {
  const analyzer = new AudioAnalyzer(rate, channels, SETTINGS)
  // Odd chunk sizes: filter state and true-peak history must carry across chunks.
  for (let i = 0; i < samples.length; i += chunk * channels)
    analyzer.feed(samples.subarray(i, i + chunk * channels))
  return analyzer.result()
}

test.group('Sound file names (Aircox: yyyymmdd[_HHhMM][_n][_]name.ext)', () => {
  test('{name} gives date {date}, time {time}, name "{display}"')
    .with([
      {
        name: '20261123_08h00_morning_talk.ogg',
        date: [2026, 11, 23],
        time: [8, 0],
        display: 'morning talk',
        number: null,
      },
      {
        name: '20261123_2_part_two.mp3',
        date: [2026, 11, 23],
        time: null,
        display: 'part two',
        number: 2,
      },
      {
        name: '20261123news.flac',
        date: [2026, 11, 23],
        time: null,
        display: 'news',
        number: null,
      },
      {
        name: '20261123_19h30.mp3',
        date: [2026, 11, 23],
        time: [19, 30],
        display: '20261123 19h30',
        number: null,
      },
      { name: 'les_ondes.ogg', date: null, time: null, display: 'les ondes', number: null },
      { name: '20261399_x.ogg', date: null, time: null, display: '20261399 x', number: null },
    ])
    .run(({ assert }, row) => {
      const parsed = parseSoundFileName(`/srv/programs/x/archives/${row.name}`)
      assert.deepEqual(
        parsed.date && [parsed.date.year, parsed.date.month, parsed.date.day],
        row.date
      )
      assert.deepEqual(parsed.time && [parsed.time.hour, parsed.time.minute], row.time)
      assert.equal(parsed.name, row.display)
      assert.equal(parsed.number, row.number)
    })

  test('only audio extensions are sounds, whatever their case', ({ assert }) => {
    assert.isTrue(isSoundFile('a.MP3'))
    assert.isTrue(isSoundFile('a.m4a'))
    assert.isFalse(isSoundFile('a.csv'))
    assert.isFalse(isSoundFile('a.mp3.part'))
  })
})

test.group('Tracklist CSV (Aircox: artist;title;minutes;seconds;tags;info)', () => {
  test('a BOM, comments, blank lines, quotes and missing fields are read as Aircox does', ({
    assert,
  }) => {
    const rows = parseTracklistCsv(
      '\uFEFF# artist;title;minutes;seconds;tags;info\n\nSignal Clair;Ouverture;0;0;demo;\n"The ""Relays""";"Night; Bus";1;05;;live version\r\nModulation;Coda\n'
    )
    assert.deepEqual(rows, [
      {
        line: 3,
        artist: 'Signal Clair',
        title: 'Ouverture',
        timestamp: 0,
        tags: 'demo',
        info: null,
      },
      {
        line: 4,
        artist: 'The "Relays"',
        title: 'Night; Bus',
        timestamp: 65,
        tags: null,
        info: 'live version',
      },
      { line: 5, artist: 'Modulation', title: 'Coda', timestamp: null, tags: null, info: null },
    ])
  })

  test('a malformed line gets an error naming the line: {why}')
    .with([
      {
        why: 'minutes not a number',
        text: 'a;b;0;0\nx;y;one;2\n',
        error: /line 2: minutes must be a whole number, not "one"/,
      },
      {
        why: 'no title',
        text: '# c\nartist only\n',
        error: /line 2: the title \(second field\) is empty/,
      },
      {
        why: 'an unclosed quote',
        text: 'a;"b;0;0\n',
        error: /line 1: a quoted field is not closed/,
      },
      {
        why: 'too many fields',
        text: 'a;b;0;0;t;i;extra\n',
        error: /line 1: 7 fields, expected at most 6/,
      },
      {
        why: 'seconds over 59',
        text: 'a;b;1;75\n',
        error: /line 1: seconds must be under 60, not 75/,
      },
    ])
    .run(({ assert }, row) => {
      assert.throws(() => parseTracklistCsv(row.text), row.error)
    })
})

test.group('Audio analysis (BS.1770-4 loudness, true peak, silences, clipping)', () => {
  test('a 1 kHz sine at -20 dBFS on both channels measures -20 LUFS, LRA 0, true peak -20 dBTP', ({
    assert,
  }) => {
    const a = 10 ** (-20 / 20)
    const result = analyse(
      48000,
      2,
      signal(48000, 2, 10, (t) => a * Math.sin(2 * Math.PI * 1000 * t))
    )
    assert.closeTo(result.loudness!, -20, 0.1)
    assert.closeTo(result.loudnessRange!, 0, 0.1)
    assert.closeTo(result.truePeak!, -20, 0.1)
    assert.closeTo(result.rmsLevel!, -23.01, 0.05)
    assert.equal(result.duration, 10)
  })

  test('mono counts as one channel (-3 dB against the same sine on two)', ({ assert }) => {
    const result = analyse(
      44100,
      1,
      signal(44100, 1, 5, (t) => 0.1 * Math.sin(2 * Math.PI * 1000 * t))
    )
    assert.closeTo(result.loudness!, -23.0, 0.1)
  })

  test('true peak finds the peak between samples (a quarter-rate sine sampled at ±45°)', ({
    assert,
  }) => {
    // Every sample is at ±0.707 of the amplitude: the sample peak is 3 dB under the true one.
    const result = analyse(
      44100,
      1,
      signal(44100, 1, 2, (_t, _c, n) => 0.5 * Math.sin((Math.PI / 2) * n + Math.PI / 4))
    )
    assert.closeTo(result.samplePeak!, 20 * Math.log10(0.5 * Math.SQRT1_2), 0.05)
    assert.closeTo(result.truePeak!, 20 * Math.log10(0.5), 0.3)
  })

  test('a silence longer than the minimum is reported where it is; silence alone has no loudness', ({
    assert,
  }) => {
    const tone = (t: number) => (t < 3 || t >= 15 ? 0.3 * Math.sin(2 * Math.PI * 440 * t) : 0)
    const result = analyse(48000, 2, signal(48000, 2, 18, tone))
    assert.deepEqual(result.silences, [{ at: 3, length: 12 }])
    const silent = analyse(48000, 2, new Float32Array(48000 * 2 * 3))
    assert.isNull(silent.loudness)
    assert.isNull(silent.rmsLevel)
  })

  test('a full-scale square wave is clipped; a sine at -1 dBFS is not', ({ assert }) => {
    const square = analyse(
      48000,
      1,
      signal(48000, 1, 1, (t) => (Math.sin(2 * Math.PI * 100 * t) >= 0 ? 1 : -1))
    )
    assert.isAbove(square.clippedRuns, 150)
    const sine = analyse(
      48000,
      1,
      signal(48000, 1, 1, (t) => 0.89 * Math.sin(2 * Math.PI * 100 * t))
    )
    assert.equal(sine.clippedRuns, 0)
  })

  test('RMS levels are given per sample of the set length, a short tail joining no judgement', ({
    assert,
  }) => {
    const analyzer = new AudioAnalyzer(8000, 1, { ...SETTINGS, sampleLength: 2 })
    analyzer.feed(signal(8000, 1, 5, (t) => (t < 2 ? 0.5 : 0.05) * Math.sin(2 * Math.PI * 440 * t)))
    const levels = analyzer.result().sampleRmsLevels
    assert.deepEqual(
      levels.map((l) => l.at),
      [0, 2, 4]
    )
    assert.closeTo(levels[0].level!, -9.03, 0.1)
    assert.closeTo(levels[1].level!, -29.03, 0.1)
  })
})

test.group('Quality verdict', () => {
  const settings = {
    rmsRange: [-32, -6] as [number, number],
    sampleLength: 120,
    silenceThreshold: -60,
    maxSilence: 10,
    maxClippedRuns: 20,
    minSampleRate: 32000,
    minBitrate: 96,
  }
  const analysis = {
    duration: 300,
    loudness: -16,
    loudnessRange: 5,
    truePeak: -1,
    samplePeak: -1.2,
    rmsLevel: -18,
    sampleRmsLevels: [
      { at: 0, level: -18 },
      { at: 120, level: -19 },
      { at: 240, level: -17 },
    ],
    silences: [],
    clippedRuns: 0,
  }
  const input: QualityInput = {
    analysis,
    decodeErrors: [],
    duration: 300,
    sampleRate: 44100,
    bitrate: 192_000,
    lossless: false,
    mislabelled: null,
  }

  test('a clean file has no reason', ({ assert }) => {
    assert.deepEqual(qualityReasons(input, settings), [])
  })

  test('each fault is named in words a scheduler can act on', ({ assert }) => {
    const reasons = qualityReasons(
      {
        ...input,
        analysis: {
          ...analysis,
          duration: 200,
          rmsLevel: -40,
          sampleRmsLevels: [
            { at: 0, level: -18 },
            { at: 120, level: -45 },
          ],
          silences: [{ at: 130, length: 25 }],
          clippedRuns: 40,
        },
        decodeErrors: ['Header missing', 'Invalid data'],
        sampleRate: 22050,
        bitrate: 64_000,
        mislabelled: 'mislabelled: the content is wav, the name says .mp3',
      },
      settings
    )
    assert.deepEqual(reasons, [
      'mislabelled: the content is wav, the name says .mp3',
      'decode errors: Header missing (and 1 more)',
      'truncated: 3:20 of audio, the header says 5:00',
      'whole file: RMS level -40.0 dB, under -32 dB',
      'sample at 2:00: RMS level -45.0 dB, under -32 dB',
      'silence of 25.0 s at 2:10',
      'clipping: 40 runs of full-scale samples',
      'sample rate 22050 Hz, under 32000 Hz',
      'bitrate 64 kbit/s, under 96 kbit/s',
    ])
  })

  test('an undecodable file says why; a lossless file has no bitrate minimum', ({ assert }) => {
    assert.deepEqual(
      qualityReasons(
        { ...input, analysis: null, decodeErrors: ['Invalid data found when processing input'] },
        settings
      ),
      ['cannot decode: Invalid data found when processing input']
    )
    assert.deepEqual(qualityReasons({ ...input, bitrate: 64_000, lossless: true }, settings), [])
  })
})

test.group('File formats from their first bytes', () => {
  test('{format} is recognised and matched against extensions')
    .with([
      { format: 'mp3', head: Buffer.from('ID3\x04\x00', 'latin1'), good: 'a.mp3', bad: 'a.ogg' },
      { format: 'mp3', head: Buffer.from([0xff, 0xfb, 0x90, 0x00]), good: 'a.MP3', bad: 'a.wav' },
      { format: 'ogg', head: Buffer.from('OggS\x00', 'latin1'), good: 'a.opus', bad: 'a.flac' },
      { format: 'flac', head: Buffer.from('fLaC\x00', 'latin1'), good: 'a.flac', bad: 'a.mp3' },
      {
        format: 'wav',
        head: Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ', 'latin1'),
        good: 'a.wav',
        bad: 'a.mp3',
      },
      {
        format: 'mp4',
        head: Buffer.from('\x00\x00\x00\x20ftypM4A ', 'latin1'),
        good: 'a.m4a',
        bad: 'a.mp3',
      },
    ])
    .run(({ assert }, row) => {
      assert.equal(sniffFormat(row.head), row.format)
      assert.isTrue(extensionMatches(row.good, row.format as any))
      assert.isFalse(extensionMatches(row.bad, row.format as any))
    })

  test('text is no audio format', ({ assert }) => {
    assert.isNull(sniffFormat(Buffer.from('this is not audio\n')))
  })
})

/*
| npm run bench:images — what storing an uploaded picture costs. Prints,
| asserts nothing. Each case runs in a child process of its own so that its
| peak RSS (getrusage's maxrss) is its own:
|
| - png16: a 7000 × 7000 16-bit RGBA interlaced PNG (about 600 KB), the
|   picture that once took 10 s and 1.3 GB;
| - png16x2: two different ones uploaded at once;
| - phone: an 8000 × 6000 JPEG (a 48 MP phone photo), which must be kept.
|
| BENCH_NO_BYTE_LIMIT=1 lifts the limit on decoded bytes (which refuses the
| PNGs) to show what decoding once, one picture at a time, costs them.
| Runs on SQLite in tmp/bench-images/ (about a minute).
*/
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { benchWorkspace, bootApp } from './boot.js'

const CASES = ['png16', 'png16x2', 'phone'] as const
const which = process.argv[2] as (typeof CASES)[number] | undefined

if (!which) {
  for (const name of CASES) {
    const out = execFileSync(
      process.execPath,
      ['--import=ts-node-maintained/register/esm', fileURLToPath(import.meta.url), name],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
    )
    process.stdout.write(out)
  }
  process.exit(0)
}

const work = await benchWorkspace(`bench-images-${which}`)
process.env.ANTENNE_IMAGES_DIR = join(work, 'images')
const app = await bootApp()
const { storeImage } = await import('#images/image_store')
// BENCH_NO_BYTE_LIMIT=1: what decoding once, one picture at a time, costs without the refusal.
if (process.env.BENCH_NO_BYTE_LIMIT) {
  const { default: antenneConfig } = await import('#config/antenne')
  antenneConfig.images.maxDecodedBytes = Number.POSITIVE_INFINITY
}

async function png16(path: string, red: number) {
  await sharp({
    create: {
      width: 7000,
      height: 7000,
      channels: 4,
      background: { r: red, g: 0, b: 0, alpha: 1 },
    },
  })
    .toColourspace('rgb16')
    .png({ progressive: true, compressionLevel: 9 })
    .toFile(path)
  return path
}

const inputs =
  which === 'phone'
    ? [
        await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#336699' } })
          .jpeg({ quality: 90 })
          .toFile(join(work, 'phone.jpg'))
          .then(() => join(work, 'phone.jpg')),
      ]
    : which === 'png16x2'
      ? [await png16(join(work, 'a.png'), 1), await png16(join(work, 'b.png'), 2)]
      : [await png16(join(work, 'a.png'), 1)]

const before = process.resourceUsage().maxRSS
const started = process.hrtime.bigint()
const outcomes = await Promise.all(
  inputs.map((input) =>
    storeImage(input).then(
      () => 'stored',
      (error: Error) => `refused (${error.message})`
    )
  )
)
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const peak = process.resourceUsage().maxRSS
console.log(
  `${which.padEnd(8)} ${seconds.toFixed(2)} s, peak RSS ${(peak / 1024).toFixed(0)} MB ` +
    `(+${((peak - before) / 1024).toFixed(0)} MB): ${outcomes.join(', ')}`
)
await app.terminate()

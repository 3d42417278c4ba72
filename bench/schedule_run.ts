import { performance } from 'node:perf_hooks'
import { bootApp } from './boot.js'

const app = await bootApp()

await app.start(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { DiffusionGenerator } = await import('#scheduling/diffusion_generator')
  const { FREQUENCIES, nextMonth } = await import('#scheduling/recurrence')

  await ace.exec('migration:fresh', ['--force'])
  const connection = db.connection().dialect.name

  async function fill(mixed: boolean) {
    await db.from('stations').delete()
    // 20 stations of 50 programs, one schedule each (and a rerun for one in
    // five mixed ones), spread over the week and the day.
    const stamp = '2027-01-01 00:00:00'
    for (let s = 0; s < 20; s++) {
      const [stationId] = await db.table('stations').insert({
        name: `Bench ${s}`,
        slug: `bench-${s}`,
        timezone: s % 2 ? 'Europe/Brussels' : 'America/New_York',
        is_default: s === 0,
        active: true,
        created_at: stamp,
        updated_at: stamp,
      })
      for (let p = 0; p < 50; p++) {
        const [programId] = await db.table('programs').insert({
          station_id: stationId,
          title: `Program ${s}-${p}`,
          slug: `program-${p}`,
          active: true,
          created_at: stamp,
          updated_at: stamp,
        })
        const day = String(4 + (p % 7)).padStart(2, '0') // 2027-01-04 is a Monday
        const hour = String(6 + Math.floor(p / 7) * 2).padStart(2, '0')
        const frequency = mixed ? FREQUENCIES[1 + (p % (FREQUENCIES.length - 1))] : 'every'
        const [scheduleId] = await db.table('schedules').insert({
          program_id: programId,
          date: `2027-01-${day}`,
          time: `${hour}:00`,
          timezone: s % 2 ? 'Europe/Brussels' : 'America/New_York',
          duration: 60,
          frequency,
          created_at: stamp,
          updated_at: stamp,
        })
        if (mixed && p % 5 === 0) {
          await db.table('schedules').insert({
            program_id: programId,
            initial_id: scheduleId,
            date: `2027-01-${String(Number(day) + 1).padStart(2, '0')}`,
            time: '23:00',
            timezone: s % 2 ? 'Europe/Brussels' : 'America/New_York',
            duration: 60,
            frequency,
            created_at: stamp,
            updated_at: stamp,
          })
        }
      }
    }
  }

  async function year() {
    const generator = new DiffusionGenerator()
    let month = { year: 2027, month: 1 }
    let created = 0
    const started = performance.now()
    for (let i = 0; i < 12; i++) {
      const results = await generator.apply(await generator.plan({ month }))
      created += results.reduce((n, r) => n + r.created + r.reruns, 0)
      month = nextMonth(month)
    }
    return { created, seconds: (performance.now() - started) / 1000 }
  }

  for (const mixed of [false, true]) {
    await fill(mixed)
    const first = await year()
    const again = await year()
    const label = mixed ? '1,000 mixed schedules (+200 reruns)' : '1,000 weekly schedules'
    console.log(
      `${connection.padEnd(8)} ${label.padEnd(36)} 12 months: ${String(first.created).padStart(6)} diffusions ` +
        `in ${first.seconds.toFixed(2)} s (${Math.round(first.created / first.seconds)}/s); ` +
        `idempotent re-run: ${again.created} created in ${again.seconds.toFixed(2)} s`
    )
  }
})
await app.terminate()

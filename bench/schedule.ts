/*
| npm run bench:schedule — generation speed of `diffusions --update`.
|
| For each database (SQLite, then MariaDB/MySQL), in a database of its own:
| 1,000 weekly schedules for 12 months (about 52k diffusions), then 1,000
| schedules of mixed frequencies with reruns; each followed by an idempotent
| re-run of the same 12 months. Prints figures; asserts nothing.
| Goals: 52k diffusions under 5 s, the re-run under 2 s, on either database.
*/
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))

if (process.env.ANTENNE_BENCH_CHILD) {
  await import('./schedule_run.js')
} else {
  const targets = [
    { DB_CONNECTION: 'sqlite', SQLITE_PATH: 'tmp/bench.sqlite3' },
    {
      DB_CONNECTION: 'mysql',
      MYSQL_USER: process.env.MYSQL_USER ?? 'antenne',
      MYSQL_PASSWORD: process.env.MYSQL_PASSWORD ?? 'antenne',
      MYSQL_DB_NAME: 'antenne_bench',
    },
  ]
  for (const target of targets) {
    if (target.DB_CONNECTION === 'mysql') {
      const prepared = spawnSync('bash', ['bin/prepare-mysql'], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, ...target },
      })
      if (prepared.status !== 0) {
        console.log('MariaDB/MySQL unavailable: skipped')
        continue
      }
    }
    spawnSync(process.execPath, ['--import=ts-node-maintained/register/esm', 'bench/schedule.ts'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...target, ANTENNE_BENCH_CHILD: '1', LOG_LEVEL: 'warn' },
    })
  }
}

import { test } from '@japa/runner'
import {
  ResourceWatcher,
  type DiskSample,
  type ResourceSample,
  type WatchThresholds,
} from '#events/resource_watcher'

const GiB = 1024 ** 3
const THRESHOLDS: WatchThresholds = {
  memoryPercent: 50,
  memoryOverloadPercent: 80,
  loadPerCore: 1.5,
  diskFreePercent: 10,
  clearMargin: 5,
}

/** A sample with memory `usedPercent` % used of 16 GiB, an idle 4-core machine and no disk. */
function sample(usedPercent: number | null, extra: Partial<ResourceSample> = {}): ResourceSample {
  const total = 16 * GiB
  return {
    memory:
      usedPercent === null
        ? null
        : { total, available: Math.round(total * (1 - usedPercent / 100)) },
    load: { averages: [0.1, 0.1, 0.1], cores: 4 },
    disks: [],
    ...extra,
  }
}

/** Runs a sequence through one watcher: per sample, the events it raised as short strings. */
function run(samples: ResourceSample[], thresholds = THRESHOLDS) {
  const watcher = new ResourceWatcher(thresholds)
  return samples.map((s) =>
    watcher.observe(s).map((e) => {
      const tags: string[] = [e.type]
      if (e.payload.cleared) tags.push('cleared')
      if (Array.isArray(e.payload.groups)) tags.push(...e.payload.groups)
      // A level of its own (the type's otherwise): critical overloads, quiet ends.
      if (e.level) tags.push(`(${e.level})`)
      return tags.join(' ')
    })
  )
}

const memory = (...percents: number[]) => run(percents.map((p) => sample(p)))
const load = (...fiveMinute: number[]) =>
  run(fiveMinute.map((l) => sample(30, { load: { averages: [l, l, l], cores: 4 } })))
const disk = (freePercents: number[], device = 'sda1'): DiskSample[] =>
  freePercents.map((p) => ({
    device,
    folders: [{ name: 'programs', path: '/srv/antenne/programs' }],
    total: 100 * GiB,
    free: p * GiB,
  }))

test.group('Resource watcher: memory', () => {
  test('under half the memory used nothing is said', ({ assert }) => {
    assert.deepEqual(memory(10, 30, 49.9, 50), [[], [], [], []])
  })

  test('over half: one memory_usage, then silence while it stays high', ({ assert }) => {
    assert.deepEqual(memory(40, 55, 60, 70, 52, 79), [[], ['memory_usage'], [], [], [], []])
  })

  test('it clears only 5 points under the threshold, and can then be raised again', ({
    assert,
  }) => {
    assert.deepEqual(memory(55, 48, 46, 44, 47, 51), [
      ['memory_usage'],
      [],
      [],
      ['memory_usage cleared (info)'],
      [],
      ['memory_usage'],
    ])
  })

  test('hovering around the threshold does not flap', ({ assert }) => {
    const events = memory(49, 51, 49, 51, 49, 51, 46, 51).flat()
    assert.deepEqual(events, ['memory_usage'])
  })

  test('over 80 % it is raised again in the group system_overloaded, once', ({ assert }) => {
    assert.deepEqual(memory(60, 85, 90, 78, 82), [
      ['memory_usage'],
      ['memory_usage system_overloaded (critical)'],
      [],
      [],
      [],
    ])
  })

  test('back under 75 % the overload is over: crossing 80 % again raises it again', ({
    assert,
  }) => {
    assert.deepEqual(memory(85, 70, 81, 30), [
      ['memory_usage system_overloaded (critical)'],
      [],
      ['memory_usage system_overloaded (critical)'],
      ['memory_usage cleared (info)'],
    ])
  })

  test('the payload has used, total, available (bytes) and the used percent', ({ assert }) => {
    const watcher = new ResourceWatcher(THRESHOLDS)
    const [event] = watcher.observe({
      memory: { total: 8000, available: 1000 },
      load: { averages: [0, 0, 0], cores: 1 },
      disks: [],
    })
    assert.deepEqual(event, {
      type: 'memory_usage',
      level: 'critical',
      payload: {
        used: 7000,
        total: 8000,
        available: 1000,
        used_percent: 87.5,
        threshold_percent: 80,
        groups: ['system_overloaded'],
      },
    })
  })

  test('a machine without /proc/meminfo is not watched for memory', ({ assert }) => {
    assert.deepEqual(run([sample(null), sample(null)]), [[], []])
  })

  test('a lowered threshold (1 %) raises on the first sample, once', ({ assert }) => {
    assert.deepEqual(
      run([sample(20), sample(20), sample(21)], { ...THRESHOLDS, memoryPercent: 1 }),
      [['memory_usage'], [], []]
    )
  })
})

test.group('Resource watcher: load', () => {
  test('the 5-minute load per core over the threshold raises load_high once', ({ assert }) => {
    // 4 cores: 6.0 is 1.5 per core (not over), 6.4 is 1.6.
    assert.deepEqual(load(2, 6, 6.4, 8, 7), [[], [], ['load_high'], [], []])
  })

  test('it clears under 95 % of the threshold (1.425 per core), not before', ({ assert }) => {
    assert.deepEqual(load(8, 5.9, 5.8, 5.6, 5.9, 6.5), [
      ['load_high'],
      [],
      [],
      ['load_high cleared (info)'],
      [],
      ['load_high'],
    ])
  })

  test('a spike of the 1-minute average alone raises nothing', ({ assert }) => {
    const watcher = new ResourceWatcher(THRESHOLDS)
    assert.deepEqual(watcher.observe(sample(30, { load: { averages: [20, 2, 1], cores: 4 } })), [])
  })

  test('the payload has the three averages, the cores and the load per core', ({ assert }) => {
    const watcher = new ResourceWatcher(THRESHOLDS)
    const [event] = watcher.observe(sample(30, { load: { averages: [9, 8, 4.5], cores: 4 } }))
    assert.deepEqual(event.payload, {
      load_1m: 9,
      load_5m: 8,
      load_15m: 4.5,
      cores: 4,
      per_core: 2,
      threshold_per_core: 1.5,
    })
  })
})

test.group('Resource watcher: disks', () => {
  const disks = (...freePercents: number[]) =>
    run(disk(freePercents).map((d) => sample(30, { disks: [d] })))

  test('under 10 % free disk_low is raised once, cleared over 15 %', ({ assert }) => {
    assert.deepEqual(disks(40, 9, 5, 12, 14, 16, 11, 8), [
      [],
      ['disk_low'],
      [],
      [],
      [],
      ['disk_low cleared (info)'],
      [],
      ['disk_low'],
    ])
  })

  test('each file system has its own alarm', ({ assert }) => {
    const watcher = new ResourceWatcher(THRESHOLDS)
    const [a] = disk([5], 'sda1')
    const [b] = disk([50], 'sdb1')
    const [bLow] = disk([3], 'sdb1')
    const types = (s: ResourceSample) =>
      watcher.observe(s).map((e) => `${e.type} ${(e.payload.folders as any[]).length}`)
    assert.deepEqual(types(sample(30, { disks: [a, b] })), ['disk_low 1'])
    assert.deepEqual(types(sample(30, { disks: [a, bLow] })), ['disk_low 1'])
    assert.deepEqual(types(sample(30, { disks: [a, bLow] })), [])
    assert.deepEqual(watcher.raised.disks, ['sda1', 'sdb1'])
  })

  test('the payload names the folders on the disk, with free and total bytes', ({ assert }) => {
    const watcher = new ResourceWatcher(THRESHOLDS)
    const [event] = watcher.observe(
      sample(30, {
        disks: [
          {
            device: '2049',
            folders: [
              { name: 'programs', path: '/srv/p' },
              { name: 'database', path: '/srv/db' },
            ],
            total: 1000,
            free: 42,
          },
        ],
      })
    )
    assert.deepEqual(event, {
      type: 'disk_low',
      payload: {
        folders: [
          { name: 'programs', path: '/srv/p' },
          { name: 'database', path: '/srv/db' },
        ],
        free: 42,
        total: 1000,
        free_percent: 4.2,
        threshold_percent: 10,
      },
    })
  })
})

test.group('Resource watcher: together', () => {
  test('memory, load and disk alarms are independent of each other', ({ assert }) => {
    const [low] = disk([2])
    const busy = { averages: [9, 9, 9] as [number, number, number], cores: 4 }
    assert.deepEqual(
      run([
        sample(60, { load: busy, disks: [low] }),
        sample(20, { load: busy, disks: [low] }),
        sample(20, { disks: [low] }),
      ]),
      [
        ['memory_usage', 'load_high', 'disk_low'],
        ['memory_usage cleared (info)'],
        ['load_high cleared (info)'],
      ]
    )
  })
})

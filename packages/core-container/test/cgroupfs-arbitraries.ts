// Random valid values for every interface file, keyed by file name so that a file added to the
// registry without an arbitrary here fails to compile.
import { NICE_TO_WEIGHT } from '@strata/core-scheduler';
import type { Bytes, Micros } from '@strata/shared-types';
import fc from 'fast-check';
import { CGROUP_CONTROLLERS, PAGE_COUNTER_MAX_PAGES, PAGE_SIZE, type CgroupFileValues, type IoLimits, type MemoryLimit } from '../src/index.ts';
import { CONTEXT } from './write-helpers.ts';

const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const bytes = count.map((n) => n as Bytes);
const device = fc.constantFrom(...CONTEXT.blockDevices);

/** Any limit the kernel can hold: whole pages below PAGE_COUNTER_MAX (beyond 2^53 too), or "max". */
const memoryLimit: fc.Arbitrary<MemoryLimit> = fc.oneof(
  fc.constant('max' as const),
  fc.nat({ max: PAGE_COUNTER_MAX_PAGES - 1 }).map((pages) => (pages * PAGE_SIZE) as Bytes),
  fc.nat({ max: 1 << 20 }).map((pages) => (pages * PAGE_SIZE) as Bytes),
);

const subset = <T>(items: readonly T[]) => fc.subarray([...items]);

const ioLimits: fc.Arbitrary<IoLimits> = fc
  .record({
    rbps: fc.oneof(fc.constant('max' as const), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
    wbps: fc.oneof(fc.constant('max' as const), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
    riops: fc.oneof(fc.constant('max' as const), fc.integer({ min: 1, max: 4_294_967_294 })),
    wiops: fc.oneof(fc.constant('max' as const), fc.integer({ min: 1, max: 4_294_967_294 })),
  })
  .filter((l) => Object.values(l).some((v) => v !== 'max'));

function stat<K extends string>(keys: readonly K[]): fc.Arbitrary<Record<K, number>> {
  const fields = Object.fromEntries(keys.map((k) => [k, count])) as Record<K, fc.Arbitrary<number>>;
  return fc.record(fields) as fc.Arbitrary<Record<K, number>>;
}

/** One arbitrary per file, of values that file can hold. */
export const FILE_VALUES: { readonly [N in keyof CgroupFileValues]: fc.Arbitrary<CgroupFileValues[N]> } = {
  'cgroup.controllers': subset(CGROUP_CONTROLLERS),
  'cgroup.subtree_control': subset(CGROUP_CONTROLLERS),
  'cgroup.events': fc.record({ populated: fc.boolean(), frozen: fc.boolean() }),
  'cgroup.freeze': fc.boolean(),
  // Load weights a cpu.weight write can produce: round(w × 1024 / 100) for w in 1..10000.
  'cpu.weight': fc.integer({ min: 1, max: 10_000 }).map((w) => Math.floor((w * 1024 + 50) / 100)),
  'cpu.weight.nice': fc.constantFrom(...NICE_TO_WEIGHT),
  'cpu.max': fc.record({
    quota: fc.option(fc.integer({ min: 1000, max: 17_592_186_044_415 }).map((q) => q as Micros), { nil: null }),
    period: fc.integer({ min: 1000, max: 1_000_000 }).map((p) => p as Micros),
  }),
  'cpu.stat': fc.oneof(
    stat(['usage_usec', 'user_usec', 'system_usec'] as const),
    stat(['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec', 'nr_bursts', 'burst_usec'] as const),
    stat(['usage_usec', 'user_usec', 'system_usec', 'core_sched.force_idle_usec'] as const),
  ),
  'cpuset.cpus': subset([...Array(CONTEXT.cpus).keys()]),
  'cpuset.mems': subset([...Array(CONTEXT.memoryNodes).keys()]),
  'memory.current': bytes,
  'memory.min': memoryLimit,
  'memory.low': memoryLimit,
  'memory.high': memoryLimit,
  'memory.max': memoryLimit,
  'memory.peak': bytes,
  'memory.oom.group': fc.boolean(),
  'memory.events': fc.oneof(
    stat(['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill'] as const),
    stat(['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill', 'sock_throttled'] as const),
  ),
  'memory.stat': stat(['anon', 'file', 'kernel', 'kernel_stack', 'pagetables', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback', 'slab', 'pgfault', 'pgmajfault'] as const),
  'memory.swap.max': memoryLimit,
  'pids.max': fc.oneof(fc.constant('max' as const), fc.integer({ min: 0, max: 4_194_304 })),
  'pids.current': count,
  'pids.peak': count,
  'pids.events': fc.record({ max: count }),
  'io.weight': fc.record({
    default: fc.integer({ min: 1, max: 10_000 }),
    devices: fc.dictionary(device, fc.integer({ min: 1, max: 10_000 })),
  }),
  'io.max': fc.dictionary(device, ioLimits),
  'io.stat': fc.dictionary(device, fc.record({ rbytes: count, wbytes: count, rios: count, wios: count, dbytes: count, dios: count })),
};

// The exact answer, for tests only: per VM, every job's remaining work held as an exact BigInt
// rational and advanced event by event (no virtual clock, no floats, no heaps) — deliberately
// different code from the engine's, so that agreement means something.
import type { BatchJobs, GuestScheduler } from '../../src/batch/index.ts';

interface Q {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
function q(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}
const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
const cmp = (a: Q, b: Q): number => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
/** A float of a rational, good to ~1e-15 relative. */
const toFloat = (a: Q): number => Number((a.n * 10n ** 18n) / a.d) / 1e18;

/** A decimal number given as a float with at most 9 decimals, exactly. */
function fromNumber(x: number): Q {
  if (Number.isInteger(x)) return q(BigInt(x));
  return q(BigInt(Math.round(x * 1e9)), 10n ** 9n);
}

/** Exact start and finish times, seconds (as floats of the exact rationals). */
export interface ReferenceAnswer {
  readonly start_s: number[];
  readonly finish_s: number[];
}

/**
 * The exact schedule: VM v has `vcpus[v]` vCPUs at `mips[v]` MIPS (integers or short decimals).
 * Time-shared: every running thread at mips·min(1, c/P). Space-shared: queue by (submit, id),
 * scan in order starting every job whose pes fit the free vCPUs, each at full speed.
 */
export function referenceSchedule(jobs: BatchJobs, vcpus: readonly number[], mips: readonly number[], scheduler: GuestScheduler): ReferenceAnswer {
  const start_s = new Array<number>(jobs.count).fill(NaN);
  const finish_s = new Array<number>(jobs.count).fill(NaN);
  const byVm = new Map<number, number[]>();
  for (let j = 0; j < jobs.count; j++) {
    const list = byVm.get(jobs.vm[j]!) ?? [];
    list.push(j);
    byVm.set(jobs.vm[j]!, list);
  }
  for (const [v, list] of byVm) {
    list.sort((a, b) => jobs.submitUs[a]! - jobs.submitUs[b]! || jobs.id[a]! - jobs.id[b]!);
    const c = BigInt(vcpus[v]!);
    const e = fromNumber(mips[v]!);
    const pending = list.slice();
    const waiting: number[] = [];
    let running: { job: number; left: Q }[] = [];
    let t = q(0n);
    const submit = (j: number): Q => q(BigInt(jobs.submitUs[j]!), 1_000_000n);
    while (pending.length > 0 || running.length > 0 || waiting.length > 0) {
      const threads = running.reduce((s, r) => s + BigInt(jobs.pes[r.job]!), 0n);
      // Per-thread speed, MI per second.
      const speed = threads <= c ? e : mul(e, q(c, threads));
      let next: Q | null = pending.length > 0 ? submit(pending[0]!) : null;
      for (const r of running) {
        const done = add(t, div(r.left, speed));
        if (next === null || cmp(done, next) < 0) next = done;
      }
      if (next === null) throw new Error('reference: jobs wait forever');
      const dt = sub(next, t);
      running = running.map((r) => ({ job: r.job, left: sub(r.left, mul(speed, dt)) }));
      t = next;
      const still: { job: number; left: Q }[] = [];
      for (const r of running) {
        if (r.left.n <= 0n) finish_s[r.job] = toFloat(t);
        else still.push(r);
      }
      running = still;
      while (pending.length > 0 && cmp(submit(pending[0]!), t) <= 0) {
        const j = pending.shift()!;
        if (scheduler === 'time-shared') {
          start_s[j] = toFloat(t);
          running.push({ job: j, left: fromNumber(jobs.lengthMi[j]!) });
        } else waiting.push(j);
      }
      if (scheduler === 'space-shared') {
        let free = c - running.reduce((s, r) => s + BigInt(jobs.pes[r.job]!), 0n);
        for (let i = 0; i < waiting.length && free > 0n; ) {
          const j = waiting[i]!;
          if (BigInt(jobs.pes[j]!) <= free) {
            free -= BigInt(jobs.pes[j]!);
            waiting.splice(i, 1);
            start_s[j] = toFloat(t);
            running.push({ job: j, left: fromNumber(jobs.lengthMi[j]!) });
          } else i++;
        }
      }
    }
  }
  return { start_s, finish_s };
}

// The hold-model benchmark: with N events pending, pop the next event and schedule one at
// now + an exponential delay, through the public createSimulation API (a real handler per
// event) and through a plain binary heap of objects; prints both rates, their ratio, and
// the memory per pending event at 1M pending (measured after GC).
import { createRandomStream, createSimulation } from '@strata/core-sim';
import type { SimHandle } from '@strata/core-sim';
import { PlainHeap } from './plain-heap.js';

const MEAN_DELAY_US = 1_000_000; // 1 s mean: rounding to whole µs is negligible
const TABLE_SIZE = 1 << 20;
const TABLE_MASK = TABLE_SIZE - 1;
const delays = new Float64Array(TABLE_SIZE);
{
  const rng = createRandomStream(2024, 'bench/hold');
  for (let i = 0; i < TABLE_SIZE; i++) delays[i] = Math.round(rng.exponential(MEAN_DELAY_US));
}

/** Events per second of wall time and per second of this process's CPU time. */
interface Rate {
  wall: number;
  cpu: number;
}

function timed(events: number, body: () => void): Rate {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  body();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall: events / (ms / 1000), cpu: events / ((c.user + c.system) / 1e6) };
}

function kernelRate(pending: number, events: number): Rate {
  const sim = createSimulation({ seed: 1 });
  let d = 0;
  const hold = (h: SimHandle): void => {
    h.after(delays[d++ & TABLE_MASK]!, hold);
  };
  for (let i = 0; i < pending; i++) sim.after(delays[d++ & TABLE_MASK]!, hold);
  sim.run({ maxEvents: Math.min(events, 200_000) }); // warm-up
  const rate = timed(events, () => sim.run({ maxEvents: events }));
  if (sim.pending() !== pending) throw new Error('hold model lost events');
  return rate;
}

function plainRate(pending: number, events: number): Rate {
  const heap = new PlainHeap();
  let d = 0;
  let seq = 0;
  let now = 0;
  const hold = (): void => {
    heap.push({ time: now + delays[d++ & TABLE_MASK]!, seq: seq++, fn: hold });
  };
  for (let i = 0; i < pending; i++) heap.push({ time: delays[d++ & TABLE_MASK]!, seq: seq++, fn: hold });
  const loop = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const e = heap.pop()!;
      now = e.time;
      e.fn();
    }
  };
  loop(Math.min(events, 200_000));
  const rate = timed(events, () => loop(events));
  if (heap.size !== pending) throw new Error('plain hold model lost events');
  return rate;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function gc(): boolean {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) return false;
  g();
  g();
  return true;
}

function memoryPerPending(pending: number): number | undefined {
  if (!gc()) return undefined;
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const sim = createSimulation({ seed: 1 });
  const noop = (): void => {};
  for (let i = 0; i < pending; i++) sim.after(delays[i & TABLE_MASK]!, noop);
  gc();
  const after = used();
  if (sim.pending() !== pending) throw new Error('lost events');
  return (after - before) / pending;
}

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const only = process.env.BENCH_ONLY; // 'kernel' skips the baseline (for quick A/B runs)
const cases = [
  { pending: 1_000, events: 3_000_000 },
  { pending: 100_000, events: 2_000_000 },
  { pending: 1_000_000, events: 2_000_000 },
];

console.log(`core-sim hold model (Node ${process.version}, ${REPEATS} interleaved runs each; mean delay ${MEAN_DELAY_US} µs)`);
console.log('M events/s per wall-clock second: median [best]; ratios of medians; CPU-time rates (this process only) after the bar');
console.log('pending    kernel wall      plain wall     ratio  |  kernel cpu  plain cpu  ratio');
const fmt = (x: number, w: number): string => (x / 1e6).toFixed(2).padStart(w);
const summary = new Map<number, { kw: number; pw: number; kc: number; pc: number; kbest: number }>();
for (const c of cases) {
  const k: Rate[] = [];
  const p: Rate[] = [];
  for (let r = 0; r < REPEATS; r++) {
    k.push(kernelRate(c.pending, c.events));
    p.push(only === 'kernel' ? { wall: NaN, cpu: NaN } : plainRate(c.pending, c.events));
  }
  const kw = median(k.map((x) => x.wall));
  const pw = median(p.map((x) => x.wall));
  const kc = median(k.map((x) => x.cpu));
  const pc = median(p.map((x) => x.cpu));
  const kbest = Math.max(...k.map((x) => x.wall));
  const pbest = Math.max(...p.map((x) => x.wall));
  summary.set(c.pending, { kw, pw, kc, pc, kbest });
  console.log(
    `${String(c.pending).padEnd(8)} ${fmt(kw, 6)} [${fmt(kbest, 5)}]  ${fmt(pw, 6)} [${fmt(pbest, 5)}] ${(kw / pw).toFixed(2).padStart(6)}  | ${fmt(kc, 10)} ${fmt(pc, 10)} ${(kc / pc).toFixed(2).padStart(6)}`,
  );
}
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
const small = summary.get(1_000)!;
const large = summary.get(1_000_000)!;
if (only !== 'kernel') {
  console.log(
    `targets: >= 5 M ev/s at 1k: ${verdict(small.kw >= 5e6)} by median (${fmt(small.kw, 0)}), ${verdict(small.kbest >= 5e6)} by best run (${fmt(small.kbest, 0)}); ` +
      `ratio >= 1 at 1k: ${verdict(small.kw >= small.pw)} (${(small.kw / small.pw).toFixed(2)}); ` +
      `ratio >= 2 at 1M: ${verdict(large.kw >= 2 * large.pw)} (${(large.kw / large.pw).toFixed(2)})`,
  );
}
const bytes = memoryPerPending(1_000_000);
console.log(
  bytes === undefined
    ? 'memory per pending event: run with --expose-gc to measure'
    : `memory per pending event at 1M pending (after GC): ${bytes.toFixed(1)} bytes`,
);

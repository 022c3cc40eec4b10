// Streaming summary benchmark: wall ns per `SummaryAccumulator.add`, for one hot accumulator and for
// 40,000 of them (one per request server, as in a datacenter run: memory-bound), target < 100 ns.
// Run: npx tsx --conditions=strata-source bench/summary-bench.ts
import { performance } from 'node:perf_hooks';
import { createSummaryAccumulator } from '../src/index.js';

const TARGET_NS = 100;
const N = 2_000_000;

/** Deterministic exponential-ish latencies in µs (integers, as request servers record them) and owners. */
function workload(owners: number): { values: Float64Array; who: Int32Array } {
  const values = new Float64Array(N);
  const who = new Int32Array(N);
  let x = 12345;
  const next = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x + 1) / 2147483649;
  };
  for (let i = 0; i < N; i++) {
    values[i] = Math.round(-Math.log(next()) * 2000 + 2000);
    who[i] = Math.floor(next() * owners);
  }
  return { values, who };
}

/** Best of 5 runs of N adds spread over `owners` fresh accumulators (their storage grows during the run). */
function nsPerAdd(owners: number): number {
  const { values, who } = workload(owners);
  const opts = { relativeError: 0.01, minTrackable: 1, maxTrackable: 1e12 };
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const accs = Array.from({ length: owners }, () => createSummaryAccumulator(opts));
    const start = performance.now();
    for (let i = 0; i < N; i++) accs[who[i]!]!.add(values[i]!);
    best = Math.min(best, ((performance.now() - start) * 1e6) / N);
  }
  return best;
}

/** Prints ns per add for one accumulator and for 40,000, with the target's verdict. */
export function runSummaryBench(): void {
  console.log('streaming summary (SummaryAccumulator.add, 2 M integer latencies, best of 5)');
  for (const owners of [1, 40_000]) {
    const ns = nsPerAdd(owners);
    const label = owners === 1 ? 'one accumulator' : `${owners.toLocaleString('en-US')} accumulators (random owner per add)`;
    console.log(`  ${label.padEnd(48)} ${ns.toFixed(1).padStart(7)} ns/add  target < ${TARGET_NS} ns: ${ns < TARGET_NS ? 'met' : 'NOT met'}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runSummaryBench();

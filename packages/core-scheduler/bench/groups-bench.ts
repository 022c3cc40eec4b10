// Group scheduling benchmark: simulated time per wall second for the exact model (cost per tick)
// and the fluid model (cost per change, none per period), on small and large group trees.
// Run: npx tsx --conditions=strata-source bench/groups-bench.ts
import { performance } from 'node:perf_hooks';
import { createGroupScheduler, runGroupExperiment, type GroupFidelity, type GroupScheduler } from '../src/index.js';

const S = 1_000_000;

/** `groups` groups under the root, `perGroup` always-runnable tasks each, every third group capped at 30%. */
function wideTree(fidelity: GroupFidelity, cpus: number, groups: number, perGroup: number): GroupScheduler {
  const s = createGroupScheduler({ cpus, fidelity });
  for (let g = 0; g < groups; g++) {
    s.addGroup(`/g${g}`, { shares: 256 + ((g * 97) % 2048), ...(g % 3 === 0 ? { quota: 30_000 } : {}) });
    for (let t = 0; t < perGroup; t++) s.addTask(`g${g}t${t}`, `/g${g}`, { nice: ((g + t) % 11) - 5 });
  }
  return s;
}

function time(label: string, simulated: number, fn: () => number | void): void {
  fn(); // warm-up
  const start = performance.now();
  const count = fn();
  const ms = performance.now() - start;
  const rate = simulated / S / (ms / 1000);
  const extra = typeof count === 'number' ? `, ${(count / (ms / 1000) / 1e6).toFixed(2)} M ${label.includes('fluid') ? 'changes' : 'ticks'}/s` : '';
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms  ${rate.toExponential(2)} simulated s per wall s${extra}`);
}

/** Runs every case and prints one line per case. */
export function runGroupsBench(): void {
  console.log('group scheduling (cgroup CPU controller)');
  time('exact  1 CPU      2 groups x 1 task, 1 h', 3600 * S, () => {
    const s = wideTree('exact', 1, 2, 1);
    s.advanceTo(3600 * S);
    return 3600 * S / 4000;
  });
  time('exact  4 CPUs    20 groups x 5 tasks, 10 min', 600 * S, () => {
    const s = wideTree('exact', 4, 20, 5);
    s.advanceTo(600 * S);
    return 600 * S / 4000;
  });
  time('exact  8 CPUs   100 groups x 10 tasks, 60 s', 60 * S, () => {
    const s = wideTree('exact', 8, 100, 10);
    s.advanceTo(60 * S);
    return 60 * S / 4000;
  });
  time('fluid  8 CPUs   100 groups x 10 tasks, 1 year', 365 * 86400 * S, () => {
    const s = wideTree('fluid', 8, 100, 10);
    s.advanceTo(365 * 86400 * S);
  });
  for (const fidelity of ['fluid', 'exact'] as const) {
    time(`${fidelity}  4 CPUs   200 bursty tasks (2ms/8ms) in 20 groups, 60 s`, 60 * S, () => {
      const groups = Array.from({ length: 20 }, (_, g) => ({
        name: `g${g}`,
        cpu: { shares: 512 + g * 64 },
        tasks: Array.from({ length: 10 }, (_, t) => ({ name: `t${t}`, bursts: [{ run: '2ms', sleep: '8ms' }, { run: `${t + 1}ms`, sleep: '3ms' }] })),
      }));
      runGroupExperiment({ cpus: 4, duration: '60s', fidelity, groups });
      // Each task wakes and finishes about every 8 ms.
      return fidelity === 'fluid' ? (200 * 2 * 60 * S) / 8000 : undefined;
    });
  }
  time('issue example spec (exact, 9 s)', 9 * S, () => {
    runGroupExperiment({
      cpus: 1,
      duration: '9s',
      groups: [
        { name: 'A', cpu: { shares: 1024 }, tasks: [{ name: 'a1' }, { name: 'a2', nice: 5 }] },
        { name: 'B', cpu: { shares: 512, quota: '30ms' }, tasks: [{ name: 'b' }] },
      ],
    });
  });
}


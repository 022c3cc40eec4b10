// The fluid group scheduler under light load, as a datacenter drives it (core-cluster's issue-14
// bench): the runnable tasks' demands sum to far less than the CPUs, so every change should cost
// O(depth), not a recomputation. Two trees: a host (16 CPUs, 8 VM groups × 2 vCPU groups, one task
// each, tasks going on and off and changing demand) and a guest kernel (2 CPUs, 5 cgroups × 4
// workers, 0–2 runnable, its CPUs' capacities following the runnable count as a nested host sets
// them: CPU i has capacity 1 while more than i tasks run, else 0). Each step: a wake or a block (or
// a demand change), then nextEventTime, takeRateChanges, taskStats and taskCpuUsec of that task,
// and advanceTo a little later. Prints ns per step, best of 7, and the same with the uncontended
// shortcuts turned off (the README has the figures of the code before them).
// Run: npx tsx --conditions=strata-source bench/fluid-uncontended-bench.ts
import { performance } from 'node:perf_hooks';
import { createGroupScheduler, type GroupScheduler } from '../src/index.js';
import type { FluidGroupScheduler } from '../src/groups/fluid-group-scheduler.js';

const STEPS = 200_000;

/** A deterministic stream in [0, 1) (an LCG: benches use no Math.random either). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

/** Which tasks are runnable, and how many (kept by the bench, so that its own cost stays small). */
interface Load {
  readonly runnable: boolean[];
  n: number;
}

interface Pattern {
  readonly build: () => { s: GroupScheduler; ids: string[] };
  /** One change on `s` (returns the task it touched). */
  readonly change: (s: GroupScheduler, ids: string[], load: Load, rnd: () => number) => string;
}

/** Host: each vCPU task toggles; a runnable one sometimes changes demand instead (a guest's load moved). */
const host: Pattern = {
  build: () => {
    const s = createGroupScheduler({ cpus: 16, fidelity: 'fluid' });
    const ids: string[] = [];
    for (let v = 0; v < 8; v++) {
      s.addGroup(`/vm${v}`, { weight: 100 });
      for (let c = 0; c < 2; c++) {
        s.addGroup(`/vm${v}/vcpu${c}`, { weight: 100 });
        const id = `vm${v}.${c}`;
        s.addTask(id, `/vm${v}/vcpu${c}`, { runnable: false });
        ids.push(id);
      }
    }
    return { s, ids };
  },
  change: (s, ids, load, rnd) => {
    const i = Math.floor(rnd() * ids.length);
    const id = ids[i]!;
    if (load.runnable[i] && rnd() < 0.3) s.setTaskDemand(id, DEMANDS[Math.floor(rnd() * 4)]!);
    else if (load.runnable[i]) {
      s.block(id);
      load.runnable[i] = false;
      load.n--;
    } else if (rnd() < 0.4) {
      s.wake(id);
      load.runnable[i] = true;
      load.n++;
    }
    return id;
  },
};

const DEMANDS = [0.25, 0.5, 0.75, 1];

/** A guest's CPUs as its nested host sets them: CPU c has capacity 1 while more than c tasks are runnable. */
function follow(s: GroupScheduler, n: number): void {
  for (let c = 0; c < 2; c++) {
    const want = n > c ? 1 : 0;
    if (s.cpuCapacity(c) !== want) s.setCpuCapacity(c, want);
  }
}

/** Guest: a worker wakes with a burst of work (or blocks), and the CPUs' capacities follow the runnable count. */
const guest: Pattern = {
  build: () => {
    const s = createGroupScheduler({ cpus: 2, fidelity: 'fluid', cpuCapacity: [0, 0] });
    const ids: string[] = [];
    for (let c = 0; c < 5; c++) {
      s.addGroup(`/c${c}`, { weight: 100 });
      for (let w = 0; w < 4; w++) {
        const id = `c${c}.w${w}`;
        s.addTask(id, `/c${c}`, { runnable: false });
        ids.push(id);
      }
    }
    return { s, ids };
  },
  change: (s, ids, load, rnd) => {
    const i = Math.floor(rnd() * ids.length);
    const id = ids[i]!;
    if (load.runnable[i]) {
      s.block(id);
      load.runnable[i] = false;
      load.n--;
    } else if (load.n < 2 && rnd() < (load.n === 0 ? 0.6 : 0.15)) {
      s.wake(id, 1_000 + Math.floor(rnd() * 3_000));
      load.runnable[i] = true;
      load.n++;
    }
    follow(s, load.n);
    return id;
  },
};

/** ns per step of `STEPS` steps of `p` (the tree's build not counted), with or without the uncontended shortcuts. */
function runOnce(p: Pattern, fast: boolean): number {
  const { s, ids } = p.build();
  (s as FluidGroupScheduler).fastPath = fast;
  const load: Load = { runnable: ids.map(() => false), n: 0 };
  const index = new Map(ids.map((id, i) => [id, i]));
  const rnd = lcg(7);
  let now = 0;
  let sink = 0;
  const start = performance.now();
  for (let k = 0; k < STEPS; k++) {
    const id = p.change(s, ids, load, rnd);
    sink += s.nextEventTime() === Infinity ? 0 : 1;
    sink += s.takeRateChanges!().tasks.length;
    sink += s.taskStats(id).rate + s.taskCpuUsec(id);
    now += 1 + Math.floor(rnd() * 500);
    for (const e of s.advanceTo(now)) {
      if (e.type !== 'task.work_done') continue;
      // A worker whose burst ran out blocked by itself.
      load.runnable[index.get(e.task)!] = false;
      load.n--;
    }
  }
  const ns = ((performance.now() - start) * 1e6) / STEPS;
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return ns;
}

/** Prints ns per step for both patterns, best of 7. */
export function runFluidUncontendedBench(): void {
  console.log('fluid group scheduler under light load (ns per change: the change, nextEventTime, takeRateChanges, taskStats, taskCpuUsec, advanceTo; best of 7)');
  for (const [label, p] of [
    ['host: 16 CPUs, 8 VM groups x 2 vCPU tasks, on/off + demand', host],
    ['guest: 2 CPUs, 5 cgroups x 4 workers, 0-2 runnable, capacities follow', guest],
  ] as const) {
    // Interleaved, so that both see the same machine load.
    let best = Infinity;
    let off = Infinity;
    for (let r = 0; r < 7; r++) {
      best = Math.min(best, runOnce(p, true));
      off = Math.min(off, runOnce(p, false));
    }
    console.log(`  ${label.padEnd(72)} ${best.toFixed(0).padStart(6)} ns/change (shortcuts off: ${off.toFixed(0)} ns)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runFluidUncontendedBench();

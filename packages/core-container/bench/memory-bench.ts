// Memory model benchmark: the charge path the kernel drives per allocation chunk. 10,000 processes
// in 1,000 cgroups (memory.max 64 MiB each) run headroom + charge + uncharge rounds of 64 KiB; then 1 GiB of page cache is charged through a 64 MiB memory.max page by
// page past the headroom (the slow path reclaims each time). Prints wall time and rates.
import { performance } from 'node:perf_hooks';
import { createMemoryModel } from '../src/index.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const PAGE = 4096;

/** Run the memory bench; returns headroom + charge + uncharge rounds per second and the page-cache wall ms. */
export function runMemoryBench(procs = 10_000, groups = 1_000, rounds = 2_000_000): { roundsPerSecond: number; pageCacheMs: number } {
  const mem = createMemoryModel({ ram: 64 * GiB });
  for (let g = 0; g < groups; g++) {
    mem.addCgroup(`/g${g}`);
    mem.setLimits(`/g${g}`, { max: 64 * MiB });
  }
  for (let p = 1; p <= procs; p++) mem.addProcess(p, `/g${p % groups}`);
  const chunk = 16 * PAGE;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const pid = (i % procs) + 1;
    if (mem.headroom(pid, 'anon') < chunk) throw new Error('bench setup: no headroom');
    mem.charge(pid, 'anon', chunk);
    mem.uncharge(pid, 'anon', chunk);
  }
  const roundsMs = performance.now() - t0;
  const roundsPerSecond = rounds / (roundsMs / 1000);

  const cache = createMemoryModel({ ram: 4 * GiB });
  cache.addCgroup('/A');
  cache.setLimits('/A', { max: 64 * MiB });
  cache.addProcess(1, '/A');
  const t1 = performance.now();
  let slowPaths = 0;
  for (let left = 1 * GiB; left > 0; ) {
    const room = cache.headroom(1, 'file');
    const bytes = room > 0 ? Math.min(room, left) : PAGE;
    if (room === 0) slowPaths++;
    if (cache.charge(1, 'file', bytes).kind !== 'charged') throw new Error('bench: page cache charge refused');
    left -= bytes;
  }
  const pageCacheMs = performance.now() - t1;

  console.log(`memory model: ${procs} processes in ${groups} limited cgroups (memory.max 64 MiB)`);
  console.log(`  ${rounds} headroom + charge + uncharge rounds of ${chunk / 1024} KiB: wall ${roundsMs.toFixed(0)} ms, ${roundsPerSecond.toFixed(0)} rounds/s`);
  console.log(`  1 GiB of page cache through a 64 MiB memory.max: wall ${pageCacheMs.toFixed(1)} ms, ${slowPaths} slow paths`);
  return { roundsPerSecond, pageCacheMs };
}

// Memory and devices benchmarks: a host of 100 VMs whose workloads grow and balloons move for an
// hour of simulated time, and 100 rate-limited drives serving 1,000,000 block requests. Prints the
// figures (no target was set for these parts).
import { performance } from 'node:perf_hooks';
import { createDeviceModel, createHostMemory } from '../src/index.js';

const MiB = 2 ** 20;

/** 100 VMs of 1 GiB on 64 GiB (overcommit 2): touches at 1-100 MiB/s, a balloon retarget every 10 s per VM. */
export function runMemoryBench(): { wallMs: number; facts: number; steps: number } {
  const t0 = performance.now();
  const mem = createHostMemory({ ramBytes: 64 * 1024 * MiB, overcommitRatio: 2 });
  const n = 100;
  for (let i = 0; i < n; i++) {
    mem.addVm(`vm${i}`, { memoryBytes: 1024 * MiB });
    mem.putBalloon(`vm${i}`, { amount_mib: 0, deflate_on_oom: true, stats_polling_interval_s: 1 });
    mem.startVm(`vm${i}`);
  }
  let facts = 0;
  let steps = 0;
  for (let s = 0; s < 3600; s += 10) {
    for (let i = 0; i < n; i++) {
      const vm = `vm${i}`;
      if (mem.vm(vm).phase !== 'running') mem.startVm(vm);
      mem.setWorkload(vm, { bytes: ((s * 7 + i * 13) % 1000) * MiB, bytesPerSecond: (1 + ((i + s) % 100)) * MiB });
      mem.patchBalloon(vm, { amount_mib: (s * 3 + i * 5) % 512 });
    }
    const until = (s + 10) * 1_000_000;
    for (let t = mem.nextEventTime(); t <= until; t = mem.nextEventTime()) {
      facts += mem.advanceTo(t).length;
      steps++;
    }
    facts += mem.advanceTo(until).length;
  }
  return { wallMs: performance.now() - t0, facts, steps };
}

/** 100 drives (10 MB/s + 1,000 IOPS limiters) on a 2 GB/s, 200k IOPS disk: 1,000,000 requests of 4-512 KiB. */
export function runDevicesBench(): { wallMs: number; completions: number; simSeconds: number } {
  const t0 = performance.now();
  const dev = createDeviceModel({ hostDisk: { bytesPerSecond: 2_000_000_000, iops: 200_000 } });
  const vms = 100;
  for (let i = 0; i < vms; i++) {
    dev.addVm(`vm${i}`);
    dev.putDrive(`vm${i}`, { drive_id: 'root', path_on_host: `/img/${i}`, is_root_device: true, rate_limiter: { bandwidth: { size: 1_000_000, refill_time: 100 }, ops: { size: 100, refill_time: 100 } } });
    dev.startVm(`vm${i}`);
  }
  let completions = 0;
  const total = 1_000_000;
  for (let k = 0; k < total; k++) {
    if (k % vms === 0) completions += dev.advanceTo(dev.now() + 1000).length;
    dev.submitBlock(`vm${k % vms}`, 'root', { id: `r${k}`, type: 'read', bytes: 4096 * (1 + ((k * 7919) % 128)) });
  }
  for (let t = dev.nextEventTime(); Number.isFinite(t); t = dev.nextEventTime()) completions += dev.advanceTo(t).length;
  return { wallMs: performance.now() - t0, completions, simSeconds: dev.now() / 1e6 };
}

/** Both benches, figures printed (`STRATA_SKIP_MEMORY=1` runs the devices one only). */
export function runMemoryDevicesBench(): void {
  const m = process.env.STRATA_SKIP_MEMORY ? null : runMemoryBench();
  if (m !== null) console.log(`memory: 100 VMs, 1 h simulated, ${m.steps} steps, ${m.facts} facts: ${m.wallMs.toFixed(0)} ms wall`);
  const d = runDevicesBench();
  console.log(`devices: 1,000,000 rate-limited block requests on 100 drives (${d.simSeconds.toFixed(0)} s simulated, ${d.completions} completions): ${d.wallMs.toFixed(0)} ms wall`);
}

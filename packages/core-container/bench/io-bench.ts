// Block I/O benchmark: 1,000 processes in 100 cgroups (a third held by io.max, weights 50..149)
// looping 1 MiB direct reads, 1 ms of CPU and 256 KiB buffered writes on one disk; 10 simulated
// seconds in fluid mode. Prints wall time and the kernel's steps (program steps plus CPU scheduling work) per second.
import { performance } from 'node:perf_hooks';
import { parseProgram } from '@strata/shared-types';
import { createKernel } from '../src/index.js';

/** Run the I/O bench for `procs` processes in `groups` cgroups; returns wall ms. */
export function runIoBench(procs = 1_000, groups = 100): { wallMs: number } {
  const t0 = performance.now();
  const k = createKernel({ cpus: 4, memory: 64 * 2 ** 30, fidelity: 'fluid', devices: { sda: { id: '8:16', rbps: 500_000_000, wbps: 200_000_000 } } });
  k.write('/', 'cgroup.subtree_control', '+io +memory');
  for (let g = 0; g < groups; g++) {
    k.mkdir(`/g${g}`);
    k.write(`/g${g}`, 'io.weight', String(50 + g));
    if (g % 3 === 0) k.write(`/g${g}`, 'io.max', '8:16 rbps=20000000');
  }
  const program = parseProgram([{ loop: { times: 'forever', do: [{ read: { device: 'sda', bytes: '1Mi', direct: true } }, { cpu: '1ms' }, { write: { device: 'sda', bytes: '256Ki' } }] } }]);
  for (let i = 0; i < procs; i++) k.spawn({ name: `p${i}`, cgroup: `/g${i % groups}`, program });
  k.advanceTo(10_000_000);
  const wallMs = performance.now() - t0;
  const steps = k.steps();
  console.log(`block I/O: ${procs} processes in ${groups} cgroups on one disk, 10 s simulated, fluid`);
  console.log(`  wall ${wallMs.toFixed(0)} ms; ${steps} kernel steps (program and scheduling), ${(steps / (wallMs / 1000)).toFixed(0)} steps/s`);
  return { wallMs };
}

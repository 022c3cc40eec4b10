// Container engine benchmarks (issue 11): 10,000 containers created and started on one kernel
// (< 1 s), and 1,000 containers crash-looping under `--restart always` for 10 simulated minutes
// (< 2 s). Prints the figures and a met / NOT met verdict for each.
import { performance } from 'node:perf_hooks';
import { createKernel } from '../src/index.js';
import { createContainerEngine } from '../src/engine/create-container-engine.js';

const CREATE_COUNT = 10_000;
const CREATE_TARGET_MS = 1_000;
const LOOP_COUNT = 1_000;
const LOOP_SECONDS = 600;
const LOOP_TARGET_MS = 2_000;

/** 10,000 `docker run -d idle` on a 64-CPU, 256 GiB kernel: wall ms of create + start. */
export function runCreateStartBench(): { wallMs: number; met: boolean } {
  const t0 = performance.now();
  const kernel = createKernel({ cpus: 64, memory: 256 * 2 ** 30, fidelity: 'fluid', seed: 1 });
  const engine = createContainerEngine({ kernel, seed: 1, maxContainers: CREATE_COUNT });
  for (let i = 0; i < CREATE_COUNT; i++) engine.run({ image: 'idle', name: `c${i}`, memory: 64 * 2 ** 20, cpus: 250 });
  const wallMs = performance.now() - t0;
  const running = engine.ps().length;
  const met = wallMs < CREATE_TARGET_MS && running === CREATE_COUNT;
  console.log(`container: ${CREATE_COUNT} containers created and started (idle image, --memory 64m --cpus 0.25) on one kernel`);
  console.log(`  wall ${wallMs.toFixed(0)} ms (${((CREATE_COUNT / wallMs) * 1000).toFixed(0)} containers/s); ${running} running; ${kernel.cgroups().length} cgroups`);
  console.log(`  target < ${CREATE_TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`);
  return { wallMs, met };
}

/** 1,000 crashers (exit 1 after 1 s) under `--restart always`, 10 simulated minutes: wall ms. */
export function runCrashLoopBench(): { wallMs: number; met: boolean } {
  const t0 = performance.now();
  const kernel = createKernel({ cpus: 128, memory: 64 * 2 ** 30, fidelity: 'fluid', seed: 1 });
  let events = 0;
  const engine = createContainerEngine({ kernel, seed: 1, maxContainers: LOOP_COUNT, onEvent: () => events++ });
  for (let i = 0; i < LOOP_COUNT; i++) engine.run({ image: 'crasher', name: `loop${i}`, restart: { name: 'always' } });
  for (let s = 10; s <= LOOP_SECONDS; s += 10) engine.advanceTo(s * 1_000_000);
  const wallMs = performance.now() - t0;
  let restarts = 0;
  for (let i = 0; i < LOOP_COUNT; i++) restarts += engine.inspect(`loop${i}`).RestartCount;
  const met = wallMs < LOOP_TARGET_MS;
  console.log(`container: ${LOOP_COUNT} crash-looping containers (crasher image, --restart always), ${LOOP_SECONDS} s simulated`);
  console.log(`  wall ${wallMs.toFixed(0)} ms; ${restarts} restarts (${(restarts / LOOP_COUNT).toFixed(1)} per container); ${events} docker events`);
  console.log(`  target < ${LOOP_TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`);
  return { wallMs, met };
}

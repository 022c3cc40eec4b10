// VM lifecycle benchmark: 1,000 VMs on one host through define → start → (boot) → suspend → resume
// → shutdown → (guest powers off) → undefine, driven by nextEventTime / advanceTo as a composer
// would (< 200 ms). Prints the figures and a met / NOT met verdict.
import { performance } from 'node:perf_hooks';
import { createVmLifecycles } from '../src/index.js';

const VM_COUNT = 1_000;
const TARGET_MS = 200;

/** 1,000 full lifecycles on one `VmLifecycles`: wall ms, and whether every VM went all the way. */
export function runLifecycleBench(): { wallMs: number; met: boolean } {
  const t0 = performance.now();
  const l = createVmLifecycles();
  let events = 0;
  const drain = (): void => {
    for (let t = l.nextEventTime(); Number.isFinite(t); t = l.nextEventTime()) events += l.advanceTo(t).length;
    events += l.takeEvents().length;
  };
  const names = Array.from({ length: VM_COUNT }, (_, i) => `vm${i}`);
  for (const n of names) l.define(n, { vcpus: 2, memoryBytes: 2 * 2 ** 30 });
  for (const n of names) l.start(n);
  drain();
  for (const n of names) l.suspend(n);
  for (const n of names) l.resume(n);
  for (const n of names) l.shutdown(n);
  drain();
  let shutoff = 0;
  for (const vm of l.list()) if (vm.libvirt.state === 'shutoff' && vm.libvirt.reason === 'shutdown') shutoff++;
  for (const n of names) l.undefine(n);
  events += l.takeEvents().length;
  const wallMs = performance.now() - t0;
  const met = wallMs < TARGET_MS && shutoff === VM_COUNT && l.list().length === 0;
  console.log(`lifecycle: ${VM_COUNT} VMs define → start → boot → suspend → resume → shutdown → undefine on one host`);
  console.log(`  wall ${wallMs.toFixed(1)} ms; ${events} events; ${shutoff} shut off by their guests; ${l.list().length} left`);
  console.log(`  target < ${TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`);
  return { wallMs, met };
}

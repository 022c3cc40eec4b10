// Both passive models on one core-sim queue, as core-cluster drives them: one pending event per
// model at its next-event time, re-armed after every command; seeded arrivals; the trace hash.
import { createSimulation, hashingTraceSink, type EventKey, type Simulation } from '@strata/core-sim';
import { describe, expect, it } from 'vitest';
import { createDeviceModel } from '../../src/devices/index.ts';
import { createHostMemory } from '../../src/memory/index.ts';

const MiB = 2 ** 20;

function drive(seed: number): { hash: string; completions: number; kills: number } {
  const sink = hashingTraceSink();
  const sim: Simulation = createSimulation({ seed, trace: sink });
  const mem = createHostMemory({ ramBytes: 512 * MiB, overcommitRatio: 4, balloonBytesPerSecond: 64 * MiB });
  const dev = createDeviceModel({ hostDisk: { bytesPerSecond: 200 * MiB, iops: 5000 } });
  const vms = ['a', 'b', 'c'];
  let completions = 0;
  let kills = 0;
  const armed: { mem: EventKey | null; dev: EventKey | null } = { mem: null, dev: null };
  const rearm = (): void => {
    for (const [name, model] of [['mem', mem], ['dev', dev]] as const) {
      if (armed[name] !== null) sim.cancel(armed[name]);
      armed[name] = null;
      const t = model.nextEventTime();
      if (t !== Infinity) {
        armed[name] = sim.at(t, () => {
          armed[name] = null;
          const facts = model.advanceTo(sim.now());
          for (const f of facts) {
            sim.trace(f.type, { ...f });
            if (f.type === 'device.io_completed') completions += 1;
            if (f.type === 'vm.oom_killed') kills += 1;
          }
          rearm();
        });
      }
    }
  };
  const sync = (): void => {
    mem.advanceTo(sim.now()).forEach((f) => sim.trace(f.type, { ...f }));
    dev.advanceTo(sim.now()).forEach((f) => sim.trace(f.type, { ...f }));
  };
  for (const vm of vms) {
    mem.addVm(vm, { memoryBytes: 384 * MiB });
    mem.putBalloon(vm, { amount_mib: 0, deflate_on_oom: true, stats_polling_interval_s: 1 });
    mem.startVm(vm);
    dev.addVm(vm);
    dev.putDrive(vm, { drive_id: 'root', path_on_host: `/img/${vm}`, is_root_device: true, rate_limiter: { bandwidth: { size: 4 * MiB, refill_time: 100 }, ops: { size: 200, refill_time: 100 } } });
    dev.startVm(vm);
  }
  const rng = sim.rng('load');
  let n = 0;
  sim.every(50_000, () => {
    sync();
    const vm = vms[Math.floor(rng.float() * vms.length)]!;
    if (mem.vm(vm).phase === 'running') {
      const r = rng.float();
      if (r < 0.6) dev.submitBlock(vm, 'root', { id: `q${n++}`, type: r < 0.3 ? 'read' : 'write', bytes: Math.floor(rng.float() * 2 * MiB) });
      else if (r < 0.8) mem.setWorkload(vm, { bytes: Math.floor(rng.float() * 96) * 4 * MiB, bytesPerSecond: 64 * MiB });
      else mem.patchBalloon(vm, { amount_mib: Math.floor(rng.float() * 200) });
    }
    rearm();
  });
  rearm();
  sim.runUntil(60_000_000);
  expect(mem.host().usedBytes).toBeLessThanOrEqual(512 * MiB);
  return { hash: sink.hash(), completions, kills };
}

describe('memory and devices driven on core-sim', () => {
  it('same seed, same trace hash; another seed, another trace', () => {
    const one = drive(1);
    expect(one.kills).toBeGreaterThan(0); // the host OOM killer ran on the way
    expect(one.completions).toBeGreaterThan(100);
    expect(drive(1)).toEqual(one);
    expect(drive(2).hash).not.toBe(one.hash);
  });
});

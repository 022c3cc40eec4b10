// Invariants of the facade under random command sequences (lifecycle, post-boot changes, snapshots,
// incoming migrations): a command applies or throws and changes nothing; a VM's vCPUs are on the host
// exactly while its guest runs (never while incoming); the host never gives more than its pCPUs; a
// guest off the host makes no progress.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor } from '../../src/hypervisor/index.ts';

const MiB = 1024 * 1024;
const NAMES = ['a', 'b', 'c'] as const;
const OPS = ['start', 'shutdown', 'destroy', 'suspend', 'resume', 'crash', 'undefine', 'throttle', 'advance', 'setcpu', 'balloon', 'patchdrive', 'snapshot', 'receive', 'complete', 'abort'] as const;

const command = fc.record({ op: fc.constantFrom(...OPS), vm: fc.constantFrom(...NAMES, 'd'), dt: fc.integer({ min: 0, max: 3_000_000 }), pct: fc.integer({ min: 0, max: 99 }) });

function taskCpu(g: SchedulerGuest, id: string): number {
  try {
    return g.scheduler.taskStats(id).cpuUsec;
  } catch {
    return 0; // the incoming VMs' guests run one task
  }
}

describe('hypervisor properties', () => {
  it('apply-or-refuse-unchanged; vCPUs on the host iff the guest runs; no over-allocation; no progress off the host', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 40 }), (cmds) => {
        const hv = createHypervisor({ host: { cpus: 2, memory: 1024 * MiB, overcommitRatio: 2 }, fidelity: 'fluid', libvirtTimings: { bootUs: 200_000, shutdownUs: 100_000 } });
        const guests = new Map<string, SchedulerGuest>();
        NAMES.forEach((name, i) => {
          const g = createSchedulerGuest({ cpus: 2, fidelity: 'fluid' });
          g.addTask('t0', '/');
          g.addTask('t1', '/');
          guests.set(name, g);
          hv.defineVm({
            name,
            flavor: i === 2 ? 'firecracker' : 'libvirt',
            vcpus: 2,
            memoryBytes: 512 * MiB,
            guest: g,
            workload: { bytes: 400 * MiB, bytesPerSecond: 200 * MiB, dirtyBytesPerSecond: 10 * MiB },
            balloon: { amount_mib: 0, deflate_on_oom: true, stats_polling_interval_s: 1 },
            drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true }],
          });
        });
        const work = (vm: string) => {
          const g = guests.get(vm)!;
          return taskCpu(g, 't0') + taskCpu(g, 't1');
        };
        let used = 0;
        for (const c of cmds) {
          const defined = hv.vms().map((v) => v.name);
          if (c.op === 'advance') {
            const off = defined.filter((n) => !hv.vm(n).onHost).map((n) => [n, work(n)] as const);
            const before = hv.vms().reduce((s, v) => s + v.cpuTotals.hostCpuUsec, 0);
            const t0 = hv.now();
            const next = Math.min(hv.nextEventTime(), t0 + c.dt);
            hv.advanceTo(next);
            for (const [n, w] of off) if (hv.vms().some((v) => v.name === n)) expect(work(n)).toBe(w); // off the host during the step: no progress
            const after = hv.vms().reduce((s, v) => s + v.cpuTotals.hostCpuUsec, 0);
            // The sampler's cheap read agrees with the full view, VM by VM.
            for (const v of hv.vms()) expect(hv.vmCpuTotals(v.name)).toEqual(v.cpuTotals);
            expect(after - before).toBeLessThanOrEqual(2 * (next - t0) + 2);
            used += after - before;
          } else {
            const snap = JSON.stringify({ vms: hv.vms(), next: hv.nextEventTime() });
            try {
              if (c.op === 'throttle') hv.setThrottle(c.vm, c.pct);
              else if (c.op === 'crash') hv.crash(c.vm, 'guest-panic');
              else if (c.op === 'setcpu') hv.setVmCpu(c.vm, { weight: c.pct * 700 }); // 0 is refused
              else if (c.op === 'balloon') hv.updateBalloon(c.vm, { amount_mib: c.pct * 6 }); // > 512 refused
              else if (c.op === 'patchdrive') hv.updateDrive(c.vm, 'root', { rate_limiter: { bandwidth: { size: c.pct * 10_000, refill_time: 100 } } });
              else if (c.op === 'snapshot') hv.snapshotVm(c.vm, { kind: 'full' });
              else if (c.op === 'receive') {
                const g = createSchedulerGuest({ cpus: 2, fidelity: 'fluid', start: hv.now() });
                g.addTask('t0', '/');
                guests.set(c.vm, g);
                hv.receiveMigration({ name: c.vm, vcpus: 2, memoryBytes: c.pct * 8 * MiB + 4 * MiB, guest: g });
              } else if (c.op === 'complete') hv.completeIncoming(c.vm);
              else if (c.op === 'abort') hv.abortIncoming(c.vm);
              else hv[c.op](c.vm);
            } catch (e) {
              expect((e as { code?: string }).code).toMatch(/^E_/);
              expect(JSON.stringify({ vms: hv.vms(), next: hv.nextEventTime() })).toBe(snap);
            }
          }
          for (const v of hv.vms()) {
            if (v.incoming) {
              expect([v.lifecycle.phase, v.onHost, v.memory.phase]).toEqual(['paused', false, 'stopped']);
              continue;
            }
            const p = v.lifecycle.phase;
            const runs = p === 'running' || p === 'shutting-down' || (p === 'migrating' && v.lifecycle.returnTo?.phase === 'running');
            expect(v.onHost).toBe(runs);
            expect(v.memory.phase).toBe(p === 'shutoff' || p === 'crashed' ? 'stopped' : p === 'paused' ? 'paused' : 'running');
          }
        }
        expect(used).toBeGreaterThanOrEqual(0);
      }),
      { seed: 20261127, numRuns: 150 },
    );
  });
});

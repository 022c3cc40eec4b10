// Random command sequences over libvirt VMs and a microVM: refusals change nothing, records stay
// consistent with the events, and the same sequence gives the same trace (determinism).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createVmLifecycles, FIRECRACKER_OPERATIONS, LIBVIRT_OPERATIONS, VM_PHASES } from '../../src/index.js';
import type { FirecrackerOperation, LibvirtOperation, SavedImage, VmLifecycleEvent, VmLifecycles, VmPhase } from '../../src/index.js';
import { observe } from './fixture.js';

type Cmd =
  | { readonly kind: 'libvirt'; readonly vm: string; readonly op: LibvirtOperation; readonly n: number }
  | { readonly kind: 'fc'; readonly op: FirecrackerOperation; readonly n: number }
  | { readonly kind: 'advance'; readonly us: number }
  | { readonly kind: 'end'; readonly vm: string; readonly job: 'migration' | 'snapshot'; readonly outcome: 'completed' | 'cancelled' | 'failed' };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('libvirt' as const), vm: fc.constantFrom('a', 'b'), op: fc.constantFrom(...LIBVIRT_OPERATIONS), n: fc.nat(40) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fc' as const), op: fc.constantFrom(...FIRECRACKER_OPERATIONS), n: fc.nat(40) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), us: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000_000 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), vm: fc.constantFrom('a', 'b'), job: fc.constantFrom('migration' as const, 'snapshot' as const), outcome: fc.constantFrom('completed' as const, 'cancelled' as const, 'failed' as const) }) },
);

function apply(l: VmLifecycles, c: Cmd, images: SavedImage[]): readonly VmLifecycleEvent[] | void {
  switch (c.kind) {
    case 'advance':
      return l.advanceTo(l.now() + c.us);
    case 'end':
      if (c.job === 'migration') l.endMigration(c.vm, c.outcome);
      else l.endSnapshot(c.vm, c.outcome);
      return;
    case 'fc':
      l.firecracker('fc', c.op, { vcpu_count: 1 + (c.n % 3), mem_size_mib: 128 + c.n, amount_mib: c.n, resume_vm: c.n % 2 === 0 });
      return;
    case 'libvirt': {
      const { vm, op, n } = c;
      switch (op) {
        case 'define': return l.define(vm, { onCrash: (['destroy', 'restart', 'preserve'] as const)[n % 3]!, guestHonorsAcpi: n % 4 !== 0 });
        case 'create': return l.create(vm);
        case 'start': return l.start(vm, { forceBoot: n % 3 === 0 });
        case 'shutdown': return l.shutdown(vm, n % 2 === 0 ? { timeoutUs: n * 100_000, onTimeout: n % 4 === 0 ? 'destroy' : 'keep-running' } : {});
        case 'reboot': return l.reboot(vm);
        case 'reset': return l.reset(vm);
        case 'destroy': return l.destroy(vm);
        case 'suspend': return l.suspend(vm);
        case 'resume': return l.resume(vm);
        case 'save': { images.push(l.save(vm)); return; }
        case 'managedsave': return l.managedSave(vm);
        case 'restore': { const image = images[n % Math.max(1, images.length)]; if (image !== undefined) l.restore(image, { paused: n % 2 === 0 }); return; }
        case 'undefine': return l.undefine(vm, { managedSave: n % 2 === 0, snapshotsMetadata: n % 3 === 0 });
        case 'snapshot-create': return l.snapshotCreate(vm, n % 2 === 0 ? { durationUs: n * 50_000 } : {});
        case 'snapshot-revert': return l.snapshotRevert(vm, { snapshotState: (['running', 'paused', 'shutoff'] as const)[n % 3]! });
        case 'migrate': return l.migrate(vm, n % 2 === 0 ? { durationUs: n * 100_000 } : {});
        case 'crash': return l.crash(vm, (['host-failure', 'guest-panic', 'host-oom'] as const)[n % 3]!);
      }
    }
  }
}

/** Run `cmds`, checking the invariants after each; returns the trace (events and refusals). */
function runChecked(cmds: readonly Cmd[]): string[] {
  const l = createVmLifecycles();
  const images: SavedImage[] = [];
  const trace: string[] = [];
  const phases = new Map<string, VmPhase>();
  for (const c of cmds) {
    // A microVM process exists for the Firecracker requests (re-created after it ended, now and then).
    if (c.kind === 'fc' && (c.op === 'snapshot-load' || c.n % 5 === 0) && !l.list().some((v) => v.name === 'fc')) {
      l.createMicroVm('fc');
      phases.set('fc', 'shutoff');
      trace.push(...l.takeEvents().map((e) => JSON.stringify(e)));
    }
    const before = observe(l);
    let advanced: readonly VmLifecycleEvent[] | void;
    try {
      advanced = apply(l, c, images);
    } catch (e) {
      trace.push(`refused ${JSON.stringify(c)}: ${(e as Error).message}`);
      expect(observe(l)).toEqual(before);
      continue;
    }
    const events = advanced ?? l.takeEvents();
    for (const e of events) {
      expect(e.time).toBeLessThanOrEqual(l.now());
      trace.push(JSON.stringify(e));
      if (e.type === 'vm.defined' && !phases.has(e.vm)) phases.set(e.vm, 'shutoff');
      if (e.type === 'vm.state_changed') {
        expect(phases.get(e.vm)).toBe(e.from);
        phases.set(e.vm, e.to);
      }
      if (e.type === 'vm.undefined' && !e.active) phases.delete(e.vm);
    }
    expect(l.nextEventTime()).toBeGreaterThanOrEqual(l.now());
    for (const vm of l.list()) {
      expect(VM_PHASES).toContain(vm.phase);
      expect(phases.get(vm.name)).toBe(vm.phase);
      expect(vm.live === null).toBe(vm.phase === 'shutoff');
      if (vm.phase === 'shutoff' && vm.flavor === 'libvirt') expect(vm.persistent).toBe(true);
      if (vm.flavor === 'firecracker') expect(vm.persistent).toBe(false);
      if (vm.phase === 'shutoff' || vm.phase === 'paused' || vm.phase === 'crashed') expect(vm.activity).toBeNull();
      if (vm.phase === 'starting' || vm.phase === 'shutting-down' || vm.phase === 'saving' || vm.phase === 'restoring') expect(vm.activity?.at).toBeGreaterThanOrEqual(l.now());
    }
    expect([...phases.keys()].sort()).toEqual(l.list().map((v) => v.name).sort());
  }
  return trace;
}

describe('lifecycle properties', () => {
  it('refusals change nothing; records agree with the events; phases keep their invariants', () => {
    fc.assert(fc.property(fc.array(cmd, { maxLength: 60 }), (cmds) => void runChecked(cmds)), { numRuns: 300 });
  });
  it('determinism: the same commands give the same trace', () => {
    fc.assert(fc.property(fc.array(cmd, { maxLength: 60 }), (cmds) => {
        expect(runChecked(cmds)).toEqual(runChecked(cmds));
      }), { numRuns: 50 });
  });
});

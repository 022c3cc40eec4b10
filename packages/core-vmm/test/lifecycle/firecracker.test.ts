// Firecracker's API face: every request in every phase (Firecracker's fault texts, HTTP 400, nothing
// changed), the machine-config limits, snapshot create/load rules, and the microVM's end.
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '@strata/shared-types';
import { createVmLifecycles, FIRECRACKER_OPERATIONS } from '../../src/index.js';
import type { FirecrackerOperation, FirecrackerPhase } from '../../src/index.js';
import { observe, thrown } from './fixture.js';

const AFTER = 'The requested operation is not supported after starting the microVM.';
const BEFORE = 'The requested operation is not supported before starting the microVM.';
const SNAP_RUNNING = 'Create snapshot error: Cannot save the microVM state: Operation not allowed: save/restore unavailable while running';
const LOAD = 'Load snapshot error: Loading a microVM snapshot not allowed after configuring boot-specific resources.';
const VCPUS = 'Machine config error: The number of vCPUs must be greater than 0, less than 32 and must be 1 or an even number if SMT is enabled.';
const MEMORY = 'Machine config error: The memory size (MiB) is either 0, or not a multiple of the configured page size.';

function inPhase(phase: FirecrackerPhase) {
  const l = createVmLifecycles();
  l.createMicroVm('fc');
  l.firecracker('fc', 'put-boot-source');
  if (phase !== 'Not started') {
    l.firecracker('fc', 'instance-start');
    l.advanceTo(125_000);
  }
  if (phase === 'Paused') l.firecracker('fc', 'pause');
  l.takeEvents();
  expect(l.inspect('fc').firecracker).toBe(phase);
  return l;
}

type Outcome = FirecrackerPhase | 'noop' | { fault: string };
const pre = { 'Not started': 'Not started', Running: { fault: AFTER }, Paused: { fault: AFTER } } as const;
const post = { 'Not started': { fault: BEFORE }, Running: 'Running', Paused: 'Paused' } as const;
const EXPECTED: Record<FirecrackerOperation, Record<FirecrackerPhase, Outcome>> = {
  'put-boot-source': pre,
  'put-machine-config': pre,
  'patch-machine-config': pre,
  'put-cpu-config': pre,
  'put-vsock': pre,
  'put-entropy': pre,
  'put-serial': pre,
  'put-mmds-config': pre,
  'put-logger': pre,
  'put-metrics': pre,
  'put-balloon': pre,
  'put-drive': pre,
  'put-network-interface': pre,
  'patch-drive': post,
  'patch-network-interface': post,
  'patch-balloon': post,
  'patch-balloon-statistics': post,
  'instance-start': { ...pre, 'Not started': 'Running' },
  'send-ctrl-alt-del': post,
  'flush-metrics': post,
  pause: { 'Not started': { fault: BEFORE }, Running: 'Paused', Paused: 'noop' },
  resume: { 'Not started': { fault: BEFORE }, Running: 'noop', Paused: 'Running' },
  'snapshot-create': { 'Not started': { fault: BEFORE }, Running: { fault: SNAP_RUNNING }, Paused: 'Paused' },
  'snapshot-load': { 'Not started': { fault: LOAD }, Running: { fault: AFTER }, Paused: { fault: AFTER } },
  get: { 'Not started': 'Not started', Running: 'Running', Paused: 'Paused' },
};

describe('Firecracker request × phase', () => {
  for (const op of FIRECRACKER_OPERATIONS) {
    for (const phase of ['Not started', 'Running', 'Paused'] as const) {
      const outcome = EXPECTED[op][phase];
      it(`${op} in ${phase}: ${typeof outcome === 'string' ? outcome : outcome.fault}`, () => {
        const l = inPhase(phase);
        const before = observe(l);
        if (typeof outcome === 'object') {
          const e = thrown(() => l.firecracker('fc', op));
          expect(e).toBeInstanceOf(InvalidTransitionError);
          expect(e.message).toBe(outcome.fault);
          expect(e.details).toMatchObject({ from: phase, command: op, httpStatus: 400, faultMessage: outcome.fault });
          expect(observe(l)).toEqual(before);
        } else if (outcome === 'noop') {
          l.firecracker('fc', op);
          expect(observe(l)).toEqual(before);
        } else {
          l.firecracker('fc', op);
          expect(l.inspect('fc').firecracker).toBe(outcome);
        }
      });
    }
  }
});

describe('machine config', () => {
  const fresh = () => {
    const l = createVmLifecycles();
    l.createMicroVm('fc');
    l.takeEvents();
    return l;
  };
  it.each([
    [{ vcpu_count: 0 }, VCPUS],
    [{ vcpu_count: 33 }, VCPUS],
    [{ vcpu_count: 3, smt: true }, VCPUS],
    [{ mem_size_mib: 0 }, MEMORY],
    [{ mem_size_mib: 129, huge_pages: '2M' as const }, MEMORY],
  ])('%j is refused: %s', (body, text) => {
    const l = fresh();
    const before = observe(l);
    const e = thrown(() => l.firecracker('fc', 'put-machine-config', body));
    expect(e.message).toBe(text);
    expect(e.details).toMatchObject({ httpStatus: 400, faultMessage: text });
    expect(observe(l)).toEqual(before);
  });
  it('32 vCPUs (the text says "less than 32", Firecracker accepts 32), 1 or even with SMT, 2 MiB multiples with huge pages', () => {
    const l = fresh();
    l.firecracker('fc', 'put-machine-config', { vcpu_count: 32, mem_size_mib: 256 });
    expect(l.inspect('fc')).toMatchObject({ config: { vcpus: 32, memoryBytes: 256 * 1024 * 1024 } });
    l.firecracker('fc', 'put-machine-config', { vcpu_count: 1, smt: true });
    l.firecracker('fc', 'patch-machine-config', { vcpu_count: 2, mem_size_mib: 130, huge_pages: '2M' });
    expect(l.inspect('fc').fc).toMatchObject({ vcpus: 2, memMib: 130, smt: true, hugePages: '2M' });
  });
  it('PUT resets to the defaults, PATCH merges; memory below the balloon target is refused', () => {
    const l = fresh();
    l.firecracker('fc', 'put-machine-config', { vcpu_count: 4, mem_size_mib: 512 });
    l.firecracker('fc', 'put-machine-config', { vcpu_count: 2 });
    expect(l.inspect('fc').fc).toMatchObject({ vcpus: 2, memMib: 128 });
    l.firecracker('fc', 'put-balloon', { amount_mib: 100 });
    expect(thrown(() => l.firecracker('fc', 'patch-machine-config', { mem_size_mib: 64 })).message).toBe('Machine config error: The memory size (MiB) is smaller than the previously set balloon device target size.');
    expect(thrown(() => l.firecracker('fc', 'put-balloon', { amount_mib: 129 })).message).toBe('Requested memory should be less than 128MiB');
  });
  it('InstanceStart without a boot source is refused', () => {
    const l = fresh();
    expect(thrown(() => l.firecracker('fc', 'instance-start')).details).toMatchObject({ httpStatus: 400 });
    expect(l.inspect('fc').firecracker).toBe('Not started');
  });
});

describe('snapshots and the end of a microVM', () => {
  it('a load on a fresh process (logger and metrics allowed) comes up Paused, or Running with resume_vm', () => {
    const l = createVmLifecycles();
    l.createMicroVm('a');
    l.firecracker('a', 'put-logger');
    l.firecracker('a', 'put-metrics');
    l.firecracker('a', 'snapshot-load', { mem_size_mib: 512 });
    expect(l.inspect('a')).toMatchObject({ firecracker: 'Paused', libvirt: { state: 'paused', reason: 'from_snapshot' } });
    expect(thrown(() => l.firecracker('a', 'put-machine-config')).message).toBe(AFTER);
    l.createMicroVm('b');
    l.firecracker('b', 'snapshot-load', { resume_vm: true });
    expect(l.inspect('b').firecracker).toBe('Running');
  });
  it('snapshot create while Paused emits vm.saved with the RAM size', () => {
    const l = inPhase('Paused');
    l.firecracker('fc', 'snapshot-create');
    expect(l.takeEvents()).toEqual([{ type: 'vm.saved', time: 125_000, vm: 'fc', managed: false, bytes: 128 * 1024 * 1024 }]);
  });
  it('SendCtrlAltDel: the guest reboots, which ends the process: the microVM vanishes after its shutdown', () => {
    const l = inPhase('Running');
    l.firecracker('fc', 'send-ctrl-alt-del');
    expect(l.inspect('fc').firecracker).toBe('Running');
    expect(l.advanceTo(175_000).map((e) => e.type)).toEqual(['vm.state_changed', 'vm.state_changed', 'vm.undefined']);
    expect(l.list()).toEqual([]);
  });
  it('a microVM answers only its API; destroy and crash act on both; a never-started process can be killed', () => {
    const l = inPhase('Running');
    expect(thrown(() => l.suspend('fc')).code).toBe('E_VALIDATION');
    l.define('vm');
    expect(thrown(() => l.firecracker('vm', 'pause')).code).toBe('E_VALIDATION');
    l.crash('fc', 'guest-panic');
    expect(l.list().map((v) => v.name)).toEqual(['vm']);
    l.createMicroVm('fresh');
    l.destroy('fresh');
    expect(l.list().map((v) => v.name)).toEqual(['vm']);
  });
});

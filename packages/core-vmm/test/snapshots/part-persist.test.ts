// The parts' persist functions on their own: memory.saveVm / restoreVm and devices.saveVm / restoreVm
// refuse out of phase and change nothing when they refuse.
import { describe, expect, it } from 'vitest';
import { createDeviceModel, createHostMemory } from '../../src/index.js';
import { MIB, thrown } from './fixture.js';

describe('memory.saveVm / restoreVm', () => {
  it('saves only a paused VM and restores only into a never-started one, which comes up paused', () => {
    const m = createHostMemory({ ramBytes: 1024 * MIB });
    m.addVm('a', { memoryBytes: 256 * MIB });
    expect(thrown(() => m.saveVm('a')).code).toBe('E_INVALID_TRANSITION');
    m.startVm('a');
    m.setWorkload('a', { bytes: 100 * MIB });
    m.setWorkload('a', { bytes: 30 * MIB }); // freed pages stay resident
    expect(thrown(() => m.saveVm('a')).code).toBe('E_INVALID_TRANSITION');
    m.pauseVm('a');
    const state = m.saveVm('a');
    expect(state).toEqual({ guestBytes: 256 * MIB, inUseBytes: 30 * MIB, residentBytes: 100 * MIB, wantBytes: 30 * MIB, bytesPerSecond: 0, balloon: null });
    expect(thrown(() => m.restoreVm('a', state)).code).toBe('E_INVALID_TRANSITION');
    const n = createHostMemory({ ramBytes: 1024 * MIB });
    n.addVm('a', { memoryBytes: 4 * MIB });
    n.restoreVm('a', JSON.parse(JSON.stringify(state)) as typeof state);
    expect(n.vm('a')).toEqual(m.vm('a'));
  });

  it('a refused restore changes nothing (overcommit, inconsistent state)', () => {
    const m = createHostMemory({ ramBytes: 1024 * MIB });
    m.addVm('a', { memoryBytes: 256 * MIB });
    m.startVm('a');
    m.pauseVm('a');
    const state = m.saveVm('a');
    const small = createHostMemory({ ramBytes: 128 * MIB });
    small.addVm('a', { memoryBytes: 4 * MIB });
    const before = JSON.stringify([small.vm('a'), small.host()]);
    expect(thrown(() => small.restoreVm('a', state)).code).toBe('E_INSUFFICIENT_RESOURCES');
    expect(thrown(() => small.restoreVm('a', { ...state, guestBytes: 4 * MIB, inUseBytes: 8 * MIB, residentBytes: 8 * MIB })).code).toBe('E_VALIDATION');
    expect(JSON.stringify([small.vm('a'), small.host()])).toBe(before);
  });
});

describe('devices.saveVm / restoreVm', () => {
  it('carries the configs as last PATCHed and activates the devices; a bad config changes nothing', () => {
    const d = createDeviceModel();
    d.addVm('a');
    d.putDrive('a', { drive_id: 'root', path_on_host: '/r', is_root_device: true });
    d.putNetworkInterface('a', { iface_id: 'eth0', host_dev_name: 'tap0' });
    d.startVm('a');
    d.patchDrive('a', { drive_id: 'root', path_on_host: '/r2', rate_limiter: { ops: { size: 10, refill_time: 100 } } });
    const state = d.saveVm('a');
    expect(state.drives[0]).toMatchObject({ path_on_host: '/r2', rate_limiter: { ops: { size: 10, refill_time: 100 } } });
    const e = createDeviceModel();
    e.addVm('a');
    const bad = { ...state, networkInterfaces: [...state.networkInterfaces, { iface_id: 'eth1', host_dev_name: 'tap0' }] };
    expect(thrown(() => e.restoreVm('a', bad)).code).toBe('E_CONFLICT');
    expect(e.saveVm('a')).toEqual({ drives: [], networkInterfaces: [] });
    e.restoreVm('a', state);
    expect(e.saveVm('a')).toEqual(state);
    expect(e.drive('a', 'root').config).toEqual(d.drive('a', 'root').config);
    expect(thrown(() => e.restoreVm('a', state)).code).toBe('E_INVALID_TRANSITION');
  });

  it('carries limiter tokens, timers, queued and in-flight requests onto another clock; a mismatched queue state changes nothing', () => {
    const limited = { bandwidth: { size: MIB, refill_time: 100 }, ops: { size: 5, refill_time: 1000 } };
    const d = createDeviceModel({ start: 1_000_000, hostDisk: { bytesPerSecond: 10 * MIB } });
    d.addVm('a');
    d.putDrive('a', { drive_id: 'root', path_on_host: '/r', is_root_device: true, rate_limiter: limited });
    d.startVm('a');
    for (let i = 0; i < 4; i++) d.submitBlock('a', 'root', { id: `w${i}`, type: 'write', bytes: MIB / 2 });
    d.advanceTo(1_010_000); // w0 in flight on the disk, the bytes bucket half spent, w1.. queued
    const state = JSON.parse(JSON.stringify(d.saveVm('a'))) as ReturnType<typeof d.saveVm>;
    expect(state.savedAtUs).toBe(1_010_000);
    expect(state.queues![0]!.pending.length + state.queues![0]!.inFlight.length).toBeGreaterThan(1);
    const shift = 4_000_000;
    const e = createDeviceModel({ start: 1_010_000 + shift, hostDisk: { bytesPerSecond: 10 * MIB } });
    e.addVm('a');
    const wrong = { ...state, queues: [{ ...state.queues![0]!, limiter: { ...state.queues![0]!.limiter, ops: null } }] };
    expect(thrown(() => e.restoreVm('a', wrong)).code).toBe('E_VALIDATION');
    expect(e.saveVm('a')).toEqual({ drives: [], networkInterfaces: [] });
    e.restoreVm('a', state);
    const original = d.advanceTo(3_000_000).map((c) => ({ ...c, time: c.time + shift, admittedAt: c.admittedAt + shift }));
    expect(original.length).toBe(4);
    expect(e.advanceTo(3_000_000 + shift)).toEqual(original);
  });
});

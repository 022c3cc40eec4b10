// Firecracker snapshots over the parts: create only while Paused and load only on a fresh microVM
// (Firecracker's texts, nothing changed), full and diff, the version check, the cost model.
import { describe, expect, it } from 'vitest';
import { applyDiff, FC_SNAPSHOT_LOAD_SECONDS, SNAPSHOT_VERSION, snapshotCost } from '../../src/index.js';
import type { VmSnapshot } from '../../src/index.js';
import { advance, AFTER, BEFORE, bootVm, freshFor, LOAD, MIB, newHost, observe, pause, resume, SNAP_RUNNING, thrown } from './fixture.js';

function pausedWith(bytes: number) {
  const h = newHost();
  bootVm(h, 'fc');
  h.memory.setWorkload('fc', { bytes });
  pause(h, 'fc');
  return h;
}

describe('create', () => {
  it('is refused while Running with Firecracker\'s text, and changes nothing', () => {
    const h = newHost();
    bootVm(h, 'fc');
    const before = [JSON.stringify(observe(h, 'fc')), h.lifecycles.inspect('fc').snapshots];
    const e = thrown(() => h.snapshots.create('fc', { kind: 'full' }));
    expect(e.message).toBe(SNAP_RUNNING);
    expect([JSON.stringify(observe(h, 'fc')), h.lifecycles.inspect('fc').snapshots]).toEqual(before);
  });

  it('is refused before boot with Firecracker\'s text', () => {
    const h = newHost();
    h.lifecycles.createMicroVm('fc');
    h.memory.addVm('fc', { memoryBytes: 128 * MIB });
    h.devices.addVm('fc');
    expect(thrown(() => h.snapshots.create('fc', { kind: 'full' })).message).toBe(BEFORE);
  });

  it('takes a full snapshot of a Paused microVM: the touched memory, its size and times from the disk', () => {
    const h = pausedWith(64 * MIB);
    const s = h.snapshots.create('fc', { kind: 'full' });
    expect(s).toMatchObject({ version: 1, kind: 'full', vm: 'fc', machine: { vcpus: 2, memMib: 256, balloonMib: 0 }, dirtiedBytes: 64 * MIB, memoryFileBytes: 64 * MIB, sizeBytes: 64 * MIB });
    expect(s.createSeconds).toBeCloseTo(0.64, 12); // 64 MiB over 100 MiB/s
    expect(s.loadSeconds).toBe(FC_SNAPSHOT_LOAD_SECONDS);
    expect(s.base).toBeUndefined();
    expect(s.devices.drives.map((d) => d.drive_id)).toEqual(['rootfs']);
    expect(h.lifecycles.inspect('fc')).toMatchObject({ phase: 'paused', snapshots: 1 });
    expect(h.snapshots.dirtiedBytes('fc')).toBe(0); // a create clears the dirty tracking
  });
});

describe('diff', () => {
  function chain() {
    const h = pausedWith(64 * MIB);
    const full = h.snapshots.create('fc', { kind: 'full' });
    resume(h, 'fc');
    h.memory.setWorkload('fc', { bytes: 96 * MIB, bytesPerSecond: 64 * MIB });
    advance(h, h.lifecycles.now() + 1_000_000); // 64 MiB/s for 1 s: reaches 96 MiB after 0.5 s
    pause(h, 'fc');
    expect(h.snapshots.dirtiedBytes('fc')).toBe(32 * MIB);
    const diff = h.snapshots.create('fc', { kind: 'diff' });
    return { h, full, diff };
  }

  it('holds only the bytes dirtied since the last create, and names its base', () => {
    const { h, full, diff } = chain();
    expect(diff).toMatchObject({ kind: 'diff', base: full.id, dirtiedBytes: 32 * MIB, memoryFileBytes: 32 * MIB, sizeBytes: 32 * MIB });
    expect(diff.createSeconds).toBeCloseTo(0.32, 12);
    const again = h.snapshots.create('fc', { kind: 'diff' });
    expect(again).toMatchObject({ base: diff.id, dirtiedBytes: 0, sizeBytes: 0 });
  });

  it('needs a previous create', () => {
    const h = pausedWith(MIB);
    const e = thrown(() => h.snapshots.create('fc', { kind: 'diff' }));
    expect(e.message).toMatch(/needs a previous full snapshot/);
    expect(h.lifecycles.inspect('fc').snapshots).toBe(0);
  });

  it('is refused by load until applied onto its base, then loads as the state it was taken in', () => {
    const { h, full, diff } = chain();
    const fresh = freshFor(diff, h.lifecycles.now());
    expect(thrown(() => fresh.snapshots.load('fc', diff)).message).toMatch(/is a diff: apply it onto its base/);
    expect(fresh.lifecycles.inspect('fc').firecracker).toBe('Not started');
    const merged = applyDiff(full, diff);
    expect(merged).toMatchObject({ kind: 'full', id: diff.id, memoryFileBytes: 96 * MIB });
    expect(merged.base).toBeUndefined();
    fresh.snapshots.load('fc', merged);
    expect(observe(fresh, 'fc')).toEqual(observe(h, 'fc'));
  });

  it('applies onto its own base only', () => {
    const { full, diff } = chain();
    expect(thrown(() => applyDiff(diff, diff)).message).toMatch(/applies onto/);
    expect(thrown(() => applyDiff(full, full)).message).toMatch(/not a diff/);
  });
});

describe('load', () => {
  it('comes up Paused with the saved state; resume_vm runs it', () => {
    const h = pausedWith(40 * MIB);
    const s = h.snapshots.create('fc', { kind: 'full' });
    const fresh = freshFor(s, 5_000_000);
    const events = fresh.lifecycles.takeEvents().length;
    fresh.snapshots.load('fc', s);
    expect(fresh.lifecycles.inspect('fc')).toMatchObject({ phase: 'paused', firecracker: 'Paused', reason: 'from_snapshot' });
    expect(fresh.lifecycles.takeEvents().length).toBeGreaterThan(events);
    expect(fresh.memory.vm('fc')).toEqual(h.memory.vm('fc'));
    const running = freshFor(s, 0);
    running.snapshots.load('fc', s, { resumeVm: true });
    expect(running.lifecycles.inspect('fc').firecracker).toBe('Running');
    expect(running.memory.vm('fc').phase).toBe('running');
  });

  it('is refused after a boot resource, and after boot, with Firecracker\'s texts, changing nothing', () => {
    const s = pausedWith(MIB).snapshots.create('fc', { kind: 'full' });
    const configured = freshFor(s, 0);
    configured.lifecycles.firecracker('fc', 'put-boot-source');
    expect(thrown(() => configured.snapshots.load('fc', s)).message).toBe(LOAD);
    expect(configured.lifecycles.inspect('fc').firecracker).toBe('Not started');
    expect(configured.memory.vm('fc').phase).toBe('stopped');
    const booted = newHost();
    bootVm(booted, 'fc');
    const before = JSON.stringify(observe(booted, 'fc'));
    expect(thrown(() => booted.snapshots.load('fc', s)).message).toBe(AFTER);
    expect(JSON.stringify(observe(booted, 'fc'))).toBe(before);
  });

  it('refuses another version with a clear error and changes nothing', () => {
    const s = pausedWith(MIB).snapshots.create('fc', { kind: 'full' });
    const v2 = JSON.parse(JSON.stringify({ ...s, version: 2 })) as VmSnapshot;
    const fresh = freshFor(s, 0);
    const e = thrown(() => fresh.snapshots.load('fc', v2));
    expect(e.code).toBe('E_VALIDATION');
    expect(e.message).toBe(`snapshot version 2 is not supported: this build reads version ${SNAPSHOT_VERSION} only; take the snapshot again with this build`);
    expect(fresh.lifecycles.inspect('fc').firecracker).toBe('Not started');
    expect(fresh.memory.vm('fc').phase).toBe('stopped');
  });

  it('ends the process when the parts cannot take the state (Firecracker: any later load failure)', () => {
    const s = pausedWith(MIB).snapshots.create('fc', { kind: 'full' });
    const fresh = freshFor(s, 0);
    fresh.devices.startVm('fc'); // devices already active: restoreVm refuses
    expect(thrown(() => fresh.snapshots.load('fc', s)).message).toBe(AFTER);
    expect(() => fresh.lifecycles.inspect('fc')).toThrow(); // transient microVM: gone
  });
});

describe('snapshotCost', () => {
  it('full: the touched memory over the disk; diff: the dirtied bytes; load: lazy, constant', () => {
    expect(snapshotCost({ memoryBytes: 512 * MIB, kind: 'full', diskBytesPerSecond: 256 * MIB })).toEqual({ sizeBytes: 512 * MIB, createSeconds: 2, loadSeconds: 0.005 });
    expect(snapshotCost({ memoryBytes: 512 * MIB, dirtiedBytes: 64 * MIB, kind: 'diff', diskBytesPerSecond: 256 * MIB })).toEqual({ sizeBytes: 64 * MIB, createSeconds: 0.25, loadSeconds: 0.005 });
  });

  it('names the bad field', () => {
    expect(thrown(() => snapshotCost({ memoryBytes: MIB, kind: 'diff', diskBytesPerSecond: 1 })).message).toMatch(/dirtiedBytes/);
    expect(thrown(() => snapshotCost({ memoryBytes: MIB, dirtiedBytes: 2 * MIB, kind: 'diff', diskBytesPerSecond: 1 })).message).toMatch(/dirtiedBytes/);
    expect(thrown(() => snapshotCost({ memoryBytes: -1, kind: 'full', diskBytesPerSecond: 1 })).message).toMatch(/memoryBytes/);
    expect(thrown(() => snapshotCost({ memoryBytes: 1, kind: 'full', diskBytesPerSecond: 0 })).message).toMatch(/diskBytesPerSecond/);
  });
});

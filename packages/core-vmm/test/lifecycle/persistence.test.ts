// Persistent vs transient domains, managed save, crashes and <on_crash>, and the hooks the
// migration and snapshot parts call.
import { describe, expect, it } from 'vitest';
import { createVmLifecycles } from '../../src/index.js';
import type { OnCrash, VmCrashReason } from '../../src/index.js';
import { observe, thrown } from './fixture.js';

const booted = (persistent = true, onCrash: OnCrash = 'destroy') => {
  const l = createVmLifecycles();
  if (persistent) {
    l.define('a', { onCrash });
    l.start('a');
  } else l.create('a', { onCrash });
  l.advanceTo(5_000_000);
  l.takeEvents();
  return l;
};

describe('transient and persistent', () => {
  it('create makes a transient VM that boots at once and vanishes when it stops', () => {
    const l = createVmLifecycles();
    l.create('a');
    expect(l.inspect('a')).toMatchObject({ persistent: false, phase: 'starting' });
    expect(l.find('a')).toEqual(l.inspect('a'));
    expect(l.findRecord('a')).toMatchObject({ name: 'a', persistent: false, phase: 'starting' });
    expect(l.findRecord('b')).toBeNull();
    l.advanceTo(5_000_000);
    l.takeEvents();
    l.destroy('a');
    expect(l.takeEvents()).toEqual([
      { type: 'vm.state_changed', time: 5_000_000, vm: 'a', from: 'running', to: 'shutoff', reason: 'destroyed' },
      { type: 'vm.undefined', time: 5_000_000, vm: 'a', active: false },
    ]);
    expect(thrown(() => l.inspect('a')).details).toMatchObject({ message: "Domain not found: no domain with matching name 'a'" });
    expect(l.find('a')).toBeNull();
    expect(l.findRecord('a')).toBeNull();
  });
  it('a transient VM vanishes after a guest shutdown too', () => {
    const l = booted(false);
    l.shutdown('a');
    l.advanceTo(10_000_000);
    expect(l.list()).toEqual([]);
  });
  it('transient VMs cannot be managed-saved or undefined, and nothing changes', () => {
    const l = booted(false);
    const before = observe(l);
    expect(thrown(() => l.managedSave('a')).message).toBe('Requested operation is not valid: cannot do managed save for transient domain');
    expect(thrown(() => l.undefine('a')).message).toBe('Requested operation is not valid: cannot undefine transient domain');
    expect(observe(l)).toEqual(before);
  });
  it('undefine of a running persistent VM makes it transient; it vanishes when destroyed', () => {
    const l = booted();
    l.undefine('a');
    expect(l.takeEvents()).toEqual([{ type: 'vm.undefined', time: 5_000_000, vm: 'a', active: true }]);
    expect(l.inspect('a')).toMatchObject({ persistent: false, phase: 'running' });
    l.destroy('a');
    expect(l.list()).toEqual([]);
  });
  it('undefine of an inactive VM removes it', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.undefine('a');
    expect(l.list()).toEqual([]);
  });
  it('define of a running transient VM makes it persistent; the new config applies at the next boot', () => {
    const l = booted(false);
    l.define('a', { vcpus: 4 });
    expect(l.inspect('a')).toMatchObject({ persistent: true, config: { vcpus: 4 }, live: { vcpus: 1 } });
    l.destroy('a');
    expect(l.inspect('a').phase).toBe('shutoff');
    l.start('a');
    expect(l.inspect('a').live?.vcpus).toBe(4);
  });
  it('start consumes a managed-save image (RUNNING/RESTORED); undefine refuses while one exists', () => {
    const l = booted();
    l.managedSave('a');
    l.advanceTo(10_000_000);
    expect(l.inspect('a').managedSave).not.toBeNull();
    expect(thrown(() => l.undefine('a')).message).toBe('Requested operation is not valid: Refusing to undefine while domain managed save image exists');
    l.start('a');
    expect(l.inspect('a')).toMatchObject({ phase: 'restoring', managedSave: null });
    l.advanceTo(20_000_000);
    expect(l.inspect('a').libvirt).toEqual({ state: 'running', reason: 'restored' });
  });
  it('start --force-boot discards the image and boots; undefine --managed-save removes it', () => {
    const l = booted();
    l.managedSave('a');
    l.advanceTo(10_000_000);
    l.start('a', { forceBoot: true });
    expect(l.inspect('a')).toMatchObject({ phase: 'starting', managedSave: null });
    const m = booted();
    m.managedSave('a');
    m.advanceTo(10_000_000);
    m.undefine('a', { managedSave: true });
    expect(m.list()).toEqual([]);
  });
  it('undefine --snapshots-metadata removes an inactive VM with snapshots', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.snapshotCreate('a');
    l.snapshotCreate('a');
    expect(thrown(() => l.undefine('a')).message).toBe('Requested operation is not valid: cannot delete inactive domain with 2 snapshots');
    l.undefine('a', { snapshotsMetadata: true });
    expect(l.list()).toEqual([]);
  });
  it('snapshot-revert needs a snapshot', () => {
    const l = booted();
    expect(thrown(() => l.snapshotRevert('a')).message).toBe("Domain snapshot not found: no domain snapshot with matching name 'a'");
  });
  it('commands on an unknown VM are NotFoundError', () => {
    const l = createVmLifecycles();
    expect(thrown(() => l.start('nope')).code).toBe('E_NOT_FOUND');
  });
});

describe('crashes', () => {
  const cases: [VmCrashReason, OnCrash, string, string, string][] = [
    ['guest-panic', 'destroy', 'shutoff', 'shutoff', 'crashed'],
    ['guest-panic', 'restart', 'starting', 'running', 'crashed'],
    ['guest-panic', 'preserve', 'crashed', 'crashed', 'panicked'],
    ['host-oom', 'preserve', 'shutoff', 'shutoff', 'crashed'],
    ['host-failure', 'restart', 'shutoff', 'shutoff', 'crashed'],
  ];
  for (const [reason, onCrash, phase, state, why] of cases) {
    it(`${reason} with <on_crash>${onCrash} → ${state} (${why})`, () => {
      const l = booted(true, onCrash);
      l.crash('a', reason);
      const vm = l.inspect('a');
      expect([vm.phase, vm.libvirt.state, vm.libvirt.reason]).toEqual([phase, state, why]);
      const action = reason === 'guest-panic' ? onCrash : 'destroy';
      expect(l.takeEvents()[0]).toEqual({ type: 'vm.crashed', time: 5_000_000, vm: 'a', reason, action });
    });
  }
  it('a crashed transient VM vanishes; a crash during a save aborts it', () => {
    const l = booted(false);
    l.crash('a', 'host-oom');
    expect(l.list()).toEqual([]);
    const m = booted();
    m.save('a');
    m.crash('a', 'host-failure');
    expect(m.inspect('a')).toMatchObject({ phase: 'shutoff', reason: 'crashed', activity: null });
    expect(m.nextEventTime()).toBe(Infinity);
  });
});

describe('hooks for migration and snapshots', () => {
  it('an open-ended migration: completed → SHUTOFF/MIGRATED at the source', () => {
    const l = booted();
    l.beginMigration('a');
    expect(l.nextEventTime()).toBe(Infinity);
    l.advanceTo(9_000_000);
    l.endMigration('a', 'completed');
    expect(l.inspect('a').libvirt).toEqual({ state: 'shutoff', reason: 'migrated' });
  });
  it('a cancelled migration returns the VM where it was, paused if suspended meanwhile (migrate --timeout)', () => {
    const l = booted();
    l.beginMigration('a');
    l.suspend('a');
    expect(l.inspect('a').libvirt).toEqual({ state: 'paused', reason: 'migration' });
    l.endMigration('a', 'cancelled');
    expect(l.inspect('a').libvirt).toEqual({ state: 'paused', reason: 'migration' });
    expect(thrown(() => l.endMigration('a', 'completed')).code).toBe('E_INVALID_TRANSITION');
  });
  it('a timed migration ends by itself; the destination receives RUNNING/MIGRATED', () => {
    const l = booted(false);
    l.migrate('a', { durationUs: 4_000_000 });
    l.advanceTo(9_000_000);
    expect(l.list()).toEqual([]);
    const d = createVmLifecycles();
    d.receiveMigration('a', { vcpus: 2 });
    expect(d.inspect('a').libvirt).toEqual({ state: 'running', reason: 'migrated' });
    expect(thrown(() => d.receiveMigration('a', {})).code).toBe('E_CONFLICT');
  });
  it('a snapshot freezes a boot in progress and gives it back; completed counts the snapshot', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.start('a');
    l.advanceTo(1_000_000);
    l.beginSnapshot('a', { durationUs: Infinity });
    l.advanceTo(50_000_000);
    expect(l.inspect('a').libvirt).toEqual({ state: 'paused', reason: 'snapshot' });
    l.endSnapshot('a', 'completed');
    expect(l.inspect('a')).toMatchObject({ phase: 'starting', snapshots: 1 });
    expect(l.nextEventTime()).toBe(54_000_000);
    l.beginSnapshot('a', { durationUs: Infinity });
    l.endSnapshot('a', 'failed');
    expect(l.inspect('a')).toMatchObject({ phase: 'starting', snapshots: 1 });
  });
  it('snapshot-revert to a paused or shut-off snapshot', () => {
    const l = booted();
    l.snapshotCreate('a');
    l.advanceTo(20_000_000);
    l.snapshotRevert('a', { snapshotState: 'paused' });
    l.advanceTo(40_000_000);
    expect(l.inspect('a').libvirt).toEqual({ state: 'paused', reason: 'from_snapshot' });
    l.snapshotRevert('a', { snapshotState: 'shutoff' });
    expect(l.inspect('a').libvirt).toEqual({ state: 'shutoff', reason: 'from_snapshot' });
  });
});

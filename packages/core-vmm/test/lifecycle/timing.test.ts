// Timers: boot, shutdown and its timeout, save / restore from RAM over the disk, pause freezing a
// boot, timed suspend / resume; and the events each emits.
import { describe, expect, it } from 'vitest';
import { createVmLifecycles, imageTransferUs, LIBVIRT_TIMINGS, LIBVIRT_GUESTS_SHUTDOWN_TIMEOUT_US } from '../../src/index.js';
import { GiB, observe, thrown } from './fixture.js';

function microVm() {
  const l = createVmLifecycles();
  l.createMicroVm('fc');
  l.firecracker('fc', 'put-boot-source');
  return l;
}

describe('boot', () => {
  it('a microVM boots at exactly 125 ms', () => {
    const l = microVm();
    l.firecracker('fc', 'instance-start');
    expect(l.inspect('fc').firecracker).toBe('Running');
    expect(l.nextEventTime()).toBe(125_000);
    expect(l.advanceTo(124_999).map((e) => e.type)).toEqual(['vm.defined', 'vm.state_changed']);
    expect(l.inspect('fc').phase).toBe('starting');
    expect(l.advanceTo(125_000)).toEqual([
      { type: 'vm.state_changed', time: 125_000, vm: 'fc', from: 'starting', to: 'running', reason: 'booted' },
      { type: 'vm.booted', time: 125_000, vm: 'fc', bootUs: 125_000 },
    ]);
  });
  it('a full VM boots in LIBVIRT_TIMINGS.bootUs (5 s), overridable per host and per VM', () => {
    const l = createVmLifecycles({ libvirtTimings: { bootUs: 30_000_000 } });
    l.define('a');
    l.define('b', { timings: { bootUs: 1_000 } });
    l.start('a');
    l.start('b');
    expect(LIBVIRT_TIMINGS.bootUs).toBe(5_000_000);
    expect(l.advanceTo(60_000_000).filter((e) => e.type === 'vm.booted')).toEqual([
      { type: 'vm.booted', time: 1_000, vm: 'b', bootUs: 1_000 },
      { type: 'vm.booted', time: 30_000_000, vm: 'a', bootUs: 30_000_000 },
    ]);
  });
  it('a pause freezes the boot; resume continues it for the rest', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.start('a');
    l.advanceTo(2_000_000);
    l.suspend('a');
    expect(l.nextEventTime()).toBe(Infinity);
    l.advanceTo(10_000_000);
    l.resume('a');
    expect(l.inspect('a').phase).toBe('starting');
    expect(l.nextEventTime()).toBe(13_000_000);
  });
  it('reset restarts the boot; reboot adds the guest shutdown first', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.start('a');
    l.advanceTo(6_000_000);
    l.reset('a');
    expect(l.nextEventTime()).toBe(11_000_000);
    l.advanceTo(12_000_000);
    l.reboot('a');
    expect(l.inspect('a').libvirt).toEqual({ state: 'running', reason: 'booted' });
    expect(l.nextEventTime()).toBe(12_000_000 + 2_000_000 + 5_000_000);
  });
});

describe('shutdown', () => {
  const running = (acpi = true) => {
    const l = createVmLifecycles();
    l.define('a', { guestHonorsAcpi: acpi });
    l.start('a');
    l.advanceTo(5_000_000);
    l.takeEvents();
    return l;
  };
  it('the guest powers off after shutdownUs: SHUTOFF/SHUTDOWN', () => {
    const l = running();
    l.shutdown('a');
    expect(l.inspect('a').libvirt).toEqual({ state: 'running', reason: 'booted' });
    l.advanceTo(6_999_999);
    expect(l.inspect('a').phase).toBe('shutting-down');
    expect(l.advanceTo(7_000_000).at(-1)).toEqual({ type: 'vm.state_changed', time: 7_000_000, vm: 'a', from: 'shutting-down', to: 'shutoff', reason: 'shutdown' });
    expect(l.inspect('a').libvirt).toEqual({ state: 'shutoff', reason: 'shutdown' });
  });
  it('a guest that ignores ACPI keeps running forever without a timeout (virsh has none)', () => {
    const l = running(false);
    l.shutdown('a');
    expect(l.nextEventTime()).toBe(Infinity);
    l.advanceTo(1e12);
    expect(l.inspect('a').phase).toBe('running');
  });
  it('with a timeout and destroy, the guest is destroyed at the timeout', () => {
    const l = running(false);
    l.shutdown('a', { timeoutUs: 60_000_000, onTimeout: 'destroy' });
    expect(l.advanceTo(65_000_000)).toEqual([
      { type: 'vm.shutdown_timed_out', time: 65_000_000, vm: 'a', action: 'destroy' },
      { type: 'vm.state_changed', time: 65_000_000, vm: 'a', from: 'running', to: 'shutoff', reason: 'destroyed' },
    ]);
  });
  it("libvirt-guests' 300 s timeout gives up and leaves the guest running", () => {
    const l = running(false);
    l.shutdown('a', { timeoutUs: LIBVIRT_GUESTS_SHUTDOWN_TIMEOUT_US });
    expect(l.advanceTo(400_000_000)).toEqual([{ type: 'vm.shutdown_timed_out', time: 305_000_000, vm: 'a', action: 'keep-running' }]);
    expect(l.inspect('a').phase).toBe('running');
  });
  it('a shutdown during the boot is ignored by the guest, but its timeout still destroys it', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.start('a');
    l.shutdown('a', { timeoutUs: 1_000_000, onTimeout: 'destroy' });
    expect(l.inspect('a').phase).toBe('starting');
    l.advanceTo(1_000_000);
    expect(l.inspect('a').libvirt).toEqual({ state: 'shutoff', reason: 'destroyed' });
  });
  it('a guest that finishes before the timeout cancels it', () => {
    const l = running();
    l.shutdown('a', { timeoutUs: 10_000_000, onTimeout: 'destroy' });
    const events = l.advanceTo(100_000_000);
    expect(events.map((e) => e.type)).toEqual(['vm.state_changed', 'vm.state_changed']);
    expect(l.inspect('a').reason).toBe('shutdown');
  });
});

describe('save, restore, timed suspend', () => {
  it('save takes RAM / disk bandwidth; restore the same; the image restores RUNNING/RESTORED', () => {
    const l = createVmLifecycles();
    l.define('a', { memoryBytes: GiB });
    l.start('a');
    l.advanceTo(5_000_000);
    const image = l.save('a');
    const us = imageTransferUs(l.inspect('a').config, LIBVIRT_TIMINGS);
    expect(us).toBe(Math.ceil((GiB / 500_000_000) * 1e6));
    expect(thrown(() => l.restore(image)).code).toBe('E_NOT_FOUND');
    expect(l.nextEventTime()).toBe(5_000_000 + us);
    l.advanceTo(5_000_000 + us);
    expect(l.inspect('a').libvirt).toEqual({ state: 'shutoff', reason: 'saved' });
    l.restore(image);
    expect(l.advanceTo(5_000_000 + 2 * us).map((e) => e.type)).toContain('vm.restored');
    expect(l.inspect('a').libvirt).toEqual({ state: 'running', reason: 'restored' });
  });
  it('restore --paused ends PAUSED', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.start('a');
    l.advanceTo(5_000_000);
    const image = l.save('a');
    l.advanceTo(20_000_000);
    l.restore(image, { paused: true });
    l.advanceTo(40_000_000);
    expect(l.inspect('a').libvirt.state).toBe('paused');
  });
  it('with pauseUs the suspend lands later; meanwhile other commands meet the job lock, destroy does not', () => {
    const l = createVmLifecycles({ libvirtTimings: { pauseUs: 1_000, resumeUs: 2_000 } });
    l.define('a');
    l.start('a');
    l.advanceTo(5_000_000);
    l.suspend('a');
    const before = observe(l);
    expect(thrown(() => l.resume('a')).message).toBe('Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainSuspend)');
    expect(observe(l)).toEqual(before);
    l.advanceTo(5_001_000);
    expect(l.inspect('a').phase).toBe('paused');
    l.resume('a');
    l.advanceTo(5_002_999);
    expect(l.inspect('a').phase).toBe('paused');
    l.advanceTo(5_003_000);
    expect(l.inspect('a').phase).toBe('running');
    l.suspend('a');
    l.destroy('a');
    expect(l.inspect('a').reason).toBe('destroyed');
    expect(l.nextEventTime()).toBe(Infinity);
  });
  it('advanceTo refuses the past', () => {
    const l = createVmLifecycles({ startTime: 10 });
    expect(thrown(() => l.advanceTo(5)).code).toBe('E_VALIDATION');
  });
});

// A VM's state word is virsh's whether or not its host's hypervisor is built, and the VM view counts
// its own HA restarts.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { scenario } from './fixtures.js';

const VIRSH_WORDS = ['running', 'paused', 'shut off', 'in shutdown', 'crashed', 'pmsuspended', 'idle', 'no state'];

function lightVms(withOff = true) {
  return scenario({
    name: 'words',
    seed: 1,
    duration: '60s',
    hosts: [{ name: 'h', count: 3, cpus: 4, memory: '16Gi' }],
    placement: 'first-fit',
    vms: [
      ...(withOff ? [{ name: 'off', vcpus: 1, memory: '1Gi', autostart: false }] : []),
      { name: 'on', count: 3, vcpus: 1, memory: '1Gi' },
    ],
  });
}

describe('VM state words', () => {
  it('a VM shut off reads `shut off` before its host has a hypervisor and after', () => {
    const dc = createDatacenter(lightVms());
    expect(dc.vm('off')).toMatchObject({ host: 'h-0', state: 'shut off' });
    // A command on another VM of h-0 builds h-0's hypervisor: the word does not change.
    dc.execute({ do: 'vm.pause', vm: 'on-0' });
    expect(dc.vm('on-0').state).toBe('paused');
    expect(dc.vm('off').state).toBe('shut off');
    dc.execute({ do: 'vm.resume', vm: 'on-0' });
    dc.execute({ do: 'vm.shutdown', vm: 'on-0' });
    dc.step(30_000_000);
    expect(dc.vm('on-0').state).toBe('shut off');
    // A refusal names the same word.
    expect(() => dc.execute({ do: 'vm.migrate', vm: 'on-0', to: 'h-1' })).toThrow(/^VM 'on-0' is shut off; only a running VM migrates live$/);
    expect(() => dc.execute({ do: 'vm.migrate', vm: 'off', to: 'h-1' })).toThrow(/^VM 'off' is shut off; only a running VM migrates live$/);
    for (const v of dc.vms()) expect(VIRSH_WORDS).toContain(v.state);
  });

  it('a VM shut off on a host that fails stays shut off (on no host, no HA restart); vm.start places it', () => {
    const dc = createDatacenter(lightVms());
    dc.step(1_000_000);
    dc.execute({ do: 'host.fail', host: 'h-0' });
    const events = dc.step(10_000_000);
    expect(dc.vm('off')).toMatchObject({ host: null, state: 'shut off', haRestarts: 0 });
    expect(events.filter((e) => e.type === 'vm.ha_restarted').map((e) => e.subject)).toEqual(['vm:on-0', 'vm:on-1', 'vm:on-2']);
    dc.execute({ do: 'vm.start', vm: 'off' });
    dc.step(6_000_000);
    expect(dc.vm('off')).toMatchObject({ host: 'h-1', state: 'running', haRestarts: 0 });
  });

  it('haRestarts counts each VM\'s own HA restarts; the report\'s total is their sum', () => {
    const dc = createDatacenter(lightVms(false));
    expect(dc.vms().map((v) => [v.name, v.haRestarts])).toEqual([['on-0', 0], ['on-1', 0], ['on-2', 0]]);
    dc.step(1_000_000);
    dc.execute({ do: 'host.fail', host: 'h-0' }); // every VM is on h-0 (first-fit)
    dc.step(10_000_000);
    const after = dc.vms();
    expect(after.map((v) => [v.name, v.host, v.haRestarts])).toEqual([['on-0', 'h-1', 1], ['on-1', 'h-1', 1], ['on-2', 'h-1', 1]]);
    dc.execute({ do: 'host.repair', host: 'h-0' });
    dc.execute({ do: 'vm.migrate', vm: 'on-1', to: 'h-2' });
    dc.step(20_000_000);
    dc.execute({ do: 'host.fail', host: 'h-1' });
    dc.step(10_000_000);
    const twice = dc.vms();
    expect(twice.map((v) => [v.name, v.haRestarts])).toEqual([['on-0', 2], ['on-1', 1], ['on-2', 2]]);
    expect(dc.summary().vms.haRestarts).toBe(twice.reduce((a, v) => a + v.haRestarts, 0));
    for (const v of twice) expect(VIRSH_WORDS).toContain(v.state);
  });
});

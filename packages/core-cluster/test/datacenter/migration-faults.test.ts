// A live migration (the VM keeps running, its containers keep their state, it ends on the target) and
// a host failure with HA restart on another host.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { nested } from './fixtures.js';

describe('vm.migrate', () => {
  it('moves a running VM with its containers to the target; the containers\' CPU time goes on', () => {
    const dc = createDatacenter(nested());
    dc.step(5_000_000);
    expect(dc.container('cc').cpuUsec).toBe(5_000_000);
    dc.execute({ do: 'vm.migrate', vm: 'c', to: 'h-2' });
    const during = dc.step(100_000);
    // The target receives the VM first (vm.defined there, PAUSED/MIGRATION), then the transfer starts.
    expect(during.find((e) => e.type === 'migration.started')).toMatchObject({ type: 'migration.started', time: 5_000_000, subject: 'vm:c', from: 'h-1', to: 'h-2' });
    expect(dc.vm('c').state).toBe('running');
    const events = [...during, ...dc.step(4_900_000)];
    const types = events.filter((e) => e.subject === 'vm:c').map((e) => e.type);
    expect(types).toContain('migration.round');
    expect(types).toContain('migration.completed');
    expect(types.indexOf('migration.completed')).toBeGreaterThan(types.indexOf('migration.started'));
    const vm = dc.vm('c');
    expect(vm).toMatchObject({ host: 'h-2', state: 'running', migrations: 1 });
    expect(dc.host('h-1').vms).toEqual([]);
    expect(dc.host('h-2').vms).toEqual(['c']);
    // The guest ran throughout (2 GiB over 10 Gbit/s takes about 1.8 s; pre-copy keeps the guest running)
    // except for the downtime: at 10 s the container has nearly 10 s of CPU, in the same process.
    const cc = dc.container('cc');
    expect(cc.state).toBe('running');
    expect(cc.restarts).toBe(0);
    const completed = events.find((e) => e.type === 'migration.completed')!;
    expect(cc.cpuUsec).toBeGreaterThanOrEqual(10_000_000 - Number(completed['downtimeUs'] ?? 0) - 1);
    expect(cc.cpuUsec).toBeLessThanOrEqual(10_000_000);
    // The VM's CPU accounting continued on the target.
    expect(vm.cpuUsec).toBe(cc.cpuUsec);
    expect(dc.summary().vms.migrations).toBe(1);
  });

  it('refuses a migration to the VM\'s own host, to a failed host, and of a VM that is not running, changing nothing', () => {
    const dc = createDatacenter(nested());
    dc.step(1_000_000);
    expect(() => dc.execute({ do: 'vm.migrate', vm: 'c', to: 'h-1' })).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    dc.execute({ do: 'host.fail', host: 'h-2' });
    expect(() => dc.execute({ do: 'vm.migrate', vm: 'c', to: 'h-2' })).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
    dc.execute({ do: 'vm.pause', vm: 'c' });
    expect(() => dc.execute({ do: 'vm.migrate', vm: 'c' })).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
    expect(dc.vm('c').host).toBe('h-1');
  });
});

describe('host failure and HA', () => {
  it('crashes the host\'s VMs and restarts the HA ones on another host; containers follow their restart policies', () => {
    const dc = createDatacenter(
      nested({
        // c is pinned to the template h (any of its instances): HA restarts it on another instance. a and
        // b fill h-0 (8 vCPUs on 2 CPUs, the allocation ratio's most), so c's first placement is h-1.
        vms: [
          { name: 'a', vcpus: 4, memory: '2Gi', host: 'h-0' },
          { name: 'b', vcpus: 4, memory: '2Gi', host: 'h-0' },
          { name: 'c', vcpus: 2, memory: '2Gi', host: 'h' },
        ],
        containers: [
          { name: 'keeps', on: 'c', image: 'batch', command: [{ cpu: '1000s' }], restart: 'always' },
          { name: 'once', on: 'c', image: 'batch', command: [{ cpu: '1000s' }] },
        ],
      }),
    );
    dc.step(2_000_000);
    dc.execute({ do: 'host.fail', host: 'h-1' });
    const events = dc.step(10_000_000);
    const at = (type: string) => events.find((e) => e.type === type);
    expect(at('vm.crashed')).toMatchObject({ subject: 'vm:c', time: 2_000_000, reason: 'host-failure' });
    expect(at('host.failed')).toMatchObject({ subject: 'host:h-1', time: 2_000_000, vms: ['c'] });
    const restarted = at('vm.ha_restarted')!;
    expect(restarted).toMatchObject({ subject: 'vm:c', from: 'h-1', time: 2_000_000 });
    expect(restarted['to']).not.toBe('h-1');
    expect(dc.vm('c')).toMatchObject({ host: restarted['to'], state: 'running' });
    expect(dc.host('h-1')).toMatchObject({ state: 'failed', vms: [], cpuUtilization: 0, powerWatts: 0 });
    // The guest booted again (5 s): the restart-always container runs again from scratch, the other was only created.
    expect(dc.container('keeps').state).toBe('running');
    expect(dc.container('keeps').cpuUsec).toBeGreaterThan(0);
    expect(dc.container('keeps').cpuUsec).toBeLessThan(12_000_000 - 2_000_000);
    expect(dc.container('once').state).toBe('created');
    const report = dc.summary();
    expect(report.hosts.failures).toBe(1);
    expect(report.vms.haRestarts).toBe(1);
    dc.execute({ do: 'host.repair', host: 'h-1' });
    expect(dc.host('h-1').state).toBe('up');
  });

  it('a VM without HA stays crashed on no host until vm.start places it again', () => {
    const dc = createDatacenter(nested({ vms: [{ name: 'solo', vcpus: 1, memory: '1Gi', host: 'h', ha: false }], containers: [] }));
    expect(dc.vm('solo').host).toBe('h-0');
    dc.execute({ do: 'host.fail', host: 'h-0' });
    expect(dc.vm('solo')).toMatchObject({ state: 'crashed', host: null });
    dc.execute({ do: 'vm.start', vm: 'solo' });
    dc.step(6_000_000);
    expect(dc.vm('solo').state).toBe('running');
    expect(dc.vm('solo').host).not.toBe('h-0');
  });

  it('injects host faults from the scenario (fixed MTBF/MTTR): fail, HA, repair, again', () => {
    const dc = createDatacenter(nested({ faults: { hosts: { mtbf: '10s', mttr: '5s', distribution: 'fixed', hosts: ['h-1'] } } }));
    const events = dc.step(40_000_000);
    const hostEvents = events.filter((e) => e.subject === 'host:h-1').map((e) => `${e.type}@${e.time / 1e6}`);
    expect(hostEvents).toEqual(['host.failed@10', 'host.repaired@15', 'host.failed@25', 'host.repaired@30', 'host.failed@40'].slice(0, hostEvents.length));
    expect(hostEvents.length).toBeGreaterThanOrEqual(4);
  });

  it('bare-metal containers stop with their host and follow their restart policies when it is repaired', () => {
    const dc = createDatacenter(
      nested({
        hosts: [{ name: 'bare', cpus: 2, memory: '8Gi', hypervisor: 'none' }],
        vms: [],
        containers: [
          { name: 'svc', on: 'bare', image: 'idle', restart: 'unless-stopped' },
          { name: 'tmp', on: 'bare', image: 'idle' },
        ],
      }),
    );
    dc.step(1_000_000);
    dc.execute({ do: 'host.fail', host: 'bare' });
    expect(dc.containers().map((c) => c.state)).toEqual(['exited', 'exited']);
    expect(() => dc.execute({ do: 'container.start', container: 'svc' })).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
    dc.step(1_000_000);
    dc.execute({ do: 'host.repair', host: 'bare' });
    dc.step(1_000_000);
    expect(dc.container('svc').state).toBe('running');
    expect(dc.container('tmp').state).toBe('created');
    dc.execute({ do: 'container.start', container: 'tmp' });
    expect(dc.container('tmp').state).toBe('running');
  });

  it('container crash faults kill PID 1 (SIGKILL); restart policies bring them back', () => {
    const dc = createDatacenter(
      nested({
        containers: [
          { name: 'tough', on: 'c', image: 'idle', restart: 'always' },
          { name: 'fragile', on: 'c', image: 'idle' },
        ],
        faults: { containers: { mtbf: '5s' } },
      }),
    );
    const events = dc.step(60_000_000);
    const crashes = (name: string) => events.filter((e) => e.type === 'container.crashed' && e.subject === `container:${name}`).length;
    expect(crashes('tough')).toBeGreaterThan(3);
    expect(crashes('fragile')).toBe(1);
    expect(dc.container('tough').state).toMatch(/running|restarting/);
    expect(dc.container('tough').restarts).toBeGreaterThan(3);
    expect(dc.container('fragile').state).toBe('exited');
    expect(events.find((e) => e.type === 'container.die' && e.subject === 'container:fragile')?.['exitCode']).toBe('137');
  });
});

describe('declared VMs', () => {
  it('run from time 0 without a boot; one declared with autostart: false boots with the lifecycle\'s timing when started', () => {
    const dc = createDatacenter(nested({ vms: [{ name: 'up', vcpus: 1, memory: '1Gi' }, { name: 'later', vcpus: 1, memory: '1Gi', autostart: false }], containers: [] }));
    expect(dc.vm('up').state).toBe('running');
    expect(dc.vm('later').state).toBe('shut off');
    dc.execute({ do: 'vm.start', vm: 'later' });
    const events = dc.step(6_000_000);
    expect(events.find((e) => e.type === 'vm.booted' && e.subject === 'vm:later')).toMatchObject({ time: 5_000_000, bootUs: 5_000_000 });
    expect(events.some((e) => e.subject === 'vm:up')).toBe(false);
  });
});

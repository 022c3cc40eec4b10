// Restarts and constraints: a declared VM's later boots take the lifecycle's real time; a template's
// `host` binds HA restarts and `vm.migrate` without `to` (a pinned VM waits for its host's repair);
// a Firecracker microVM cannot migrate live.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { nested } from './fixtures.js';

describe('a VM declared running at time 0', () => {
  it('boots in 0 µs at the start, and in libvirt\'s 5 s when it is shut down and started again on the same host', () => {
    const dc = createDatacenter(nested());
    dc.step(1_000_000);
    dc.execute({ do: 'vm.shutdown', vm: 'c' });
    dc.step(30_000_000);
    expect(dc.vm('c').state).toBe('shut off');
    const cpuBefore = dc.vm('c').cpuUsec;
    expect(cpuBefore).toBeGreaterThan(0);
    const t0 = dc.now();
    dc.execute({ do: 'vm.start', vm: 'c' });
    const events = dc.step(6_000_000);
    expect(events.find((e) => e.type === 'vm.booted' && e.subject === 'vm:c')).toMatchObject({ time: t0 + 5_000_000, bootUs: 5_000_000 });
    expect(dc.vm('c')).toMatchObject({ state: 'running', host: 'h-1' });
    // The VM's CPU totals survive the redefinition.
    expect(dc.vm('c').cpuUsec).toBeGreaterThanOrEqual(cpuBefore);
    // And a second restart boots in 5 s too.
    dc.execute({ do: 'vm.destroy', vm: 'c' });
    const t1 = dc.now();
    dc.execute({ do: 'vm.start', vm: 'c' });
    const again = dc.step(6_000_000);
    expect(again.find((e) => e.type === 'vm.booted' && e.subject === 'vm:c')).toMatchObject({ time: t1 + 5_000_000, bootUs: 5_000_000 });
  });

  it('a refused vm.start (already running) changes nothing: no redefinition', () => {
    const dc = createDatacenter(nested());
    dc.step(1_000_000);
    expect(() => dc.execute({ do: 'vm.start', vm: 'c' })).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
    expect(dc.step(1_000).some((e) => e.subject === 'vm:c' && (e.type === 'vm.undefined' || e.type === 'vm.defined'))).toBe(false);
    expect(dc.vm('c').state).toBe('running');
  });
});

describe('a template\'s host is a constraint on every placement', () => {
  const pinned = () =>
    nested({
      vms: [
        { name: 'p', vcpus: 1, memory: '1Gi', host: 'h-1' },
        { name: 'free', vcpus: 1, memory: '1Gi', host: 'h-1' },
      ],
      containers: [{ name: 'svc', on: 'p', image: 'idle', restart: 'always' }],
    });

  it('an HA VM pinned to a failed host waits (vm.ha_waiting) and restarts there when the host is repaired', () => {
    const dc = createDatacenter(pinned());
    dc.step(1_000_000);
    dc.execute({ do: 'host.fail', host: 'h-1' });
    const events = dc.step(10_000_000);
    const waiting = events.filter((e) => e.type === 'vm.ha_waiting');
    expect(waiting.map((e) => e.subject)).toEqual(['vm:p', 'vm:free']);
    expect(waiting[0]).toMatchObject({ time: 1_000_000, from: 'h-1', hosts: ['h-1'] });
    expect(String(waiting[0]!['reason'])).toContain('h-1');
    expect(events.some((e) => e.type === 'vm.ha_restarted' || e.type === 'vm.ha_failed')).toBe(false);
    expect(dc.vm('p')).toMatchObject({ host: null, state: 'crashed' });
    expect(dc.host('h-0').vms).toEqual([]);
    expect(dc.host('h-2').vms).toEqual([]);
    // vm.start cannot place it elsewhere either.
    expect(() => dc.execute({ do: 'vm.start', vm: 'p' })).toThrow(expect.objectContaining({ code: 'E_INSUFFICIENT_RESOURCES' }));
    dc.execute({ do: 'host.repair', host: 'h-1' });
    const after = dc.step(6_000_000);
    expect(after.filter((e) => e.type === 'vm.ha_restarted').map((e) => [e.subject, e['to'], e.time])).toEqual([
      ['vm:p', 'h-1', 11_000_000],
      ['vm:free', 'h-1', 11_000_000],
    ]);
    expect(dc.vm('p')).toMatchObject({ host: 'h-1', state: 'running' });
    expect(dc.container('svc').state).toBe('running');
    expect(dc.summary().vms.haRestarts).toBe(2);
  });

  it('a VM pinned to a template restarts only on that template\'s hosts', () => {
    const dc = createDatacenter(
      nested({
        hosts: [
          { name: 'h', count: 2, cpus: 2, memory: '16Gi' },
          { name: 'big', count: 2, cpus: 16, memory: '64Gi' },
        ],
        vms: [{ name: 'v', count: 2, vcpus: 1, memory: '1Gi', host: 'h' }],
        containers: [],
      }),
    );
    expect(dc.vm('v-0').host).toBe('h-0');
    dc.execute({ do: 'host.fail', host: 'h-0' });
    // Placement alone (first-fit) would choose h-1 too; make h-0's twin the only instance and check the pin holds.
    expect(dc.vm('v-0').host).toBe('h-1');
    dc.execute({ do: 'host.fail', host: 'h-1' });
    const events = dc.step(1_000);
    expect(events.filter((e) => e.type === 'vm.ha_waiting').map((e) => e.subject).sort()).toEqual(['vm:v-0', 'vm:v-1']);
    expect(dc.host('big-0').vms).toEqual([]);
    expect(dc.host('big-1').vms).toEqual([]);
    dc.execute({ do: 'host.repair', host: 'h-0' });
    expect([dc.vm('v-0').host, dc.vm('v-1').host]).toEqual(['h-0', 'h-0']);
  });

  it('vm.migrate without to stays within the pin: refused for a VM pinned to one host, another instance of a pinned template otherwise', () => {
    const dc = createDatacenter(pinned());
    dc.step(1_000_000);
    let error: unknown;
    try {
      dc.execute({ do: 'vm.migrate', vm: 'p' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_INSUFFICIENT_RESOURCES' });
    expect((error as Error).message).toContain('pinned to h-1');
    expect(dc.vm('p')).toMatchObject({ host: 'h-1', state: 'running', migrations: 0 });
    // An explicit target is the operator's choice.
    dc.execute({ do: 'vm.migrate', vm: 'p', to: 'h-2' });
    dc.step(20_000_000);
    expect(dc.vm('p')).toMatchObject({ host: 'h-2', migrations: 1 });

    const dc2 = createDatacenter(
      nested({
        hosts: [
          { name: 'h', count: 2, cpus: 2, memory: '16Gi' },
          { name: 'big', count: 1, cpus: 16, memory: '64Gi' },
        ],
        vms: [{ name: 'v', vcpus: 1, memory: '1Gi', host: 'h' }],
        containers: [],
      }),
    );
    dc2.execute({ do: 'vm.migrate', vm: 'v' });
    dc2.step(20_000_000);
    expect(dc2.vm('v')).toMatchObject({ host: 'h-1', migrations: 1 });
  });
});

describe('a Firecracker microVM', () => {
  it('vm.migrate is a typed error naming why and what is accepted, and changes nothing', () => {
    const dc = createDatacenter(nested({ vms: [{ name: 'fc', vcpus: 1, memory: '1Gi', flavor: 'firecracker', host: 'h-0' }], containers: [] }));
    dc.step(1_000_000);
    let error: unknown;
    try {
      dc.execute({ do: 'vm.migrate', vm: 'fc', to: 'h-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_VALIDATION' });
    expect((error as { details: unknown }).details).toMatchObject({ flavor: 'firecracker', accepted: 'flavor: libvirt' });
    expect((error as Error).message).toMatch(/Firecracker has no live migration.*snapshot.*accepts libvirt VMs/);
    expect(() => dc.execute({ do: 'vm.migrate', vm: 'fc' })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(dc.vm('fc')).toMatchObject({ host: 'h-0', state: 'running', migrations: 0 });
    expect(dc.step(1_000).some((e) => e.type.startsWith('migration.'))).toBe(false);
  });
});

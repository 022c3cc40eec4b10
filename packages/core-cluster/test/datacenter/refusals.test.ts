// Every command either applies fully or throws a typed error and changes nothing: the state any query
// shows, and the event stream, are the same before and after a refused command.
import { ClusterCommandSchema } from '@strata/shared-types';
import type { ClusterCommandInput } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import type { ClusterDatacenter } from '../../src/index.js';
import { nested } from './fixtures.js';

function snapshot(dc: ClusterDatacenter): string {
  return JSON.stringify({ now: dc.now(), hosts: dc.hosts(), vms: dc.vms(), containers: dc.containers(), topology: dc.topology(), placement: dc.vms().map((v) => dc.placementOf(v.name).host), summary: dc.summary() });
}

const refused: [string, ClusterCommandInput][] = [
  ['E_NOT_FOUND', { do: 'vm.start', vm: 'nope' }],
  ['E_INVALID_TRANSITION', { do: 'vm.start', vm: 'a' }],
  ['E_INVALID_TRANSITION', { do: 'vm.resume', vm: 'a' }],
  ['E_NOT_FOUND', { do: 'vm.delete', vm: 'nope' }],
  ['E_CONFLICT', { do: 'vm.migrate', vm: 'c', to: 'h-1' }],
  ['E_NOT_FOUND', { do: 'vm.migrate', vm: 'c', to: 'nope' }],
  ['E_CONFLICT', { do: 'vm.create', vm: { name: 'a', vcpus: 1, memory: '1Gi' } }],
  ['E_CONFLICT', { do: 'vm.create', vm: { name: 'h-0', vcpus: 1, memory: '1Gi' } }],
  ['E_INSUFFICIENT_RESOURCES', { do: 'vm.create', vm: { name: 'huge', vcpus: 64, memory: '1Ti' } }],
  ['E_NOT_FOUND', { do: 'vm.create', vm: { name: 'x', vcpus: 1, memory: '1Gi' }, host: 'nope' }],
  ['E_VALIDATION', { do: 'vm.update', vm: 'a', cpu: { shares: 100 } }],
  ['E_INVALID_TRANSITION', { do: 'host.repair', host: 'h-0' }],
  ['E_NOT_FOUND', { do: 'host.fail', host: 'nope' }],
  ['E_NOT_FOUND', { do: 'container.create', container: { name: 'new', on: 'nope', image: 'batch' } }],
  ['E_VALIDATION', { do: 'container.create', container: { name: 'new', on: 'h-0', image: 'batch' } }],
  ['E_CONFLICT', { do: 'container.create', container: { name: 'ca', on: 'a', image: 'batch' } }],
  ['E_NOT_FOUND', { do: 'container.create', container: { name: 'new', on: 'c', image: 'no-such-image' } }],
  ['E_NOT_FOUND', { do: 'container.create', container: { name: 'new', on: 'h-2-vm', image: 'batch' } }],
  ['E_INVALID_TRANSITION', { do: 'container.start', container: 'ca' }],
  ['E_NOT_FOUND', { do: 'container.kill', container: 'nope' }],
  ['E_NOT_FOUND', { do: 'container.delete', container: 'nope' }],
  ['E_NOT_FOUND', { do: 'scale', template: 'nope', count: 2 }],
  ['E_INSUFFICIENT_RESOURCES', { do: 'scale', template: 'a', count: 1000 }],
];

describe('refused commands change nothing', () => {
  it.each(refused)('%s: %j', (code, input) => {
    const dc = createDatacenter(nested());
    dc.step(2_000_000);
    const before = snapshot(dc);
    const command = ClusterCommandSchema.parse(input);
    let error: unknown;
    try {
      dc.execute(command);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code });
    expect((error as Error).message.length).toBeGreaterThan(10);
    expect(dc.takeEvents()).toEqual([]);
    expect(snapshot(dc)).toBe(before);
    // And the future is the same as a datacenter that never saw the command.
    const twin = createDatacenter(nested());
    twin.step(2_000_000);
    twin.takeEvents();
    expect(JSON.stringify(dc.step(3_000_000))).toBe(JSON.stringify(twin.step(3_000_000)));
    expect(snapshot(dc)).toBe(snapshot(twin));
  });

  it('a second migration of a migrating VM is a conflict', () => {
    const dc = createDatacenter(nested());
    dc.execute({ do: 'vm.migrate', vm: 'c', to: 'h-2' });
    dc.step(1000);
    dc.takeEvents();
    const before = snapshot(dc);
    expect(() => dc.execute({ do: 'vm.migrate', vm: 'c', to: 'h-0' })).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(() => dc.execute({ do: 'vm.delete', vm: 'c' })).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(snapshot(dc)).toBe(before);
  });
});

describe('accepted commands', () => {
  it('vm.create boots with the lifecycle\'s timing; vm.delete removes the VM and its containers; container commands reach the engine', () => {
    const dc = createDatacenter(nested());
    dc.execute(ClusterCommandSchema.parse({ do: 'vm.create', vm: { name: 'new', vcpus: 1, memory: '1Gi' }, host: 'h-2' }));
    const events = dc.step(6_000_000);
    expect(events.filter((e) => e.subject === 'vm:new').map((e) => `${e.type}@${e.time}`)).toEqual(expect.arrayContaining(['vm.defined@0', 'vm.booted@5000000']));
    expect(dc.vm('new')).toMatchObject({ state: 'running', host: 'h-2' });
    dc.execute(ClusterCommandSchema.parse({ do: 'container.create', container: { name: 'n1', on: 'new', image: 'batch', command: [{ cpu: '100s' }] } }));
    dc.step(1_000_000);
    expect(dc.container('n1').cpuUsec).toBe(1_000_000);
    dc.execute({ do: 'container.kill', container: 'n1', signal: 'SIGKILL' });
    dc.step(1000);
    expect(dc.container('n1').state).toBe('exited');
    dc.execute({ do: 'container.start', container: 'n1' });
    dc.step(1000);
    expect(dc.container('n1').state).toBe('running');
    dc.execute({ do: 'vm.delete', vm: 'new' });
    expect(() => dc.vm('new')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(() => dc.container('n1')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(dc.host('h-2').vms).toEqual([]);
  });

  it('vm.update changes the host policy\'s settings: a VM at 3× the weight gets 3/4 of the contended host', () => {
    const dc = createDatacenter(nested());
    dc.execute({ do: 'vm.update', vm: 'a', cpu: { weight: 768 } });
    dc.step(4_000_000);
    expect(dc.vm('a').cpuUsec).toBe(6_000_000);
    expect(dc.vm('b').cpuUsec).toBe(2_000_000);
  });

  it('container.update (docker update words) changes the limits in force: --cpus 0.25 caps a busy container inside its VM', () => {
    const dc = createDatacenter(nested());
    dc.step(1_000_000);
    expect(dc.container('cc').cpuUsec).toBe(1_000_000);
    dc.execute(ClusterCommandSchema.parse({ do: 'container.update', container: 'cc', cpus: '0.25' }));
    dc.step(4_000_000);
    expect(dc.container('cc').cpuUsec).toBe(2_000_000);
    // The VM asks only what its guest can use: a quarter of one vCPU.
    expect(dc.host('h-1').cpuUtilization).toBe(0.125);
  });

  it('scale adds VMs of a template (with their containers) and removes the highest-numbered ones', () => {
    const dc = createDatacenter(
      nested({
        vms: [{ name: 'w', count: 2, vcpus: 1, memory: '1Gi' }],
        containers: [{ name: 'app', on: 'w', image: 'idle' }],
      }),
    );
    expect(dc.containers().map((c) => c.name)).toEqual(['app-w-0', 'app-w-1']);
    dc.execute({ do: 'scale', template: 'w', count: 4 });
    expect(dc.vms().map((v) => v.name)).toEqual(['w-0', 'w-1', 'w-2', 'w-3']);
    expect(dc.containers().map((c) => c.name)).toEqual(['app-w-0', 'app-w-1', 'app-w-2', 'app-w-3']);
    dc.execute({ do: 'scale', template: 'w', count: 1 });
    expect(dc.vms().map((v) => v.name)).toEqual(['w-0']);
    expect(dc.containers().map((c) => c.name)).toEqual(['app-w-0']);
  });
});

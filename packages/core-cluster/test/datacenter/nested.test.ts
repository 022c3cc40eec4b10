// Nested scheduling end to end: containers' cgroups inside guest kernels on vCPUs that their hosts
// time-slice, with hand-computed answers (fluid: exact to the µs).
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { nested } from './fixtures.js';

describe('containers inside VMs on several hosts', () => {
  it('a container in a VM sees the VM\'s steal: 4 busy vCPUs on 2 pCPUs give each VM 1 CPU and each of its 2 containers 0.5', () => {
    const dc = createDatacenter(nested());
    dc.step(10_000_000);
    // h-0: VMs a and b, 2 vCPUs each, both busy: each vCPU runs half the time, 50 % steal.
    for (const name of ['a', 'b']) {
      const vm = dc.vm(name);
      expect(vm.host).toBe('h-0');
      expect(vm.cpuUsec).toBe(10_000_000);
      expect(vm.stealUsec).toBe(10_000_000);
    }
    // Their containers want a CPU each but get the VM's share: 0.5 CPU.
    for (const name of ['ca', 'ca2', 'cb', 'cb2']) expect(dc.container(name).cpuUsec).toBe(5_000_000);
    // h-1: VM c alone, one busy container: one vCPU at full speed, the other halted; no steal.
    expect(dc.vm('c')).toMatchObject({ host: 'h-1', cpuUsec: 10_000_000, stealUsec: 0 });
    expect(dc.container('cc').cpuUsec).toBe(10_000_000);
    expect(dc.host('h-0').cpuUtilization).toBe(1);
    expect(dc.host('h-1').cpuUtilization).toBe(0.5);
    expect(dc.host('h-2').cpuUtilization).toBe(0);
  });

  it('the host\'s share moves with the guest: when a VM\'s containers finish, the other VM\'s containers get the whole host', () => {
    const dc = createDatacenter(
      nested({
        containers: [
          { name: 'short', on: 'a', image: 'batch', command: [{ cpu: '2s' }] },
          { name: 'long', on: 'b', image: 'batch', command: [{ cpu: '100s' }] },
          { name: 'long2', on: 'b', image: 'batch', command: [{ cpu: '100s' }] },
        ],
      }),
    );
    const events = dc.step(10_000_000);
    // Credit weighs domains, not vCPUs: a (one busy vCPU) and b (two) get 1 pCPU each, so short runs
    // at full speed (done at 2 s) while long and long2 share b's pCPU.
    expect(dc.container('short').state).toBe('exited');
    const die = events.find((e) => e.type === 'container.die' && e.subject === 'container:short');
    expect(die?.time).toBe(2_000_000);
    // long, long2: 0.5 each for 2 s, then b has both pCPUs: 1 each for 8 s.
    expect(dc.container('long').cpuUsec).toBe(9_000_000);
    expect(dc.container('long2').cpuUsec).toBe(9_000_000);
  });

  it('bare-metal hosts run containers on the host\'s CPUs at the host\'s speed relative to the fastest host', () => {
    const dc = createDatacenter(
      nested({
        hosts: [
          { name: 'fast', cpus: 2, cpuMips: 2000, memory: '8Gi' },
          { name: 'bare', cpus: 1, cpuMips: 1000, memory: '8Gi', hypervisor: 'none' },
        ],
        vms: [],
        containers: [{ name: 'job', on: 'bare', image: 'batch', command: [{ cpu: '1s' }] }],
      }),
    );
    const events = dc.step(5_000_000);
    // speed 0.5: 1 s of reference CPU takes 2 s.
    const die = events.find((e) => e.type === 'container.die');
    expect(die?.time).toBe(2_000_000);
    expect(dc.host('bare').vms).toEqual([]);
  });

  it('a vCPU rated below its host\'s CPU (vcpuMips 500 on 1000) uses at most half a pCPU: a busy container does half the work', () => {
    const dc = createDatacenter(
      nested({
        vms: [{ name: 'slow', vcpus: 1, vcpuMips: 500, memory: '1Gi', host: 'h-2' }],
        containers: [{ name: 'job', on: 'slow', image: 'batch', command: [{ cpu: '1s' }] }],
      }),
    );
    const events = dc.step(5_000_000);
    expect(events.find((e) => e.type === 'container.die')?.time).toBe(2_000_000);
    expect(dc.host('h-2').cpuUtilization).toBe(0);
  });

  it('exact fidelity agrees with fluid within 2 % on the oversubscribed host (credit\'s 30 ms slices, guest ticks of 4 ms)', () => {
    const dc = createDatacenter(nested({ fidelity: 'exact' }));
    dc.step(10_000_000);
    for (const name of ['a', 'b']) expect(Math.abs(dc.vm(name).cpuUsec - 10_000_000)).toBeLessThan(200_000);
    for (const name of ['ca', 'ca2', 'cb', 'cb2']) expect(Math.abs(dc.container(name).cpuUsec - 5_000_000)).toBeLessThan(100_000);
    expect(Math.abs(dc.container('cc').cpuUsec - 10_000_000)).toBeLessThan(200_000);
  });
});

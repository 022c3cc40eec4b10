// Containers' network paths follow their VM: after a live migration (or an HA restart) the VM's
// containers send and receive through the NIC of the host the VM is on now, not the old one.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { scenario } from './fixtures.js';

const MiB100 = 100 * 1024 * 1024;

type Action = { at: string; do: string; [k: string]: unknown };

/**
 * a on h-0 and c on h-1 (10 Gbit/s NICs); slow-0 has a 1 Gbit/s NIC. cli in a sends 100 MiB to srv
 * in c at 20 s. `ha` changes it for the HA test: a placed by first fit, c with 8 vCPUs (h-1 full),
 * cli restarted on failure.
 */
function build(actions: Action[], ha = false) {
  return createDatacenter(
    scenario({
      name: ha ? 'net-follows-ha' : 'net-follows-vm',
      seed: 5,
      duration: '60s',
      hosts: [
        { name: 'h', count: 2, cpus: 2, memory: '16Gi' },
        { name: 'slow', count: 1, cpus: 2, memory: '16Gi', nic: '1Gbit' },
      ],
      networks: [{ name: 'app', subnet: '10.20.0.0/16' }],
      vms: [
        { name: 'a', vcpus: 1, memory: '256Mi', ...(ha ? {} : { host: 'h-0' }) },
        { name: 'c', vcpus: ha ? 8 : 1, memory: '256Mi', host: 'h-1' },
      ],
      containers: [
        { name: 'srv', on: 'c', image: 'batch', networks: ['app'], command: [{ listen: { port: 5000 } }, { sleep: '1h' }] },
        { name: 'cli', on: 'a', image: 'batch', networks: ['app'], ...(ha ? { restart: 'on-failure' as const } : {}), command: [{ sleep: '20s' }, { send: { to: 'srv:5000', bytes: '100M' } }, { exit: 0 }] },
      ],
      actions: actions as never,
    }),
  );
}

function sendEnd(dc: ReturnType<typeof build>): number {
  const events = [...dc.takeEvents(), ...dc.step(30_000_000)];
  const die = events.find((e) => e.type === 'container.die' && e.subject === 'container:cli');
  expect(die?.['exitCode']).toBe('0');
  return die!.time;
}

describe('network paths follow the VM', () => {
  it('without a move, the send crosses h-0\'s and h-1\'s 10 Gbit/s NICs (known answer)', () => {
    // 100 MiB at 1.25 GB/s: 83,886.08 µs, completing at the next whole µs.
    expect(sendEnd(build([]))).toBe(20_000_000 + Math.ceil((MiB100 / 1_250_000_000) * 1e6));
  });

  it('after a\'s live migration to slow-0, the send leaves by slow-0\'s 1 Gbit/s NIC, not h-0\'s', () => {
    const dc = build([{ at: '1s', do: 'vm.migrate', vm: 'a', to: 'slow-0' }]);
    dc.step(15_000_000);
    expect(dc.vm('a')).toMatchObject({ host: 'slow-0', migrations: 1, state: 'running' });
    expect(dc.container('cli').state).toBe('running');
    // 100 MiB at 125 MB/s: 838,860.8 µs.
    expect(sendEnd(dc)).toBe(20_000_000 + Math.ceil((MiB100 / 125_000_000) * 1e6));
  });

  it('and back: migrated to slow-0 then to h-0 again, the send is at 10 Gbit/s again', () => {
    const dc = build([
      { at: '1s', do: 'vm.migrate', vm: 'a', to: 'slow-0' },
      { at: '8s', do: 'vm.migrate', vm: 'a', to: 'h-0' },
    ]);
    dc.step(15_000_000);
    expect(dc.vm('a')).toMatchObject({ host: 'h-0', migrations: 2 });
    expect(sendEnd(dc)).toBe(20_000_000 + Math.ceil((MiB100 / 1_250_000_000) * 1e6));
  });

  it('the receiving side too: srv\'s VM migrated to slow-0 receives through slow-0\'s NIC', () => {
    const dc = build([{ at: '1s', do: 'vm.migrate', vm: 'c', to: 'slow-0' }]);
    dc.step(15_000_000);
    expect(dc.vm('c').host).toBe('slow-0');
    expect(dc.container('srv').state).toBe('running');
    expect(sendEnd(dc)).toBe(20_000_000 + Math.ceil((MiB100 / 125_000_000) * 1e6));
  });

  it('after an HA restart on slow-0, the VM\'s new containers send by slow-0\'s NIC', () => {
    // a goes on h-0 (first fit); c fills h-1 (8 vCPUs on 2 CPUs), so a's HA restart goes to slow-0.
    const dc = build([{ at: '1s', do: 'host.fail', host: 'h-0' }], true);
    const events = [...dc.takeEvents(), ...dc.step(40_000_000)];
    expect(events.find((e) => e.type === 'vm.ha_restarted')).toMatchObject({ subject: 'vm:a', from: 'h-0', to: 'slow-0' });
    const starts = events.filter((e) => e.type === 'container.start' && e.subject === 'container:cli');
    const die = events.filter((e) => e.type === 'container.die' && e.subject === 'container:cli' && e['exitCode'] === '0');
    expect(die).toHaveLength(1);
    // The send after the restart took 100 MiB at 125 MB/s (slow-0's NIC), not at 1.25 GB/s.
    expect(die[0]!.time - starts.at(-1)!.time - 20_000_000).toBe(Math.ceil((MiB100 / 125_000_000) * 1e6));
  });
});

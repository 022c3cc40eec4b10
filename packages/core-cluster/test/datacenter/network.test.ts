// Traffic between containers in VMs on different hosts, over a user-defined overlay network.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { nested } from './fixtures.js';

describe('networks spanning hosts', () => {
  it('a container on h-0 sends 100 MiB to a container on h-1 by name; an unknown name fails; no network, no route', () => {
    const dc = createDatacenter(
      nested({
        networks: [{ name: 'app', subnet: '10.10.0.0/16' }],
        containers: [
          { name: 'srv', on: 'c', image: 'batch', networks: ['app'], command: [{ listen: { port: 5000 } }, { sleep: '1h' }] },
          { name: 'cli', on: 'a', image: 'batch', networks: ['app'], command: [{ send: { to: 'srv:5000', bytes: '100M' } }, { exit: 0 }] },
          { name: 'lost', on: 'b', image: 'batch', networks: ['app'], command: [{ send: { to: 'nobody:5000', bytes: '1M' } }, { exit: 0 }] },
        ],
      }),
    );
    expect(dc.networks()).toEqual([{ name: 'app', subnet: '10.10.0.0/16', internal: false }]);
    const events = [...dc.takeEvents(), ...dc.step(5_000_000)];
    const die = (name: string) => events.find((e) => e.type === 'container.die' && e.subject === `container:${name}`);
    // cli's send crosses the overlay path (veths, the hosts' uplinks at 10 Gbit/s): 100 MiB at
    // 1.25 GB/s is 83,886 µs (the flow completes at the first whole µs after its last byte), then it exits 0.
    expect(die('cli')).toMatchObject({ exitCode: '0', time: 83_887 });
    // The name does not resolve: the program's step fails (EAI_NONAME), an error exit at once.
    expect(die('lost')).toBeDefined();
    expect(die('lost')!['exitCode']).not.toBe('0');
    expect(die('lost')!.time).toBe(0);
    expect(dc.container('srv').state).toBe('running');
    expect(dc.topology().networks).toEqual(['app']);
  });
});

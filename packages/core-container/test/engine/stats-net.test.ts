// docker stats NET I/O: the bytes through a container's network namespace (its endpoints), summed as
// Docker sums its interfaces; loopback traffic is not counted.
import { describe, expect, it } from 'vitest';
import { rig, S } from './engine-fixture.js';

const MB = 1_000_000;

describe('stats NET I/O', () => {
  it('10 MB sent from one container to another on a user network: tx of the sender, rx of the receiver', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'srv', networks: [{ name: 'app' }], command: [{ listen: { port: 80, bytes: 10 * MB } }, { sleep: '100s' }] });
    engine.run({ image: 'idle', name: 'cli', networks: [{ name: 'app' }], command: [{ send: { to: 'srv:80', bytes: 10 * MB } }, { print: 'sent' }, { sleep: '100s' }] });
    expect(engine.stats('cli')).toMatchObject({ netTx: 0 });
    engine.advanceTo(10 * S);
    expect(engine.logs('cli').map((l) => l.text)).toEqual(['sent']);
    expect(engine.stats('cli')).toMatchObject({ netTx: 10 * MB, netRx: 0 });
    expect(engine.stats('srv')).toMatchObject({ netRx: 10 * MB, netTx: 0 });
  });

  it('loopback inside one container counts nothing', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'solo', networks: [{ name: 'app' }], command: [{ fork: { count: 1, program: [{ listen: { port: 80, bytes: MB } }] } }, { sleep: '1s' }, { send: { to: 'localhost:80', bytes: MB } }, { print: 'sent' }, { sleep: '100s' }] });
    engine.advanceTo(10 * S);
    expect(engine.logs('solo').map((l) => l.text)).toEqual(['sent']);
    expect(engine.stats('solo')).toMatchObject({ netRx: 0, netTx: 0 });
  });
});

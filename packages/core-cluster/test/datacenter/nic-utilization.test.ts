// Per-NIC link utilization series: each host NIC direction the datacenter's flow network carries
// (`nic:h-0/tx`, `nic:h-1/rx`) is sampled as bytes carried over the interval ÷ capacity × interval,
// with a summary in the report. Known answers on a live migration over 1 Gbit/s NICs.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { scenario } from './fixtures.js';

const NIC = 125_000_000; // 1 Gbit/s in bytes/s

function migrating(metrics: boolean) {
  return scenario({
    name: 'nics',
    seed: 1,
    duration: '30s',
    ...(metrics ? { metrics: { interval: '1s' } } : {}),
    hosts: [{ name: 'h', count: 3, cpus: 4, memory: '16Gi', nic: '1Gbit' }],
    vms: [{ name: 'v', vcpus: 2, memory: '2Gi', host: 'h-0', dirtyRate: '10MB/s', wss: '256Mi' }],
  });
}

describe('NIC utilization series', () => {
  it('a migration saturates the source\'s tx and the target\'s rx; the samples add up to the bytes sent', () => {
    const dc = createDatacenter(migrating(true));
    dc.step(2_000_000);
    expect(dc.metrics().filter((s) => s.name.startsWith('nic:'))).toEqual([]); // no transfer yet: no NIC link, no series
    dc.execute({ do: 'vm.migrate', vm: 'v', to: 'h-1' });
    const events = dc.step(28_000_000);
    const done = events.find((e) => e.type === 'migration.completed')!;
    const nics = dc.metrics().filter((s) => s.name.startsWith('nic:'));
    expect(nics.map((s) => [s.name, s.unit])).toEqual([
      ['nic:h-0/tx', 'fraction'],
      ['nic:h-1/rx', 'fraction'],
    ]);
    const [tx, rx] = nics as [(typeof nics)[number], (typeof nics)[number]];
    expect(rx.values).toEqual(tx.values);
    // The link is made at 2 s (after that instant's sample): samples from 3 s to 30 s.
    expect(tx.times[0]).toBe(3_000_000);
    expect(tx.times.length).toBe(28);
    // Round 0 (2 GiB at 125 MB/s) runs 2 s … 19.18 s: every full second in it is 1.
    expect(tx.values.slice(0, 17)).toEqual(Array(17).fill(1));
    // After the completion (20.66 s) the NIC is idle.
    expect(tx.values.slice(19)).toEqual(Array(9).fill(0));
    // Σ utilization × capacity × 1 s = the bytes the migration sent.
    const carried = tx.values.reduce((a, b) => a + b, 0) * NIC;
    expect(Math.abs(carried - Number(done['bytesSent']))).toBeLessThan(1e-6 * Number(done['bytesSent']));
    const summary = dc.summary().network!.nicUtilization;
    expect(summary.count).toBe(56);
    expect(summary.mean).toBeCloseTo((2 * tx.values.reduce((a, b) => a + b, 0)) / 56, 9);
    expect([summary.min, summary.max]).toEqual([0, 1]);
  });

  it('without metrics there are no series and no network summary; the run is unchanged by sampling', () => {
    const plain = createDatacenter(migrating(false));
    plain.step(2_000_000);
    plain.execute({ do: 'vm.migrate', vm: 'v', to: 'h-1' });
    const a = plain.step(28_000_000).filter((e) => e.type.startsWith('migration.'));
    expect(plain.summary().network).toBeUndefined();
    expect(plain.metrics()).toEqual([]);
    const sampled = createDatacenter(migrating(true));
    sampled.step(2_000_000);
    sampled.execute({ do: 'vm.migrate', vm: 'v', to: 'h-1' });
    expect(sampled.step(28_000_000).filter((e) => e.type.startsWith('migration.'))).toEqual(a);
  });
});

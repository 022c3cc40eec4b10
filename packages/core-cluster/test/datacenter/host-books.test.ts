// A host's utilization array (`host-books.ts`): whatever VMs join and leave, and whatever capacities
// their guests are given, the array's sum is the sum of its VMs' delivered CPU, and a guest that left
// (or was replaced after a crash) writes nothing into it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinHost, leaveHost, rebindGuest } from '../../src/datacenter/host-books.js';
import { KernelGuest } from '../../src/datacenter/kernel-guest.js';
import type { DcState, HostRec, VmRec } from '../../src/datacenter/state.js';

const host = (): HostRec => ({ vms: [], delivered: [], freeSlots: [] }) as unknown as HostRec;
const vm = (name: string): VmRec => ({ name, guest: new KernelGuest(2, 0), meterSlot: -1 }) as unknown as VmRec;
/** The books bump the datacenter's layout epoch on every join and leave (checked below). */
const dc = { layoutEpoch: 0 } as DcState;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe('host books', () => {
  it('join, capacities, leave, a slot reused, a replaced guest', () => {
    const h = host();
    const a = vm('a');
    const b = vm('b');
    const epoch = dc.layoutEpoch;
    joinHost(dc, h, a);
    joinHost(dc, h, b);
    expect(dc.layoutEpoch).toBe(epoch + 2);
    a.guest.setCpuCapacity(0, 1);
    b.guest.setCpuCapacity(1, 0.5);
    expect(sum(h.delivered)).toBe(1.5);
    leaveHost(dc, h, a);
    expect(h.vms).toEqual(['b']);
    a.guest.setCpuCapacity(1, 1); // gone: not counted
    expect(sum(h.delivered)).toBe(0.5);
    const c = vm('c');
    c.guest.setCpuCapacity(0, 0.25); // given before it joins: counted from its joining
    joinHost(dc, h, c);
    expect(c.meterSlot).toBe(0); // a's slot
    expect(sum(h.delivered)).toBe(0.75);
    const old = b.guest;
    old.bindMeter(null, -1);
    b.guest = new KernelGuest(2, 0);
    rebindGuest(h, b);
    old.setCpuCapacity(0, 1);
    expect(sum(h.delivered)).toBe(0.25);
    b.guest.setCpuCapacity(0, 1);
    expect(sum(h.delivered)).toBe(1.25);
  });

  it('random joins, leaves and capacities: the array sums to its VMs delivered CPU', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('join' as const), v: fc.nat(5) }),
      fc.record({ k: fc.constant('leave' as const), v: fc.nat(5) }),
      fc.record({ k: fc.constant('cap' as const), v: fc.nat(5), cpu: fc.nat(1), c: fc.constantFrom(0, 0.25, 0.5, 1) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const hosts = [host(), host()];
        const vms = Array.from({ length: 6 }, (_, i) => vm(`v${i}`));
        const on = new Map<VmRec, HostRec>();
        for (const o of ops) {
          const v = vms[o.v]!;
          if (o.k === 'join' && !on.has(v)) {
            const h = hosts[o.v % 2]!;
            joinHost(dc, h, v);
            on.set(v, h);
          } else if (o.k === 'leave' && on.has(v)) {
            leaveHost(dc, on.get(v)!, v);
            on.delete(v);
          } else if (o.k === 'cap') v.guest.setCpuCapacity(o.cpu, o.c);
          for (const h of hosts) {
            const mine = vms.filter((x) => on.get(x) === h);
            expect(sum(h.delivered)).toBeCloseTo(sum(mine.map((x) => x.guest.deliveredCpus())), 12);
            expect([...h.vms].sort()).toEqual(mine.map((x) => x.name).sort());
          }
        }
      }),
      { numRuns: 200, seed: 14 },
    );
  });
});

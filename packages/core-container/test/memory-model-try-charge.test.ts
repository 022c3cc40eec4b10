// MemoryModel.tryCharge: the no-slow-path charge a request server makes per request. Run beside
// `charge` on two copies of a random model, "tryCharge, else charge" must leave exactly the state
// "charge" leaves, and tryCharge must succeed exactly when charge would need no reclaim or event.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { createMemoryModel, type MemoryModel } from '../src/index.js';
import { PAGE, MiB } from './memory-model-driver.js';

const CGROUPS = ['/A', '/A/a', '/B'];
const LEAVES = ['/A/a', '/B'];

function build(swap: number): MemoryModel {
  const mem = createMemoryModel({ ram: 64 * MiB, swap });
  for (const c of CGROUPS) mem.addCgroup(c);
  return mem;
}

function snapshot(mem: MemoryModel, pids: readonly number[]): string {
  return JSON.stringify({ cgroups: ['/', ...CGROUPS].map((c) => mem.stats(c)), procs: pids.map((p) => mem.processStats(p)), global: mem.globalStats() });
}

const command = fc.oneof(
  fc.record({ type: fc.constant('charge' as const), who: fc.nat(), kind: fc.constantFrom('anon' as const, 'file' as const), pages: fc.integer({ min: 0, max: 4_000 }) }),
  fc.record({ type: fc.constant('uncharge' as const), who: fc.nat(), pages: fc.integer({ min: 1, max: 2_000 }) }),
  fc.record({ type: fc.constant('limit' as const), cgroup: fc.constantFrom(...CGROUPS), field: fc.constantFrom('max' as const, 'high' as const), pages: fc.oneof(fc.constant('max' as const), fc.integer({ min: 0, max: 12_000 })) }),
  fc.record({ type: fc.constant('move' as const), who: fc.nat(), to: fc.constantFrom(...LEAVES) }),
);

describe('MemoryModel.tryCharge', () => {
  it('tryCharge-else-charge leaves the state charge leaves, and succeeds exactly when charge needs no slow path', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 16 * MiB), fc.array(command, { minLength: 1, maxLength: 40 }), (swap, commands) => {
        const plain = build(swap);
        const fast = build(swap);
        const pids = [101, 102, 103];
        for (const [i, pid] of pids.entries()) for (const m of [plain, fast]) m.addProcess(pid, LEAVES[i % 2]!);
        // The fast side charges by handle, resolved once (moves keep it), as a request server does.
        const refs = pids.map((pid) => fast.processRef(pid));
        for (const c of commands) {
          const pid = 'who' in c ? pids[c.who % pids.length]! : 0;
          const ref = 'who' in c ? refs[c.who % pids.length]! : refs[0]!;
          if (c.type === 'charge') {
            const bytes = c.pages * PAGE;
            const before = snapshot(plain, pids);
            const outcome = plain.charge(pid, c.kind, bytes);
            const quiet = outcome.kind === 'charged' && outcome.throttleUsec === 0 && outcome.reclaimed.fileBytes === 0 && outcome.reclaimed.swappedBytes === 0;
            const ok = fast.tryChargeRef(ref, c.kind, bytes);
            if (!ok) {
              expect(snapshot(fast, pids)).toBe(before);
              const again = fast.charge(pid, c.kind, bytes);
              expect(again).toEqual(outcome);
            } else {
              // Succeeded: charge had to succeed quietly too (a 0-byte charge never takes the fast path).
              expect(quiet && c.pages > 0).toBe(true);
            }
            if (outcome.kind === 'oom') for (const v of outcome.victims) for (const m of [plain, fast]) m.uncharge(v.pid, 'anon', m.processStats(v.pid).rss);
          } else if (c.type === 'uncharge') {
            const rss = plain.processStats(pid).rss + plain.processStats(pid).swap;
            const bytes = Math.min(rss, c.pages * PAGE);
            expect(fast.unchargeRef(ref, 'anon', bytes)).toBe(plain.uncharge(pid, 'anon', bytes));
          } else if (c.type === 'limit') {
            const v = c.pages === 'max' ? 'max' : c.pages * PAGE;
            expect(JSON.stringify(fast.setLimits(c.cgroup, { [c.field]: v }))).toBe(JSON.stringify(plain.setLimits(c.cgroup, { [c.field]: v })));
          } else {
            plain.moveProcess(pid, c.to);
            fast.moveProcess(pid, c.to);
          }
          expect(snapshot(fast, pids)).toBe(snapshot(plain, pids));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what charge refuses, changing nothing', () => {
    const mem = build(0);
    mem.addProcess(7, '/B');
    expect(() => mem.tryCharge(7, 'anon', 100)).toThrow(ValidationError);
    expect(() => mem.tryCharge(7, 'heap' as never, PAGE)).toThrow(ValidationError);
    expect(() => mem.tryCharge(8, 'anon', PAGE)).toThrow();
    expect(mem.stats('/B').current).toBe(0);
  });

  it('refuses a handle on a process that has left the model, and a pid that is not in it, changing nothing', () => {
    const mem = build(0);
    mem.addProcess(7, '/B');
    const ref = mem.processRef(7);
    expect(mem.tryChargeRef(ref, 'anon', PAGE)).toBe(true);
    expect(mem.unchargeRef(ref, 'anon', PAGE)).toBe(PAGE);
    expect(() => mem.tryChargeRef(ref, 'anon', 100)).toThrow(ValidationError);
    mem.removeProcess(7);
    expect(() => mem.tryChargeRef(ref, 'anon', PAGE)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND', message: expect.stringContaining("process '7'") as string }) as Error);
    expect(() => mem.unchargeRef(ref, 'anon', PAGE)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
    expect(() => mem.processRef(8)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
    expect(mem.stats('/B').current).toBe(0);
  });

  it('uncharge of more than a process holds is still refused when its newest segment is short', () => {
    const mem = build(0);
    mem.addProcess(7, '/B');
    mem.charge(7, 'anon', 4 * PAGE);
    expect(() => mem.uncharge(7, 'anon', 5 * PAGE)).toThrow(ValidationError);
    expect(mem.uncharge(7, 'anon', 4 * PAGE)).toBe(4 * PAGE);
    expect(mem.stats('/B').current).toBe(0);
  });
});

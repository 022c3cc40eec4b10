// Invariants of the memory model under random commands, with the kernel's reaction to an OOM (the
// victims exit) played by the test: conservation of charges, hierarchical sums, limits held after a
// successful charge, peak ≥ current, refused and OOM charges that charge nothing, determinism.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryModel, type ChargeOutcome, type LimitOutcome, type MemoryChargeKind, type MemoryModel } from '../src/index.ts';
import { MiB, PAGE } from './memory-model-driver.ts';

const CGROUPS = ['/', '/A', '/A/x', '/A/y', '/B'] as const;
const CHILDREN: Readonly<Record<string, readonly string[]>> = { '/': ['/A', '/B'], '/A': ['/A/x', '/A/y'], '/A/x': [], '/A/y': [], '/B': [] };
const PIDS = [1, 2, 3, 4, 5, 6] as const;

type Command =
  | { readonly type: 'charge'; readonly pid: number; readonly kind: MemoryChargeKind; readonly pages: number }
  | { readonly type: 'touch'; readonly pid: number; readonly kind: MemoryChargeKind; readonly pages: number }
  | { readonly type: 'uncharge'; readonly pid: number; readonly kind: MemoryChargeKind; readonly pages: number }
  | { readonly type: 'move'; readonly pid: number; readonly cgroup: string }
  | { readonly type: 'spawn'; readonly pid: number; readonly cgroup: string; readonly adj: number }
  | { readonly type: 'exit'; readonly pid: number }
  | { readonly type: 'limit'; readonly cgroup: string; readonly field: 'min' | 'low' | 'high' | 'max' | 'swapMax'; readonly pages: number | 'max' }
  | { readonly type: 'group'; readonly cgroup: string; readonly on: boolean };

const pid = fc.constantFrom(...PIDS);
const cgroup = fc.constantFrom(...CGROUPS);
const limited = fc.constantFrom('/A', '/A/x', '/A/y', '/B');
const kind = fc.constantFrom<MemoryChargeKind>('anon', 'file');
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('charge' as const), pid, kind, pages: fc.nat(4000) }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('touch' as const), pid, kind, pages: fc.nat(4000) }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('uncharge' as const), pid, kind, pages: fc.nat(3000) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('move' as const), pid, cgroup }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('spawn' as const), pid, cgroup, adj: fc.constantFrom(-1000, -500, 0, 0, 300, 1000) }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('exit' as const), pid }), weight: 1 },
  {
    arbitrary: fc.record({
      type: fc.constant('limit' as const),
      cgroup: limited,
      field: fc.constantFrom('min', 'low', 'high', 'max', 'max', 'swapMax'),
      pages: fc.oneof(fc.nat(8000), fc.constant('max' as const)),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ type: fc.constant('group' as const), cgroup: limited, on: fc.boolean() }), weight: 1 },
);
const spawnAll = fc.tuple(...PIDS.map((p) => fc.record({ type: fc.constant('spawn' as const), pid: fc.constant(p), cgroup, adj: fc.constantFrom(-1000, 0, 0, 0, 500) })));
const scenario = fc
  .record({ swapMiB: fc.constantFrom(0, 16), spawned: spawnAll, commands: fc.array(command, { minLength: 5, maxLength: 60, size: 'max' }) })
  .map(({ swapMiB, spawned, commands }) => ({ swapMiB, commands: [...spawned, ...commands] as Command[] }));

/** What the test knows independently of the model: anon charged per live process, page cache overall. */
interface Ledger {
  readonly anon: Map<number, number>;
  file: number;
}

function newModel(swapMiB: number): MemoryModel {
  const mem = createMemoryModel({ ram: 32 * MiB, swap: swapMiB * MiB });
  for (const path of CGROUPS.slice(1)) mem.addCgroup(path);
  return mem;
}

function live(mem: MemoryModel, p: number): boolean {
  try {
    mem.processStats(p);
    return true;
  } catch {
    return false;
  }
}

function chainOf(path: string): string[] {
  const chain: string[] = [];
  for (let p = path; p !== '/'; p = p.lastIndexOf('/') === 0 ? '/' : p.slice(0, p.lastIndexOf('/'))) chain.push(p);
  return chain;
}

/** The kernel's answer to an OOM order: the victims exit now. */
function reap(mem: MemoryModel, ledger: Ledger, outcome: ChargeOutcome | LimitOutcome): void {
  if (outcome.kind === 'oom') {
    for (const v of outcome.victims) {
      mem.removeProcess(v.pid);
      ledger.anon.delete(v.pid);
    }
  }
  ledger.file -= outcome.reclaimed.fileBytes;
}

function checkInvariants(mem: MemoryModel, ledger: Ledger, peaks: Map<string, number>): void {
  let rss = 0;
  let swap = 0;
  for (const [p, anon] of ledger.anon) {
    const s = mem.processStats(p);
    expect(s.rss + s.swap, `pid ${p}: anon = charges − uncharges`).toBe(anon);
    rss += s.rss;
    swap += s.swap;
  }
  const root = mem.stats('/');
  expect(root.stat.anon).toBe(rss);
  expect(root.stat.file).toBe(ledger.file);
  expect(root.current).toBe(rss + ledger.file);
  expect(root.swapCurrent).toBe(swap);
  expect(mem.globalStats().used).toBe(root.current);
  expect(mem.globalStats().free).toBeGreaterThanOrEqual(0);
  for (const path of CGROUPS) {
    const s = mem.stats(path);
    expect(s.current, `${path} current = anon + file`).toBe(s.stat.anon + s.stat.file);
    const children = CHILDREN[path]!.map((c) => mem.stats(c));
    expect(s.current).toBeGreaterThanOrEqual(children.reduce((sum, c) => sum + c.current, 0));
    expect(s.swapCurrent).toBeGreaterThanOrEqual(children.reduce((sum, c) => sum + c.swapCurrent, 0));
    expect(s.peak, `${path} peak ≥ current`).toBeGreaterThanOrEqual(s.current);
    expect(s.peak, `${path} peak never falls`).toBeGreaterThanOrEqual(peaks.get(path) ?? 0);
    peaks.set(path, s.peak);
    if (path !== '/') {
      for (const key of ['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill'] as const) {
        const below = children.reduce((sum, c) => sum + c.events[key], 0);
        expect(s.events[key], `${path} events.${key} = local + children`).toBe(s.eventsLocal[key] + below);
      }
    }
  }
}

/** Run a scenario, checking every invariant after every command; returns a trace of everything observed. */
function run(swapMiB: number, commands: readonly Command[]): string[] {
  const mem = newModel(swapMiB);
  const ledger: Ledger = { anon: new Map(), file: 0 };
  const peaks = new Map<string, number>();
  const trace: string[] = [];
  for (const c of commands) {
    if (c.type === 'spawn') {
      if (live(mem, c.pid)) continue;
      mem.addProcess(c.pid, c.cgroup, { oomScoreAdj: c.adj });
      ledger.anon.set(c.pid, 0);
    } else if (c.type === 'limit' || c.type === 'group') {
      const outcome = c.type === 'limit' ? mem.setLimits(c.cgroup, { [c.field]: c.pages === 'max' ? 'max' : c.pages * PAGE }) : mem.setLimits(c.cgroup, { oomGroup: c.on });
      trace.push(JSON.stringify(outcome));
      reap(mem, ledger, outcome);
    } else if (!live(mem, c.pid)) {
      continue;
    } else if (c.type === 'move') {
      mem.moveProcess(c.pid, c.cgroup);
    } else if (c.type === 'exit') {
      mem.removeProcess(c.pid);
      ledger.anon.delete(c.pid);
    } else if (c.type === 'uncharge') {
      const has = ledger.anon.get(c.pid)!;
      if (c.kind === 'anon') {
        const pages = Math.min(c.pages, has / PAGE);
        mem.uncharge(c.pid, 'anon', pages * PAGE);
        ledger.anon.set(c.pid, has - pages * PAGE);
      } else {
        ledger.file -= mem.uncharge(c.pid, 'file', c.pages * PAGE);
      }
    } else if (c.type === 'touch') {
      // A program touching pages: what headroom promises goes through with no slow path at all.
      const events = JSON.stringify(CGROUPS.map((p) => mem.stats(p).events));
      const room = Math.min(mem.headroom(c.pid, c.kind), c.pages * PAGE);
      const outcome = mem.charge(c.pid, c.kind, room);
      expect(outcome).toEqual({ kind: 'charged', bytes: room, throttleUsec: 0, reclaimed: { fileBytes: 0, swappedBytes: 0 } });
      expect(JSON.stringify(CGROUPS.map((p) => mem.stats(p).events))).toBe(events);
      if (c.kind === 'anon') ledger.anon.set(c.pid, ledger.anon.get(c.pid)! + room);
      else ledger.file += room;
      if (room < c.pages * PAGE) {
        const slow = mem.charge(c.pid, c.kind, PAGE);
        trace.push(JSON.stringify(slow));
        if (slow.kind === 'charged') {
          if (c.kind === 'anon') ledger.anon.set(c.pid, ledger.anon.get(c.pid)! + PAGE);
          else ledger.file += PAGE;
        }
        reap(mem, ledger, slow);
      }
    } else {
      const before = CGROUPS.map((p) => mem.stats(p).current);
      const anonBefore = new Map([...ledger.anon].map(([p]) => [p, mem.processStats(p).rss + mem.processStats(p).swap]));
      const outcome = mem.charge(c.pid, c.kind, c.pages * PAGE);
      trace.push(JSON.stringify(outcome));
      if (outcome.kind === 'charged') {
        if (c.kind === 'anon') ledger.anon.set(c.pid, ledger.anon.get(c.pid)! + c.pages * PAGE);
        else ledger.file += c.pages * PAGE;
        const at = mem.processStats(c.pid).cgroup;
        for (const path of chainOf(at)) {
          const { current, limits } = mem.stats(path);
          if (limits.max !== 'max') expect(current, `${path} within memory.max after a charge`).toBeLessThanOrEqual(limits.max);
        }
      } else {
        // Nothing was charged: no process gained memory and no cgroup grew; only reclaim moved pages out.
        for (const [p, anon] of anonBefore) {
          const s = mem.processStats(p);
          expect(s.rss + s.swap).toBe(anon);
        }
        CGROUPS.forEach((p, i) => expect(mem.stats(p).current).toBeLessThanOrEqual(before[i]!));
      }
      reap(mem, ledger, outcome);
    }
    checkInvariants(mem, ledger, peaks);
  }
  trace.push(JSON.stringify(CGROUPS.map((p) => mem.stats(p))));
  return trace;
}

describe('memory model properties', () => {
  it('conservation, hierarchy, limits, peaks and all-or-nothing charges hold under random commands', () => {
    fc.assert(
      fc.property(scenario, ({ swapMiB, commands }) => {
        run(swapMiB, commands);
      }),
      { numRuns: 120 },
    );
  });

  it('is deterministic: the same commands give the same outcomes and statistics', () => {
    fc.assert(
      fc.property(scenario, ({ swapMiB, commands }) => {
        expect(run(swapMiB, commands)).toEqual(run(swapMiB, commands));
      }),
      { numRuns: 25 },
    );
  });

  it('a failed charge leaves the whole model unchanged but for its events', () => {
    const mem = newModel(0);
    mem.setLimits('/A', { max: 16 * MiB });
    mem.addProcess(1, '/A/x', { oomScoreAdj: -1000 });
    mem.addProcess(2, '/A/y', { oomScoreAdj: -1000 });
    expect(mem.charge(2, 'anon', 16 * MiB).kind).toBe('charged');
    const before = CGROUPS.map((p) => ({ ...mem.stats(p), events: undefined, eventsLocal: undefined }));
    const outcome = mem.charge(1, 'anon', PAGE);
    expect(outcome).toMatchObject({ kind: 'failed', errno: 'ENOMEM', reclaimed: { fileBytes: 0, swappedBytes: 0 } });
    expect(CGROUPS.map((p) => ({ ...mem.stats(p), events: undefined, eventsLocal: undefined }))).toEqual(before);
    expect(mem.processStats(1).rss).toBe(0);
  });
});

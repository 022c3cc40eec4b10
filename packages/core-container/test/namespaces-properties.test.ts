// Invariants over random histories of clone/unshare/setns/exit/reap: PIDs unique per namespace,
// NSpid consistent at every level, ps consistent with pidSeenBy, no used namespace destroyed, and
// the same commands giving the same trace. Plus round trips of id translation on random maps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNamespaceModel, type CloneNamespaceFlag, type NamespaceModel } from '../src/index.ts';

type Command =
  | { kind: 'clone'; who: number; flags: CloneNamespaceFlag[] }
  | { kind: 'unshare'; who: number; flags: CloneNamespaceFlag[] }
  | { kind: 'setns'; who: number; target: number }
  | { kind: 'exit'; who: number }
  | { kind: 'reap'; who: number }
  | { kind: 'subreaper'; who: number };

const flagsArb = fc.subarray<CloneNamespaceFlag>(['CLONE_NEWPID', 'CLONE_NEWUTS', 'CLONE_NEWNET', 'CLONE_NEWUSER', 'CLONE_NEWNS', 'CLONE_NEWIPC']);
const who = fc.nat(1000);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('clone' as const), who, flags: flagsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unshare' as const), who, flags: flagsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setns' as const), who, target: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('exit' as const), who }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reap' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('subreaper' as const), who }) },
);

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/** Runs a command against the model; returns what it did, as text for the trace. Refusals by the model's own rules are part of the trace. */
function run(ns: NamespaceModel, cmd: Command): string {
  const all = ns.ps({ viewer: 1 });
  const live = all.filter((p) => !p.exited).map((p) => p.globalPid);
  const zombies = all.filter((p) => p.exited).map((p) => p.globalPid);
  switch (cmd.kind) {
    case 'clone': {
      const parent = pick(live, cmd.who)!;
      return JSON.stringify(ns.clone(parent, { flags: cmd.flags }));
    }
    case 'unshare':
      return JSON.stringify(ns.unshare(pick(live, cmd.who)!, { flags: cmd.flags }));
    case 'setns': {
      const target = pick(ns.namespaces().filter((n) => n.type !== 'cgroup'), cmd.target)!;
      return JSON.stringify(ns.setns(pick(live, cmd.who)!, target.inode));
    }
    case 'exit': {
      const victim = pick(live.filter((p) => p !== 1), cmd.who);
      return victim === undefined ? 'none' : JSON.stringify(ns.exit(victim));
    }
    case 'reap': {
      // Reap as the kernel would: a waiting init only once its namespace is otherwise empty.
      const reapable = zombies.filter((p) => !ns.isNamespaceInit(p) || ns.ps({ namespace: ns.namespaceOf(p, 'pid') }).length === 1);
      const z = pick(reapable, cmd.who);
      return z === undefined ? 'none' : JSON.stringify(ns.reap(z));
    }
    case 'subreaper':
      ns.setChildSubreaper(pick(live, cmd.who)!, true);
      return 'subreaper';
  }
}

function checkInvariants(ns: NamespaceModel): void {
  const inodes = new Set(ns.namespaces().map((n) => n.inode));
  const everyone = ns.ps({ viewer: 1 });
  for (const info of ns.namespaces()) {
    if (info.type !== 'pid') continue;
    const rows = ns.ps({ namespace: info.inode });
    const pids = rows.map((r) => r.pid);
    expect(new Set(pids).size).toBe(pids.length); // unique per namespace
    expect([...pids].sort((a, b) => a - b)).toEqual(pids);
    for (const row of rows) expect(ns.nspid(row.globalPid)[info.level!]).toBe(row.pid); // NSpid consistent
  }
  for (const row of everyone) {
    const nspid = ns.nspid(row.globalPid);
    expect(nspid[0]).toBe(row.globalPid);
    const own = ns.namespaceInfo(ns.namespaceOf(row.globalPid, 'pid'));
    expect(nspid).toHaveLength(own.level! + 1);
    expect(ns.pidSeenBy(row.globalPid, row.globalPid)).toBe(nspid.at(-1));
    expect(inodes.has(ns.namespaceOf(row.globalPid, 'user'))).toBe(true);
    if (!row.exited) {
      for (const link of ['mnt', 'uts', 'ipc', 'net', 'cgroup', 'pid_for_children'] as const) expect(inodes.has(ns.namespaceOf(row.globalPid, link))).toBe(true);
    }
    const parent = ns.parentOf(row.globalPid);
    expect(ns.getppid(row.globalPid)).toBe(parent === undefined ? 0 : ns.pidSeenBy(row.globalPid, parent));
  }
}

describe('namespaces: properties', () => {
  it('PIDs are unique per namespace and NSpid agrees with every namespace\'s view, whatever happens', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 60 }), (commands) => {
        const ns = createNamespaceModel({ pidMax: 320 });
        ns.spawnInit();
        for (const cmd of commands) {
          run(ns, cmd);
          checkInvariants(ns);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the same commands give the same trace (determinism)', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 40 }), (commands) => {
        const trace = (): string[] => {
          const ns = createNamespaceModel({ pidMax: 350 });
          ns.spawnInit();
          const lines = commands.map((cmd) => run(ns, cmd));
          return [...lines, JSON.stringify(ns.namespaces()), JSON.stringify(ns.ps({ viewer: 1 }))];
        };
        expect(trace()).toEqual(trace());
      }),
      { numRuns: 60 },
    );
  });

  it('a fixed history gives a fixed trace', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const lines = [
      ns.clone(1, { flags: ['CLONE_NEWUSER', 'CLONE_NEWPID', 'CLONE_NEWNET'] }),
      ns.clone(2),
      ns.unshare(3, { flags: ['CLONE_NEWUTS'] }),
      ns.exit(2),
    ].map((r) => JSON.stringify(r));
    expect(lines).toEqual([
      '{"ok":true,"value":{"pid":2,"nspid":[2,1]}}',
      '{"ok":true,"value":{"pid":3,"nspid":[3,2]}}',
      '{"ok":true}',
      '{"kill":[3],"reparented":[],"waitsForNamespace":true}',
    ]);
    expect(ns.namespaces().filter((n) => !n.initial).map((n) => n.link)).toEqual(['user:[4026531841]', 'pid:[4026531842]', 'net:[4026531843]', 'uts:[4026531844]']);
  });

  it('translation round-trips on mapped ids: inside → kernel → inside, for random valid maps', () => {
    const extents = fc
      .uniqueArray(fc.record({ slot: fc.nat(40), lowerSlot: fc.nat(40), count: fc.integer({ min: 1, max: 1000 }) }), {
        minLength: 1,
        maxLength: 12,
        selector: (e) => e.slot,
      })
      .filter((es) => new Set(es.map((e) => e.lowerSlot)).size === es.length);
    fc.assert(
      fc.property(extents, fc.nat(), (es, seed) => {
        // Slots 1000 ids apart never overlap, inside or outside.
        const text = es.map((e) => `${e.slot * 1000} ${100000 + e.lowerSlot * 1000} ${e.count}`).join('\n');
        const ns = createNamespaceModel();
        ns.spawnInit();
        const pid = ns.clone(1, { flags: ['CLONE_NEWUSER'] });
        if (!pid.ok) throw new Error(pid.reason);
        const userNs = ns.namespaceOf(pid.value.pid, 'user');
        ns.writeIdMap(userNs, 'uid_map', text);
        const e = es[seed % es.length]!;
        const id = e.slot * 1000 + (seed % e.count);
        const kernelId = ns.toKernelId(userNs, 'uid_map', id)!;
        expect(kernelId).toBe(100000 + e.lowerSlot * 1000 + (seed % e.count));
        expect(ns.fromKernelId(userNs, 'uid_map', kernelId)).toBe(id);
        expect(ns.translateId(4026531837, userNs, 'uid_map', ns.translateId(userNs, 4026531837, 'uid_map', id))).toBe(id);
      }),
      { numRuns: 200 },
    );
  });
});

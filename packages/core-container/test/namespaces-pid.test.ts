// PID namespaces: nested numbering (NSpid), what ps shows from inside and outside, unshare for
// children only, the nesting limit, cyclic allocation with its wrap, init's death, reparenting.
import { describe, expect, it } from 'vitest';
import { createNamespaceModel, type ClonedProcess, type NamespaceModel } from '../src/index.ts';
import { ok } from './syscall-ok.ts';

/** A host with init (global 1), a runtime process (2) and a container whose init is `c1`. */
function hostWithContainer(): { ns: NamespaceModel; runtime: ClonedProcess; c1: ClonedProcess } {
  const ns = createNamespaceModel();
  ns.spawnInit();
  const runtime = ok(ns.clone(1));
  const c1 = ok(ns.clone(runtime.pid, { flags: ['CLONE_NEWPID', 'CLONE_NEWNS', 'CLONE_NEWUTS', 'CLONE_NEWIPC', 'CLONE_NEWNET'] }));
  return { ns, runtime, c1 };
}

describe('pid namespaces: numbering', () => {
  it('the first process of a new namespace is PID 1 there and has a PID in every ancestor (NSpid, outermost first)', () => {
    const { ns, c1 } = hostWithContainer();
    expect(c1).toEqual({ pid: 3, nspid: [3, 1] });
    const worker = ok(ns.clone(c1.pid));
    expect(worker.nspid).toEqual([4, 2]);
    const nested = ok(ns.clone(worker.pid, { flags: ['CLONE_NEWPID'] }));
    expect(nested.nspid).toEqual([5, 3, 1]);
    expect(ns.nspid(nested.pid)).toEqual([5, 3, 1]);
  });

  it('ps inside the container shows only its processes, numbered from there; the host sees them with host PIDs', () => {
    const { ns, runtime, c1 } = hostWithContainer();
    const worker = ok(ns.clone(c1.pid));
    const names = new Map([[1, 'systemd'], [runtime.pid, 'containerd'], [c1.pid, 'nginx'], [worker.pid, 'nginx-worker']]);
    const describe = (pid: number) => ({ name: names.get(pid)! });
    expect(ns.ps({ viewer: worker.pid }, describe)).toEqual([
      { pid: 1, ppid: 0, globalPid: c1.pid, exited: false, name: 'nginx' },
      { pid: 2, ppid: 1, globalPid: worker.pid, exited: false, name: 'nginx-worker' },
    ]);
    expect(ns.ps({ viewer: 1 }, describe).map((r) => [r.pid, r.ppid, r.name])).toEqual([
      [1, 0, 'systemd'],
      [2, 1, 'containerd'],
      [3, 2, 'nginx'],
      [4, 3, 'nginx-worker'],
    ]);
    expect(ns.ps({ namespace: ns.namespaceOf(c1.pid, 'pid') }).map((r) => r.pid)).toEqual([1, 2]);
  });

  it('getppid is 0 for a container init (its parent is outside) and pidSeenBy is 0 across the fence', () => {
    const { ns, runtime, c1 } = hostWithContainer();
    expect(ns.getppid(c1.pid)).toBe(0);
    expect(ns.parentOf(c1.pid)).toBe(runtime.pid);
    expect(ns.pidSeenBy(c1.pid, runtime.pid)).toBe(0);
    expect(ns.pidSeenBy(runtime.pid, c1.pid)).toBe(3);
    expect(ns.pidSeenBy(c1.pid, c1.pid)).toBe(1);
    expect(ns.findProcess(c1.pid, 1)).toBe(c1.pid);
    expect(ns.findProcess(c1.pid, 2)).toBeUndefined();
    expect(ns.findProcess(runtime.pid, 3)).toBe(c1.pid);
  });

  it('unshare(CLONE_NEWPID) leaves the caller where it is: its next child is PID 1 (pid_for_children)', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const shell = ok(ns.clone(1));
    const before = ns.namespaceOf(shell.pid, 'pid');
    expect(ok(ns.unshare(shell.pid, { flags: ['CLONE_NEWPID'] }))).toBeUndefined();
    expect(ns.namespaceOf(shell.pid, 'pid')).toBe(before);
    expect(ns.nspid(shell.pid)).toEqual([2]);
    expect(ns.nsLink(shell.pid, 'pid_for_children')).toBeUndefined(); // no init there yet: readlink fails
    // A second unshare before forking is EINVAL (copy_pid_ns: active != pid_for_children).
    expect(ns.unshare(shell.pid, { flags: ['CLONE_NEWPID'] })).toMatchObject({ ok: false, errno: 'EINVAL' });
    const child = ok(ns.clone(shell.pid));
    expect(child.nspid).toEqual([3, 1]);
    expect(ns.nsLink(shell.pid, 'pid_for_children')).toBe(ns.nsLink(child.pid, 'pid'));
    expect(ns.nsLink(shell.pid, 'pid')).not.toBe(ns.nsLink(child.pid, 'pid'));
    expect(ok(ns.clone(shell.pid)).nspid).toEqual([4, 2]);
    expect(ns.clone(shell.pid, { flags: ['CLONE_NEWPID'] })).toMatchObject({ ok: false, errno: 'EINVAL' });
  });

  it('nesting stops at 32 levels: the 33rd nested pid namespace is ENOSPC', () => {
    const ns = createNamespaceModel();
    let proc = ns.spawnInit();
    for (let level = 1; level <= 32; level += 1) proc = ok(ns.clone(proc.pid, { flags: ['CLONE_NEWPID'] }));
    expect(proc.nspid).toHaveLength(33);
    expect(ns.namespaceInfo(ns.namespaceOf(proc.pid, 'pid')).level).toBe(32);
    expect(ns.clone(proc.pid, { flags: ['CLONE_NEWPID'] })).toMatchObject({ ok: false, errno: 'ENOSPC' });
    expect(ns.unshare(proc.pid, { flags: ['CLONE_NEWPID'] })).toMatchObject({ ok: false, errno: 'ENOSPC' });
    expect(ok(ns.clone(proc.pid)).nspid.at(-1)).toBe(2); // plain forks still work at the deepest level
  });

  it('setns to a pid namespace applies to children, and only the own namespace or a nested one may be joined', () => {
    const { ns, runtime, c1 } = hostWithContainer();
    const cpid = ns.namespaceOf(c1.pid, 'pid');
    expect(ok(ns.setns(runtime.pid, cpid))).toBeUndefined();
    expect(ns.namespaceOf(runtime.pid, 'pid')).not.toBe(cpid);
    const exec = ok(ns.clone(runtime.pid)); // docker exec: joins the container's namespaces, then forks
    expect(exec.nspid).toEqual([4, 2]);
    expect(ns.getppid(exec.pid)).toBe(0);
    // From inside, the host's pid namespace is an ancestor: EINVAL.
    expect(ns.setns(c1.pid, ns.namespaceOf(1, 'pid'))).toMatchObject({ ok: false, errno: 'EINVAL' });
  });
});

describe('pid namespaces: allocation', () => {
  it('PIDs continue after the last one given (freed numbers are not reused at once), wrap at pid_max to 300', () => {
    const ns = createNamespaceModel({ pidMax: 310 });
    ns.spawnInit();
    const pids: number[] = [];
    for (let i = 0; i < 308; i += 1) pids.push(ok(ns.clone(1)).pid);
    expect(pids.at(-1)).toBe(309);
    ns.exit(5);
    ns.reap(5);
    ns.exit(301);
    ns.reap(301);
    // The cursor is past 300: the wrap goes back to RESERVED_PIDS, so 5 stays free and 301 comes next.
    expect(ok(ns.clone(1)).pid).toBe(301);
    expect(ns.clone(1)).toMatchObject({ ok: false, errno: 'EAGAIN' });
    ns.exit(300);
    ns.reap(300);
    expect(ok(ns.clone(1)).pid).toBe(300);
  });

  it('a child namespace wraps to 300 as well (RESERVED_PIDS applies per namespace, by its own cursor)', () => {
    const ns = createNamespaceModel({ pidMax: 400 });
    ns.spawnInit();
    const c = ok(ns.clone(1, { flags: ['CLONE_NEWPID'] }));
    const inner: number[] = [];
    for (let i = 0; i < 397; i += 1) inner.push(ok(ns.clone(c.pid)).nspid[1]!);
    expect(inner.at(-1)).toBe(398); // the host's numbers (3..399) are all taken now
    const gone = (nr: number): void => {
      const p = ns.findProcess(c.pid, nr)!;
      ns.exit(p);
      ns.reap(p);
    };
    gone(7);
    gone(350);
    // Inside, the cursor is at 399, still free; outside, the host wraps to 300 and finds 351.
    expect(ok(ns.clone(c.pid)).nspid).toEqual([351, 399]);
    gone(360);
    // Now the inner cursor is at pid_max: it wraps to 300 and takes 350; 7 stays unused.
    expect(ok(ns.clone(c.pid)).nspid).toEqual([361, 350]);
    expect(ns.findProcess(c.pid, 7)).toBeUndefined();
  });

  it('EAGAIN when an outer level is full, though the inner namespace has room', () => {
    const ns = createNamespaceModel({ pidMax: 301 });
    ns.spawnInit();
    for (let i = 0; i < 298; i += 1) ok(ns.clone(1));
    const c = ok(ns.clone(1, { flags: ['CLONE_NEWPID'] })); // global 300: the last free number
    expect(c.nspid).toEqual([300, 1]);
    expect(ns.clone(c.pid)).toMatchObject({ ok: false, errno: 'EAGAIN' });
  });

  it('a fork into a namespace whose init died takes and gives back its numbers: ENOMEM, yet the cursors moved (alloc_pid checks last)', () => {
    const { ns, c1 } = hostWithContainer();
    const a = ok(ns.clone(c1.pid));
    expect(a.nspid).toEqual([4, 2]);
    ns.exit(c1.pid);
    expect(ns.clone(a.pid)).toMatchObject({ ok: false, errno: 'ENOMEM' });
    expect(ok(ns.clone(1)).pid).toBe(6); // 5 was taken and given back
  });

  it('a failed fork makes no namespace: the EAGAIN comes before CLONE_NEW* namespaces are kept', () => {
    const ns = createNamespaceModel({ pidMax: 301 });
    ns.spawnInit();
    for (let i = 0; i < 299; i += 1) ok(ns.clone(1));
    const before = ns.namespaces();
    expect(ns.clone(1, { flags: ['CLONE_NEWUTS', 'CLONE_NEWPID'] })).toMatchObject({ ok: false, errno: 'EAGAIN' });
    expect(ns.namespaces()).toEqual(before);
  });

  it('refuses a pid_max outside 301..4194304 and defaults to 4194304', () => {
    expect(() => createNamespaceModel({ pidMax: 300 })).toThrow(/pidMax 300 is out of range: pid_max takes an integer from 301 to 4194304/);
    expect(() => createNamespaceModel({ pidMax: 4194305 })).toThrow(/E?out of range/);
    const ns = createNamespaceModel();
    ns.spawnInit();
    expect(ok(ns.clone(1)).pid).toBe(2);
  });
});

describe('pid namespaces: init and orphans', () => {
  it('when a container init exits, everyone else with a PID in its namespace is to be killed, nested ones included', () => {
    const { ns, c1 } = hostWithContainer();
    const a = ok(ns.clone(c1.pid));
    const b = ok(ns.clone(a.pid));
    const nestedInit = ok(ns.clone(b.pid, { flags: ['CLONE_NEWPID'] }));
    const zombie = ok(ns.clone(c1.pid));
    ns.exit(zombie.pid);
    const out = ns.exit(c1.pid);
    expect(out.kill).toEqual([a.pid, b.pid, nestedInit.pid]);
    expect(out.reparented).toEqual([]);
    expect(out.waitsForNamespace).toBe(true);
    // Forks into it now fail with ENOMEM, even from a process that is still alive there.
    expect(ns.clone(a.pid)).toMatchObject({ ok: false, errno: 'ENOMEM' });
    // Init is reaped last; reaping the others tells the kernel when init's exit can complete.
    expect(() => ns.reap(c1.pid)).toThrow(/reaped last/);
    ns.exit(nestedInit.pid);
    ns.exit(b.pid);
    ns.exit(a.pid);
    for (const p of [nestedInit.pid, b.pid, zombie.pid]) expect(ns.reap(p).initsCanFinish).toEqual([]);
    expect(ns.reap(a.pid).initsCanFinish).toEqual([c1.pid]);
    expect(ns.reap(c1.pid).initsCanFinish).toEqual([]);
  });

  it('reap order ends with initsCanFinish naming the waiting init', () => {
    const { ns, c1 } = hostWithContainer();
    const a = ok(ns.clone(c1.pid));
    expect(ns.exit(c1.pid).kill).toEqual([a.pid]);
    ns.exit(a.pid);
    expect(ns.reap(a.pid).initsCanFinish).toEqual([c1.pid]);
    expect(ns.reap(c1.pid).initsCanFinish).toEqual([]);
  });

  it('orphans go to their namespace\'s init, or to the nearest live subreaper above them', () => {
    const { ns, c1 } = hostWithContainer();
    const shell = ok(ns.clone(c1.pid));
    const job = ok(ns.clone(shell.pid));
    const sub = ok(ns.clone(job.pid));
    expect(ns.exit(job.pid).reparented).toEqual([{ pid: sub.pid, parent: c1.pid }]);
    expect(ns.getppid(sub.pid)).toBe(1);

    ns.setChildSubreaper(shell.pid, true);
    const job2 = ok(ns.clone(shell.pid));
    const leaf = ok(ns.clone(job2.pid));
    expect(ns.exit(job2.pid).reparented).toEqual([{ pid: leaf.pid, parent: shell.pid }]);
    expect(ns.getppid(leaf.pid)).toBe(ns.pidSeenBy(c1.pid, shell.pid));
  });

  it('a host process whose child is a container init hands it to the host\'s init (its own namespace decides)', () => {
    const { ns, runtime, c1 } = hostWithContainer();
    expect(ns.exit(runtime.pid).reparented).toEqual([{ pid: c1.pid, parent: 1 }]);
    expect(ns.ps({ viewer: 1 }).find((r) => r.globalPid === c1.pid)?.ppid).toBe(1);
  });

  it('the initial init cannot exit, and a running process cannot be reaped', () => {
    const { ns, c1 } = hostWithContainer();
    expect(() => ns.exit(1)).toThrow(/Attempted to kill init/);
    expect(() => ns.reap(c1.pid)).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
    expect(() => ns.clone(99)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    const done = ok(ns.clone(c1.pid)).pid;
    ns.exit(done);
    expect(() => ns.exit(done)).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
  });

  it('zombies are listed by ps until reaped, and their PIDs are not reused before', () => {
    const { ns, c1 } = hostWithContainer();
    const z = ok(ns.clone(c1.pid));
    ns.exit(z.pid);
    expect(ns.ps({ viewer: c1.pid })).toContainEqual({ pid: 2, ppid: 1, globalPid: z.pid, exited: true });
    ns.reap(z.pid);
    expect(ns.ps({ viewer: c1.pid }).map((r) => r.pid)).toEqual([1]);
    expect(ok(ns.clone(c1.pid)).nspid).toEqual([5, 3]);
  });
});

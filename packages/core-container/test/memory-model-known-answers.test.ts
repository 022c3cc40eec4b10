// The memory controller against answers a real kernel gave (issue 10, the reference's section 4 and
// "Other controllers") and against numbers computed by hand from mm/memcontrol.c and mm/oom_kill.c.
import { describe, expect, it } from 'vitest';
import { calculateHighDelay, calculateOverage, createMemoryModel, EMPTY_MEMORY_EVENTS, type MemoryLimitsPatch, type MemoryModel } from '../src/index.ts';
import { GiB, killVictims, MiB, PAGE, touch } from './memory-model-driver.ts';

/** A 4 GiB machine with one cgroup, /A, under `limits`, holding `pids` in that order (default oom_score_adj). */
function oneCgroup(limits: MemoryLimitsPatch, ...pids: number[]): MemoryModel {
  const mem = createMemoryModel({ ram: 4 * GiB });
  mem.addCgroup('/A');
  mem.setLimits('/A', limits);
  for (const pid of pids) mem.addProcess(pid, '/A');
  return mem;
}

describe('memory.max: the memcg OOM killer', () => {
  it('memory.max 64M and 128 MiB touched page by page: SIGKILL, oom_kill 1, memory.peak exactly 64 MiB', () => {
    const mem = oneCgroup({ max: 64 * MiB }, 100); // what memory.max "64M" parses to
    const run = touch(mem, 100, 128 * MiB);
    expect(run.charged).toBe(64 * MiB);
    const oom = run.stoppedBy;
    expect(oom).toMatchObject({ kind: 'oom', scope: { type: 'memcg', cgroup: '/A' }, oomGroup: null, awaiting: [] });
    expect(oom?.kind === 'oom' && oom.victims).toEqual([{ pid: 100, cgroup: '/A', points: 16384, reason: 'badness' }]);
    killVictims(mem, oom!);
    const a = mem.stats('/A');
    expect(a.peak).toBe(67108864);
    expect(a.current).toBe(0);
    expect(a.events.oom_kill).toBe(1);
    expect(a.events.oom).toBe(1);
    // try_charge_memcg counts `max` on every attempt: the first, the one after draining the stocks,
    // and MAX_RECLAIM_RETRIES (16) more before it calls the OOM killer. Linux then retries in the
    // dying task and may count more; the reference only promises max ≥ 1.
    expect(a.events.max).toBe(18);
    expect(a.events).toEqual({ ...EMPTY_MEMORY_EVENTS, max: 18, oom: 1, oom_kill: 1 });
    expect(a.eventsLocal).toEqual(a.events);
  });

  it('memory.max 200M: the same process survives with a peak of 128 MiB and no event', () => {
    const mem = oneCgroup({ max: 200 * MiB }, 100);
    const run = touch(mem, 100, 128 * MiB);
    expect(run.stoppedBy).toBeNull();
    const a = mem.stats('/A');
    expect(a.peak).toBe(128 * MiB);
    expect(a.current).toBe(128 * MiB);
    expect(a.stat.anon).toBe(128 * MiB);
    expect(a.events).toEqual(EMPTY_MEMORY_EVENTS);
    mem.removeProcess(100);
    expect(mem.stats('/A')).toMatchObject({ current: 0, peak: 128 * MiB });
  });

  it("a child's OOM kill shows in the parent's memory.events, not in its memory.events.local", () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/P', '/');
    mem.addCgroup('/P/C', '/P');
    mem.setLimits('/P/C', { max: 64 * MiB });
    mem.addProcess(7, '/P/C');
    killVictims(mem, touch(mem, 7, 128 * MiB).stoppedBy!);
    const parent = mem.stats('/P');
    const child = mem.stats('/P/C');
    expect(child.eventsLocal).toMatchObject({ max: 18, oom: 1, oom_kill: 1 });
    expect(parent.events).toMatchObject({ max: 18, oom: 1, oom_kill: 1 });
    expect(parent.eventsLocal).toEqual(EMPTY_MEMORY_EVENTS);
    expect(parent.peak).toBe(64 * MiB);
    // The root has no memory.events: the hierarchical walk stops below it.
    expect(mem.stats('/').events).toEqual(EMPTY_MEMORY_EVENTS);
  });

  it('an OOM at an ancestor limit names the ancestor and may kill a process of another child', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/P');
    mem.addCgroup('/P/a');
    mem.addCgroup('/P/b');
    mem.setLimits('/P', { max: 100 * MiB });
    mem.addProcess(1, '/P/a');
    mem.addProcess(2, '/P/b');
    expect(touch(mem, 1, 80 * MiB).stoppedBy).toBeNull();
    const run = touch(mem, 2, 40 * MiB);
    expect(run.charged).toBe(20 * MiB);
    expect(run.stoppedBy).toMatchObject({ kind: 'oom', scope: { type: 'memcg', cgroup: '/P' } });
    expect(run.stoppedBy?.kind === 'oom' && run.stoppedBy.victims.map((v) => v.pid)).toEqual([1]);
    killVictims(mem, run.stoppedBy!);
    expect(touch(mem, 2, 20 * MiB).stoppedBy).toBeNull(); // the retry succeeds once the victim is gone
    expect(mem.stats('/P').eventsLocal).toMatchObject({ max: 18, oom: 1, oom_kill: 0 });
    expect(mem.stats('/P').events.oom_kill).toBe(1);
    expect(mem.stats('/P/a').eventsLocal).toMatchObject({ max: 0, oom: 0, oom_kill: 1 });
  });
});

describe('memory.high: throttle, never kill', () => {
  it('memory.high 64M and 128 MiB touched: every charge succeeds, with throttling and high events, no OOM', () => {
    const mem = oneCgroup({ high: 64 * MiB }, 1);
    const run = touch(mem, 1, 128 * MiB);
    expect(run.stoppedBy).toBeNull();
    const a = mem.stats('/A');
    expect(a.current).toBe(128 * MiB);
    expect(a.events.oom_kill).toBe(0);
    expect(a.events.oom).toBe(0);
    expect(a.events.max).toBe(0);
    expect(a.events.high).toBeGreaterThan(0);
    expect(run.throttleUsec).toBeGreaterThan(0);
    // Each stock refill sleeps at most MEMCG_MAX_HIGH_DELAY_JIFFIES = 2 s; at twice the high the
    // penalty (2^20)² × 250 >> 34 = 16000 jiffies is clamped to exactly that.
    expect(Math.max(...run.sleeps)).toBe(2_000_000);
    expect(run.sleeps.at(-1)).toBe(2_000_000);
  });

  it('the first sleep, counted by hand: 3 jiffies (12 ms at HZ 250) when usage is 256 pages over a 64 MiB high', () => {
    // high = 16384 pages. Checks come every 64 pages; over high by 64, 128, 192 pages the penalty is
    // 0, 0 and 2 jiffies (overage = excess << 20 / 16384 = 4096, 8192, 12288; overage² × 250 >> 34),
    // none above HZ/100 = 2, so each check is one `high` event and no sleep. At 256 pages over,
    // overage 16384 gives 3 jiffies: the task reclaims (nothing to reclaim) 1 + 16 times, each a
    // `high` event, then sleeps 3 jiffies = 12000 µs.
    const mem = oneCgroup({ high: 64 * MiB }, 1);
    const first = touch(mem, 1, 64 * MiB + 192 * PAGE);
    expect(first.throttleUsec).toBe(0);
    expect(mem.stats('/A').events.high).toBe(3);
    const next = mem.charge(1, 'anon', 64 * PAGE);
    expect(next).toMatchObject({ kind: 'charged', throttleUsec: 12_000 });
    expect(mem.stats('/A').events.high).toBe(3 + 17);
  });

  it("the penalty reproduces the table in mm/memcontrol.c's comment (high 100M, HZ 1000, one batch)", () => {
    const high = (100 * MiB) / PAGE;
    const table: [number, number][] = [
      [100, 0],
      [101, 6],
      [102, 25],
      [103, 57],
      [104, 102],
      [105, 159],
      [110, 639],
      [117, 1849],
    ];
    for (const [usageMiB, ms] of table) {
      const usage = (usageMiB * MiB) / PAGE;
      expect(Number(calculateHighDelay(64, calculateOverage(usage, high), 1000)), `${usageMiB}M`).toBe(ms);
    }
    // From 118M on the comment shows the 2000 ms clamp; unclamped the penalty is larger.
    expect(Number(calculateHighDelay(64, calculateOverage((118 * MiB) / PAGE, high), 1000))).toBeGreaterThan(2000);
  });

  it('reclaims page cache over memory.high before it throttles', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/A');
    mem.addProcess(1, '/A');
    expect(touch(mem, 1, 48 * MiB, 'file').stoppedBy).toBeNull();
    mem.setLimits('/A', { high: 64 * MiB });
    const run = touch(mem, 1, 40 * MiB);
    expect(run.stoppedBy).toBeNull();
    expect(run.throttleUsec).toBe(0);
    const a = mem.stats('/A');
    expect(a.stat.anon).toBe(40 * MiB);
    expect(a.current).toBeLessThanOrEqual(64 * MiB + 64 * PAGE);
    expect(a.stat.file).toBeLessThan(48 * MiB);
  });
});

describe('the OOM victim: oom_badness with oom_score_adj', () => {
  function twoProcesses(adjOfSmall: number) {
    // memory.max 100M = 25600 pages, no swap: totalpages = 25600, so one adj unit is 25600 / 1000 = 25 pages.
    const mem = oneCgroup({ max: 100 * MiB }, 1);
    mem.addProcess(2, '/A', { oomScoreAdj: adjOfSmall });
    expect(touch(mem, 2, 30 * MiB).stoppedBy).toBeNull(); // 7680 pages
    return { mem, run: touch(mem, 1, 80 * MiB) }; // 17920 pages fit, the next page OOMs
  }

  it('adj 500 makes the smaller process the victim: 7680 + 500 × 25 = 20180 > 17920', () => {
    const { run } = twoProcesses(500);
    expect(run.charged).toBe(70 * MiB);
    expect(run.stoppedBy?.kind === 'oom' && run.stoppedBy.victims).toEqual([{ pid: 2, cgroup: '/A', points: 20180, reason: 'badness' }]);
  });

  it('adj 300 does not: 7680 + 300 × 25 = 15180 < 17920, the bigger process dies', () => {
    const { run } = twoProcesses(300);
    expect(run.stoppedBy?.kind === 'oom' && run.stoppedBy.victims).toEqual([{ pid: 1, cgroup: '/A', points: 17920, reason: 'badness' }]);
  });

  it('negative adj protects: −1000 is never chosen, and with no one else the charge fails with ENOMEM', () => {
    const { mem, run } = twoProcesses(-1000);
    expect(run.stoppedBy?.kind === 'oom' && run.stoppedBy.victims.map((v) => v.pid)).toEqual([1]);
    const alone = createMemoryModel({ ram: 4 * GiB });
    alone.addCgroup('/A');
    alone.setLimits('/A', { max: 64 * MiB });
    alone.addProcess(1, '/A', { oomScoreAdj: -1000 });
    const stuck = touch(alone, 1, 128 * MiB);
    expect(stuck.stoppedBy).toMatchObject({ kind: 'failed', errno: 'ENOMEM', scope: { type: 'memcg', cgroup: '/A' } });
    expect(alone.stats('/A').events).toMatchObject({ oom: 1, oom_kill: 0 });
    expect(mem.processStats(2).oomScore).toBe(0);
  });

  it('ties go to the process scanned last (the later member of the cgroup)', () => {
    const mem = oneCgroup({ max: 64 * MiB }, 5, 3);
    expect(touch(mem, 5, 32 * MiB).stoppedBy).toBeNull();
    expect(touch(mem, 3, 32 * MiB).stoppedBy).toBeNull();
    const oom = mem.charge(5, 'anon', PAGE);
    expect(oom.kind === 'oom' && oom.victims.map((v) => v.pid)).toEqual([3]);
  });

  it('a pending victim stops the OOM killer until it exits (oom_evaluate_task aborts)', () => {
    const mem = oneCgroup({ max: 64 * MiB }, 1, 2);
    expect(touch(mem, 1, 60 * MiB).stoppedBy).toBeNull();
    expect(touch(mem, 2, 4 * MiB).stoppedBy).toBeNull();
    const first = mem.charge(2, 'anon', PAGE);
    expect(first.kind === 'oom' && first.victims.map((v) => v.pid)).toEqual([1]);
    const again = mem.charge(2, 'anon', PAGE);
    expect(again).toMatchObject({ kind: 'oom', victims: [], awaiting: [1] });
    expect(mem.stats('/A').events).toMatchObject({ oom: 2, oom_kill: 1 });
    mem.removeProcess(1);
    expect(mem.charge(2, 'anon', PAGE).kind).toBe('charged');
  });

  it('/proc/PID/oom_score: (1000 + points × 1000 / totalpages) × 2 / 3 over RAM + swap', () => {
    const mem = createMemoryModel({ ram: 1 * GiB, swap: 1 * GiB }); // totalpages 524288
    mem.addProcess(1, '/', { oomScoreAdj: 100 });
    expect(touch(mem, 1, 256 * MiB).stoppedBy).toBeNull(); // 65536 pages
    // points = 65536 + 100 × 524 = 117936; 117936 × 1000 / 524288 = 224; (1000 + 224) × 2 / 3 = 816
    expect(mem.processStats(1).oomScore).toBe(816);
  });
});

describe('memory.oom.group', () => {
  it('kills every task of the group but those with oom_score_adj −1000, counting oom_group_kill once', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/G');
    mem.addCgroup('/G/w');
    mem.setLimits('/G', { max: 64 * MiB, oomGroup: true });
    mem.addProcess(1, '/G');
    mem.addProcess(2, '/G/w');
    mem.addProcess(3, '/G/w', { oomScoreAdj: -1000 });
    mem.addProcess(4, '/'); // outside the group: untouched
    expect(touch(mem, 2, 8 * MiB).stoppedBy).toBeNull();
    const run = touch(mem, 1, 64 * MiB);
    const oom = run.stoppedBy;
    expect(oom).toMatchObject({ kind: 'oom', scope: { type: 'memcg', cgroup: '/G' }, oomGroup: '/G' });
    expect(oom?.kind === 'oom' && oom.victims.map((v) => [v.pid, v.reason])).toEqual([
      [1, 'badness'],
      [2, 'oom.group'],
    ]);
    killVictims(mem, oom!);
    expect(mem.processStats(3).oomVictim).toBe(false);
    expect(mem.stats('/G').eventsLocal.oom_group_kill).toBe(1);
    // oom_kill_process() kills the chosen task, then every group member with __oom_kill_process()
    // again; the chosen one still has its mm, so its oom_kill is counted twice: 1 + 1 (group) + 1 (pid 2).
    expect(mem.stats('/G').events.oom_kill).toBe(3);
    expect(mem.stats('/G/w').eventsLocal.oom_kill).toBe(1);
    expect(mem.stats('/G').current).toBe(0);
  });

  it('the group is the highest cgroup with oom.group between the victim and the OOM cgroup', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/P');
    mem.addCgroup('/P/g');
    mem.addCgroup('/P/g/leaf');
    mem.addCgroup('/P/other');
    mem.setLimits('/P', { max: 64 * MiB });
    mem.setLimits('/P/g', { oomGroup: true });
    mem.addProcess(1, '/P/g/leaf');
    mem.addProcess(2, '/P/g');
    mem.addProcess(3, '/P/other');
    expect(touch(mem, 3, 4 * MiB).stoppedBy).toBeNull();
    const oom = touch(mem, 1, 64 * MiB).stoppedBy;
    expect(oom).toMatchObject({ kind: 'oom', oomGroup: '/P/g' });
    expect(oom?.kind === 'oom' && oom.victims.map((v) => v.pid)).toEqual([1, 2]);
  });
});

describe('global OOM', () => {
  it('when RAM runs out with no cgroup limit, the biggest task anywhere is killed; no memcg max/oom events', () => {
    const mem = createMemoryModel({ ram: 256 * MiB });
    mem.addCgroup('/A');
    mem.addCgroup('/B');
    mem.addProcess(1, '/A');
    mem.addProcess(2, '/B');
    expect(touch(mem, 1, 160 * MiB).stoppedBy).toBeNull();
    const run = touch(mem, 2, 160 * MiB);
    expect(run.charged).toBe(96 * MiB);
    expect(run.stoppedBy).toMatchObject({ kind: 'oom', scope: { type: 'global' } });
    // totalpages = RAM + swap = 65536 pages; both have adj 0: points = RSS pages.
    expect(run.stoppedBy?.kind === 'oom' && run.stoppedBy.victims).toEqual([{ pid: 1, cgroup: '/A', points: 40960, reason: 'badness' }]);
    killVictims(mem, run.stoppedBy!);
    expect(mem.stats('/A').events).toEqual({ ...EMPTY_MEMORY_EVENTS, oom_kill: 1 });
    expect(mem.stats('/B').events).toEqual(EMPTY_MEMORY_EVENTS);
    expect(touch(mem, 2, 64 * MiB).stoppedBy).toBeNull();
    expect(mem.globalStats()).toMatchObject({ ram: 256 * MiB, used: 160 * MiB, free: 96 * MiB });
  });

  it('global reclaim drops page cache anywhere before it kills', () => {
    const mem = createMemoryModel({ ram: 256 * MiB });
    mem.addCgroup('/A');
    mem.addCgroup('/B');
    mem.addProcess(1, '/A');
    mem.addProcess(2, '/B');
    expect(touch(mem, 1, 128 * MiB, 'file').stoppedBy).toBeNull();
    const run = touch(mem, 2, 200 * MiB);
    expect(run.stoppedBy).toBeNull();
    expect(mem.stats('/A').stat.file).toBeLessThanOrEqual(56 * MiB);
    expect(mem.globalStats().free).toBeGreaterThanOrEqual(0);
  });
});

describe('reclaim order and protection', () => {
  it('page cache is reclaimed before an OOM: file pages give way to anon under memory.max', () => {
    const mem = oneCgroup({ max: 64 * MiB }, 1);
    expect(touch(mem, 1, 48 * MiB, 'file').stoppedBy).toBeNull();
    const run = touch(mem, 1, 40 * MiB);
    expect(run.stoppedBy).toBeNull();
    const a = mem.stats('/A');
    expect(a.stat.anon).toBe(40 * MiB);
    expect(a.current).toBeLessThanOrEqual(64 * MiB);
    expect(a.peak).toBe(64 * MiB);
    // 16 MiB of the 40 fit; each slow-path page then reclaims SWAP_CLUSTER_MAX (32) pages, so the
    // other 24 MiB = 6144 pages take 192 rounds, one `max` event each.
    expect(a.events).toEqual({ ...EMPTY_MEMORY_EVENTS, max: 192 });
    expect(a.stat.file).toBe(24 * MiB);
  });

  it('memory.min is never reclaimed: with nothing else to take, the OOM killer runs', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/P');
    mem.addCgroup('/P/a');
    mem.addCgroup('/P/b');
    mem.setLimits('/P', { max: 64 * MiB });
    mem.setLimits('/P/a', { min: 32 * MiB });
    mem.addProcess(1, '/P/a');
    mem.addProcess(2, '/P/b');
    expect(touch(mem, 1, 32 * MiB, 'file').stoppedBy).toBeNull();
    const run = touch(mem, 2, 40 * MiB);
    expect(run.charged).toBe(32 * MiB);
    expect(run.stoppedBy?.kind).toBe('oom');
    expect(mem.stats('/P/a').stat.file).toBe(32 * MiB);
    expect(mem.stats('/P/a').events.low).toBe(0);
  });

  it('memory.low gives way only when nothing unprotected is left, counting a low event', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/P');
    mem.addCgroup('/P/a');
    mem.addCgroup('/P/b');
    mem.setLimits('/P', { max: 64 * MiB });
    mem.setLimits('/P/a', { low: 32 * MiB });
    mem.addProcess(1, '/P/a');
    mem.addProcess(2, '/P/b');
    expect(touch(mem, 1, 32 * MiB, 'file').stoppedBy).toBeNull();
    expect(touch(mem, 2, 16 * MiB, 'file').stoppedBy).toBeNull();
    // b's 16 MiB of cache goes first, without touching a and without a low event.
    expect(touch(mem, 2, 16 * MiB).stoppedBy).toBeNull();
    expect(touch(mem, 2, 16 * MiB).stoppedBy).toBeNull();
    expect(mem.stats('/P/a').stat.file).toBe(32 * MiB);
    expect(mem.stats('/P/a').events.low).toBe(0);
    // Now only a's protected cache is left: the next page takes 32 pages from it and counts `low`.
    expect(mem.charge(2, 'anon', PAGE).kind).toBe('charged');
    expect(mem.stats('/P/a').stat.file).toBe(32 * MiB - 32 * PAGE);
    expect(mem.stats('/P/a').eventsLocal.low).toBe(1);
    expect(mem.stats('/P').events.low).toBe(1);
  });

  it("siblings claiming more memory.low than their parent has share the parent's in proportion (effective_protection)", () => {
    function scene(parentLow: number) {
      const mem = createMemoryModel({ ram: 4 * GiB });
      for (const path of ['/R', '/R/P', '/R/P/a', '/R/P/b', '/R/c']) mem.addCgroup(path);
      mem.setLimits('/R', { max: 96 * MiB });
      mem.setLimits('/R/P', { low: parentLow });
      mem.setLimits('/R/P/a', { low: 32 * MiB });
      mem.setLimits('/R/P/b', { low: 32 * MiB });
      mem.addProcess(1, '/R/P/a');
      mem.addProcess(2, '/R/P/b');
      mem.addProcess(3, '/R/c');
      expect(touch(mem, 1, 32 * MiB, 'file').stoppedBy).toBeNull();
      expect(touch(mem, 2, 32 * MiB, 'file').stoppedBy).toBeNull();
      expect(touch(mem, 3, 40 * MiB).stoppedBy).toBeNull(); // 8 MiB over the limit of /R
      return mem;
    }
    // /R/P affords 32 MiB to children claiming 64: each gets 16 MiB, so a's cache above that goes
    // first (pre-order), without a low event.
    const shared = scene(32 * MiB);
    expect(shared.stats('/R/P/a').stat.file).toBe(24 * MiB);
    expect(shared.stats('/R/P/b').stat.file).toBe(32 * MiB);
    expect(shared.stats('/R').events.low).toBe(0);
    // /R/P affords 64 MiB: both are fully protected, reclaim must break into low, counting events.
    const whole = scene(64 * MiB);
    expect(whole.stats('/R/P').stat.file).toBe(56 * MiB);
    // 8 MiB = 2048 pages in 64 slow paths of 32; each first pass finds nothing and the low pass visits
    // P and then a (whose cache suffices), one `low` each.
    expect(whole.stats('/R/P/a').eventsLocal.low).toBe(64);
    expect(whole.stats('/R/P/b').eventsLocal.low).toBe(0);
    expect(whole.stats('/R/P').eventsLocal.low).toBe(64);
    expect(whole.stats('/R').events.low).toBe(128);
  });

  it('anonymous memory goes to swap when swap and memory.swap.max allow, then the OOM killer runs', () => {
    const mem = createMemoryModel({ ram: 4 * GiB, swap: 1 * GiB });
    mem.addCgroup('/A');
    mem.setLimits('/A', { max: 64 * MiB, swapMax: 16 * MiB });
    mem.addProcess(1, '/A');
    const run = touch(mem, 1, 128 * MiB);
    expect(run.charged).toBe(80 * MiB);
    expect(run.stoppedBy).toMatchObject({ kind: 'oom', scope: { type: 'memcg', cgroup: '/A' } });
    expect(mem.stats('/A')).toMatchObject({ current: 64 * MiB, swapCurrent: 16 * MiB });
    expect(mem.processStats(1)).toMatchObject({ rss: 64 * MiB, swap: 16 * MiB });
    // totalpages = max + min(swap.max, total swap) = 16384 + 4096; points = RSS + swap entries = 20480.
    expect(run.stoppedBy?.kind === 'oom' && run.stoppedBy.victims[0]?.points).toBe(20480);
    killVictims(mem, run.stoppedBy!);
    expect(mem.stats('/A')).toMatchObject({ current: 0, swapCurrent: 0 });
    expect(mem.globalStats().swapUsed).toBe(0);
  });
});

describe('writing the limits', () => {
  it('lowering memory.max below usage reclaims, then OOM-kills at once (oom, not max)', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/A');
    mem.addProcess(1, '/A');
    expect(touch(mem, 1, 100 * MiB).stoppedBy).toBeNull();
    const outcome = mem.setLimits('/A', { max: 64 * MiB });
    expect(outcome).toMatchObject({ kind: 'oom', scope: { type: 'memcg', cgroup: '/A' } });
    expect(outcome.kind === 'oom' && outcome.victims.map((v) => v.pid)).toEqual([1]);
    expect(mem.stats('/A').events).toEqual({ ...EMPTY_MEMORY_EVENTS, oom: 1, oom_kill: 1 });
    killVictims(mem, outcome);
    expect(mem.setLimits('/A', { max: 64 * MiB }).kind).toBe('applied');
    expect(mem.limits('/A').max).toBe(64 * MiB);
  });

  it('lowering memory.max over page cache just reclaims it', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/A');
    mem.addProcess(1, '/A');
    expect(touch(mem, 1, 100 * MiB, 'file').stoppedBy).toBeNull();
    const outcome = mem.setLimits('/A', { max: 64 * MiB });
    expect(outcome).toEqual({ kind: 'applied', reclaimed: { fileBytes: 36 * MiB, swappedBytes: 0 } });
    expect(mem.stats('/A').current).toBe(64 * MiB);
  });

  it('with no eligible victim the write succeeds and usage stays over memory.max', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/A');
    mem.addProcess(1, '/A', { oomScoreAdj: -1000 });
    expect(touch(mem, 1, 100 * MiB).stoppedBy).toBeNull();
    expect(mem.setLimits('/A', { max: 64 * MiB }).kind).toBe('over-limit');
    expect(mem.stats('/A').current).toBe(100 * MiB);
    expect(mem.headroom(1, 'anon')).toBe(0);
  });

  it('lowering memory.high reclaims what it can and never kills', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/A');
    mem.addProcess(1, '/A');
    expect(touch(mem, 1, 50 * MiB, 'file').stoppedBy).toBeNull();
    expect(touch(mem, 1, 50 * MiB).stoppedBy).toBeNull();
    const outcome = mem.setLimits('/A', { high: 32 * MiB });
    expect(outcome).toEqual({ kind: 'applied', reclaimed: { fileBytes: 50 * MiB, swappedBytes: 0 } });
    expect(mem.stats('/A')).toMatchObject({ current: 50 * MiB });
    expect(mem.stats('/A').events).toEqual(EMPTY_MEMORY_EVENTS);
  });

  it('sizes are rounded down to whole pages, as page_counter_memparse does', () => {
    const mem = createMemoryModel({ ram: 4 * GiB });
    mem.addCgroup('/A');
    mem.setLimits('/A', { max: 100000, low: 4095 });
    expect(mem.limits('/A')).toEqual({ min: 0, low: 0, high: 'max', max: 98304, swapMax: 'max', oomGroup: false });
  });
});

describe('headroom', () => {
  it('is the room under every memory.max of the chain and free RAM', () => {
    const mem = createMemoryModel({ ram: 1 * GiB });
    mem.addCgroup('/P');
    mem.addCgroup('/P/C');
    mem.setLimits('/P', { max: 96 * MiB });
    mem.setLimits('/P/C', { max: 128 * MiB });
    mem.addProcess(1, '/P/C');
    expect(mem.headroom(1, 'anon')).toBe(96 * MiB);
    mem.addProcess(2, '/');
    expect(mem.headroom(2, 'file')).toBe(1 * GiB);
    expect(mem.charge(1, 'anon', 96 * MiB)).toMatchObject({ kind: 'charged', throttleUsec: 0 });
    expect(mem.headroom(1, 'anon')).toBe(0);
    expect(mem.headroom(2, 'anon')).toBe(1 * GiB - 96 * MiB);
  });

  it('stops before the first memory.high check that finds the cgroup over high', () => {
    const mem = createMemoryModel({ ram: 1 * GiB });
    mem.addCgroup('/A');
    mem.setLimits('/A', { high: 1 * MiB }); // 256 pages: the check after page 320 is the first one over
    mem.addProcess(1, '/A');
    expect(mem.headroom(1, 'anon')).toBe(319 * PAGE);
    expect(mem.charge(1, 'anon', 319 * PAGE).kind).toBe('charged');
    expect(mem.stats('/A').events.high).toBe(0);
    expect(mem.headroom(1, 'anon')).toBe(0);
    // 320 pages against a high of 256: overage 64 << 20 / 256 = 262144, penalty 2^36 × 250 >> 34 =
    // 1000 jiffies, clamped to 500 (2 s); nothing to reclaim, so 1 + 16 rounds of `high` events first.
    expect(mem.charge(1, 'anon', PAGE)).toMatchObject({ kind: 'charged', throttleUsec: 2_000_000 });
    expect(mem.stats('/A').events.high).toBe(17);
    expect(mem.headroom(1, 'anon')).toBe(63 * PAGE);
  });
});

// The batch engine: per-VM event-driven processor sharing (time-shared) or FCFS with the scan rule
// (space-shared), in typed arrays. Each VM keeps a virtual clock V (MI·10⁻⁶ done per running thread)
// that is linear in time between its events, so a job finishes when V reaches its tag (V at start +
// length): an event touches only its VM, and a heap of per-VM next-event times orders the VMs.
import { ConflictError, ValidationError, type Micros } from '@strata/shared-types';
import type { GuestCpus, VcpuDemandListener } from '@strata/core-vmm';
import { indexJobs } from './job-index.js';
import { VmEventHeap } from './vm-event-heap.js';
import type { BatchModel, BatchModelOptions, BatchSummary } from './types.js';

/** Tags within this of V complete at the same instant (float noise, far below 1 µs of work). */
function tolerance(v: number): number {
  return 1e-3 + Math.abs(v) * 1e-14;
}

/**
 * Build a batch model over `vms` running `jobs` (`BatchModelOptions`). Jobs arrive at
 * max(submit, start); under space-shared a job's `pes` must not exceed its VM's vCPUs. Validates
 * everything first (ValidationError naming the job's row and id, what is accepted).
 */
export function createBatchModel(options: BatchModelOptions): BatchModel {
  const { vms, jobs, scheduler, onJob } = options;
  const start = options.start ?? 0;
  if (scheduler !== 'time-shared' && scheduler !== 'space-shared') {
    throw new ValidationError(`scheduler must be time-shared or space-shared, got ${String(scheduler)}`, { path: 'scheduler', value: String(scheduler) });
  }
  if (!Number.isSafeInteger(start) || start < 0) throw new ValidationError(`start must be an integer µs ≥ 0, got ${String(start)}`, { path: 'start', value: start });
  const vmCount = vms.length;
  const e = new Float64Array(vmCount);
  const c = new Int32Array(vmCount);
  for (let v = 0; v < vmCount; v++) {
    const spec = vms[v]!;
    if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1 || spec.vcpus > 1024) {
      throw new ValidationError(`vms[${v}].vcpus must be an integer 1..1024, got ${String(spec.vcpus)}`, { path: `vms[${v}].vcpus`, value: spec.vcpus });
    }
    if (!(spec.mips > 0) || !Number.isFinite(spec.mips)) {
      throw new ValidationError(`vms[${v}].mips must be a positive number, got ${String(spec.mips)}`, { path: `vms[${v}].mips`, value: spec.mips });
    }
    e[v] = spec.mips;
    c[v] = spec.vcpus;
  }
  const n = jobs.count;
  const spaceShared = scheduler === 'space-shared';
  const { off, order, arrival, work } = indexJobs(jobs, c, spaceShared, start);
  const pes = jobs.pes;
  const tag = new Float64Array(n);
  const startAt = new Float64Array(n).fill(NaN);
  const finishAt = new Float64Array(n).fill(NaN);
  const failedAt = new Float64Array(n).fill(NaN);
  const nextWait = new Int32Array(spaceShared ? n : 0);

  // Per-VM state. V(t) = anchorV + (t − anchorT)·rate while nothing changes.
  const arr = off.slice(0, vmCount);
  const runHeap = new Int32Array(n);
  const runCount = new Int32Array(vmCount);
  const threads = new Int32Array(vmCount);
  const waitHead = new Int32Array(vmCount).fill(-1);
  const waitTail = new Int32Array(vmCount).fill(-1);
  const anchorT = new Float64Array(vmCount).fill(start);
  const anchorV = new Float64Array(vmCount);
  const rate = new Float64Array(e);
  const nextEv = new Float64Array(vmCount).fill(Infinity);
  const uniformCap = new Float64Array(vmCount).fill(1);
  const hosted = new Map<number, { caps: Float64Array; now: number; listener: VcpuDemandListener | null; busy: number; demand: number }>();
  // 1 when a nested host drives the VM (`guestCpus`): a flag per VM keeps Map lookups off the event path.
  const isHosted = new Uint8Array(vmCount);
  const heap = new VmEventHeap(vmCount);
  let now = start;
  let completed = 0;
  let events = 0;

  function rateOf(v: number): number {
    const P = threads[v]!;
    if (isHosted[v] === 0) {
      const k = uniformCap[v]!;
      if (P <= c[v]!) return e[v]! * k;
      return (e[v]! * c[v]! * k) / P;
    }
    const h = hosted.get(v)!;
    const m = Math.min(Math.max(P, 1), c[v]!);
    let s = 0;
    for (let i = 0; i < m; i++) s += h.caps[i]!;
    return (e[v]! * s) / Math.max(P, 1);
  }

  // Running jobs of VM v: a binary min-heap by tag in runHeap[off[v] .. off[v] + runCount[v]).
  function pushRun(v: number, j: number): void {
    const base = off[v]!;
    let p = runCount[v]!++;
    const t = tag[j]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const q = runHeap[base + parent]!;
      if (tag[q]! <= t) break;
      runHeap[base + p] = q;
      p = parent;
    }
    runHeap[base + p] = j;
  }

  function popRun(v: number): number {
    const base = off[v]!;
    const top = runHeap[base]!;
    const size = --runCount[v]!;
    if (size === 0) return top;
    const item = runHeap[base + size]!;
    const t = tag[item]!;
    let p = 0;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= size) break;
      if (child + 1 < size && tag[runHeap[base + child + 1]!]! < tag[runHeap[base + child]!]!) child++;
      const q = runHeap[base + child]!;
      if (tag[q]! >= t) break;
      runHeap[base + p] = q;
      p = child;
    }
    runHeap[base + p] = item;
    return top;
  }

  function startJob(v: number, j: number, t: number, vNow: number): void {
    startAt[j] = t;
    tag[j] = vNow + work[j]!;
    threads[v]! += pes[j]!;
    pushRun(v, j);
    onJob?.('started', j, t);
  }

  /** Exact time of VM v's next arrival or completion, or Infinity. */
  function nextEventOf(v: number): number {
    let t = Infinity;
    if (arr[v]! < off[v + 1]!) t = arrival[order[arr[v]!]!]!;
    if (runCount[v]! > 0 && rate[v]! > 0) {
      const tc = anchorT[v]! + (tag[runHeap[off[v]!]!]! - anchorV[v]!) / rate[v]!;
      if (tc < t) t = tc;
    }
    return t;
  }

  function rekey(v: number): void {
    const t = nextEventOf(v);
    nextEv[v] = t;
    if (isHosted[v] === 0) heap.update(v, t);
  }

  function reportDemand(v: number): void {
    if (isHosted[v] === 0) return;
    const h = hosted.get(v);
    if (h === undefined || h.listener === null) return;
    const busy = Math.min(threads[v]!, c[v]!);
    if (busy === h.busy) return;
    const lo = Math.min(busy, h.busy);
    const hi = Math.max(busy, h.busy);
    h.busy = busy;
    for (let cpu = lo; cpu < hi; cpu++) h.listener(cpu, { runnable: cpu < busy, demand: h.demand });
  }

  /** Process VM v's next event instant (completions and arrivals at it, then the space-shared scan). */
  function step(v: number): void {
    const r = rate[v]!;
    const hasRun = runCount[v]! > 0 && r > 0;
    const minTag = hasRun ? tag[runHeap[off[v]!]!]! : Infinity;
    const ta = arr[v]! < off[v + 1]! ? arrival[order[arr[v]!]!]! : Infinity;
    const va = ta < Infinity ? anchorV[v]! + (ta - anchorT[v]!) * r : Infinity;
    let t: number;
    let vNow: number;
    if (hasRun && minTag <= va + tolerance(va)) {
      t = Math.min(anchorT[v]! + (minTag - anchorV[v]!) / r, ta);
      vNow = minTag;
      const limit = minTag + tolerance(minTag);
      while (runCount[v]! > 0 && tag[runHeap[off[v]!]!]! <= limit) {
        const j = popRun(v);
        finishAt[j] = t;
        threads[v]! -= pes[j]!;
        completed++;
        events++;
        onJob?.('finished', j, t);
      }
    } else {
      t = ta;
      vNow = va;
    }
    const end = off[v + 1]!;
    while (arr[v]! < end && arrival[order[arr[v]!]!]! <= t) {
      const j = order[arr[v]!++]!;
      events++;
      if (!spaceShared) startJob(v, j, t, vNow);
      else {
        nextWait[j] = -1;
        if (waitTail[v]! < 0) waitHead[v] = j;
        else nextWait[waitTail[v]!] = j;
        waitTail[v] = j;
      }
    }
    if (spaceShared) scan(v, t, vNow);
    const nr = rateOf(v);
    if (nr !== r) {
      anchorT[v] = t;
      anchorV[v] = vNow;
      rate[v] = nr;
    }
    reportDemand(v);
  }

  /** Space-shared: start, in queue order, every waiting job whose pes fit the free vCPUs. */
  function scan(v: number, t: number, vNow: number): void {
    let free = c[v]! - threads[v]!;
    let prev = -1;
    let j = waitHead[v]!;
    while (j >= 0 && free > 0) {
      const next = nextWait[j]!;
      if (pes[j]! <= free) {
        if (prev < 0) waitHead[v] = next;
        else nextWait[prev] = next;
        if (waitTail[v] === j) waitTail[v] = prev;
        free -= pes[j]!;
        startJob(v, j, t, vNow);
      } else prev = j;
      j = next;
    }
  }

  /** Run VM v's events up to `time` (inclusive). */
  function runVm(v: number, time: number): void {
    while (nextEv[v]! <= time) {
      step(v);
      nextEv[v] = nextEventOf(v);
    }
  }

  /** Bring VM v's anchor to `time` (after its events up to `time` ran) and apply a new rate. */
  function rerate(v: number, time: number): void {
    const nr = rateOf(v);
    if (nr === rate[v]) return;
    anchorV[v] = anchorV[v]! + (time - anchorT[v]!) * rate[v]!;
    anchorT[v] = time;
    rate[v] = nr;
    rekey(v);
  }

  function requireVm(vm: number): void {
    if (!Number.isInteger(vm) || vm < 0 || vm >= vmCount) {
      throw new ValidationError(`vm must be an index 0..${vmCount - 1}, got ${String(vm)}`, { path: 'vm', value: vm });
    }
  }

  function requireCapacity(capacity: number): void {
    if (!(capacity >= 0 && capacity <= 1)) throw new ValidationError(`capacity must be a number in 0..1, got ${String(capacity)}`, { path: 'capacity', value: capacity });
  }

  function requireTime(time: number, current: number, who: string): void {
    if (!Number.isSafeInteger(time) || time < current) {
      throw new ValidationError(`${who}: advanceTo(${String(time)}) needs an integer µs ≥ now (${current})`, { path: 'time', value: time });
    }
  }

  for (let v = 0; v < vmCount; v++) rekey(v);

  return {
    jobCount: n,
    vmCount,
    scheduler,
    now: () => now as Micros,
    nextEventTime: () => Math.ceil(heap.minKey()),
    advanceTo(time) {
      requireTime(time, now, 'batch model');
      const before = events;
      // VMs are independent, so each VM due before `time` runs all its events up to `time` at once:
      // one heap re-key per VM per call rather than per event.
      for (;;) {
        const v = heap.peek();
        if (v < 0 || !(heap.minKey() <= time)) break;
        runVm(v, time);
        heap.update(v, nextEv[v]!);
      }
      now = time;
      return events - before;
    },
    setVmCapacity(vm, capacity) {
      requireVm(vm);
      requireCapacity(capacity);
      if (hosted.has(vm)) throw new ValidationError(`vm ${vm} is hosted: its host sets its vCPU capacities`, { path: 'vm', value: vm });
      runVm(vm, now);
      heap.update(vm, nextEv[vm]!);
      uniformCap[vm] = capacity;
      rerate(vm, now);
    },
    guestCpus(vm, guestOptions = {}) {
      requireVm(vm);
      if (hosted.has(vm)) throw new ConflictError(`vm ${vm} is already hosted`, { vm });
      const demand = guestOptions.demand ?? 1;
      if (!(demand > 0 && demand <= 1)) throw new ValidationError(`demand must be in (0, 1], got ${String(demand)}`, { path: 'demand', value: demand });
      runVm(vm, now);
      const h = { caps: new Float64Array(c[vm]!).fill(uniformCap[vm]!), now, listener: null as VcpuDemandListener | null, busy: 0, demand };
      hosted.set(vm, h);
      isHosted[vm] = 1;
      heap.update(vm, Infinity);
      rekey(vm);
      const guest: GuestCpus = {
        cpus: c[vm]!,
        now: () => h.now as Micros,
        connect(listener) {
          h.listener = listener;
          h.busy = Math.min(threads[vm]!, c[vm]!);
          for (let cpu = 0; cpu < c[vm]!; cpu++) listener(cpu, { runnable: cpu < h.busy, demand });
        },
        setCpuCapacity(cpu, capacity) {
          if (!Number.isInteger(cpu) || cpu < 0 || cpu >= c[vm]!) throw new ValidationError(`vm ${vm} has no cpu ${String(cpu)}; cpus are 0..${c[vm]! - 1}`, { path: 'cpu', value: cpu });
          requireCapacity(capacity);
          // The host's capacity is a fraction of a host CPU; the model's is of the vCPU's own speed.
          h.caps[cpu] = Math.min(1, capacity / demand);
          rerate(vm, h.now);
        },
        nextEventTime: () => Math.ceil(nextEv[vm]!),
        advanceTo(time) {
          requireTime(time, h.now, `vm ${vm}`);
          runVm(vm, time);
          h.now = time;
        },
      };
      return guest;
    },
    failVm(vm, time) {
      requireVm(vm);
      const h = hosted.get(vm);
      requireTime(time, h === undefined ? now : h.now, `vm ${vm}`);
      runVm(vm, time);
      const lost: number[] = [];
      while (runCount[vm]! > 0) lost.push(popRun(vm));
      for (let j = waitHead[vm]!; j >= 0; j = nextWait[j]!) lost.push(j);
      waitHead[vm] = -1;
      waitTail[vm] = -1;
      threads[vm] = 0;
      for (const j of lost) failedAt[j] = time;
      lost.sort((a, b) => a - b);
      // Down: no capacity until a host gives some again; V stays where it was.
      anchorV[vm] = anchorV[vm]! + (time - anchorT[vm]!) * rate[vm]!;
      anchorT[vm] = time;
      if (h === undefined) uniformCap[vm] = 0;
      else {
        h.caps.fill(0);
        h.now = time;
      }
      rate[vm] = rateOf(vm);
      rekey(vm);
      reportDemand(vm);
      return lost;
    },
    failedUs: (i) => failedAt[i]!,
    completed: () => completed,
    events: () => events,
    startUs: (i) => startAt[i]!,
    finishUs: (i) => finishAt[i]!,
    summary(): BatchSummary {
      let max = 0;
      let sum = 0;
      let done = 0;
      for (let j = 0; j < n; j++) {
        const f = finishAt[j]!;
        if (f !== f) continue;
        const us = Math.round(f);
        if (us > max) max = us;
        sum += us;
        done++;
      }
      return { count: n, completed: done, makespan_s: max / 1e6, meanFinish_s: done === 0 ? 0 : sum / done / 1e6 };
    },
  };
}

// A stand-in for the kernel in the memory model's tests: a process touching memory page by page,
// charged in the chunks the model's headroom allows, with OOM victims killed as the kernel would.
import type { ChargeOutcome, MemoryChargeKind, MemoryModel } from '../src/index.ts';

export const PAGE = 4096;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** How a touch ended: all bytes charged, or the first outcome that was not a charge. */
export interface TouchResult {
  readonly charged: number;
  readonly throttleUsec: number;
  /** Throttles of the individual charges that slept, in order. */
  readonly sleeps: readonly number[];
  readonly stoppedBy: Exclude<ChargeOutcome, { kind: 'charged' }> | null;
}

/**
 * Touch `bytes` as a program does, page after page: charge what fits without a slow path in one go,
 * then one page through the slow path, and so on. Stops at the first OOM or failure.
 */
export function touch(mem: MemoryModel, pid: number, bytes: number, kind: MemoryChargeKind = 'anon'): TouchResult {
  let charged = 0;
  let throttleUsec = 0;
  const sleeps: number[] = [];
  while (charged < bytes) {
    const room = mem.headroom(pid, kind);
    const chunk = room > 0 ? Math.min(room, bytes - charged) : PAGE;
    const outcome = mem.charge(pid, kind, chunk);
    if (outcome.kind !== 'charged') return { charged, throttleUsec, sleeps, stoppedBy: outcome };
    charged += chunk;
    throttleUsec += outcome.throttleUsec;
    if (outcome.throttleUsec > 0) sleeps.push(outcome.throttleUsec);
  }
  return { charged, throttleUsec, sleeps, stoppedBy: null };
}

/** The kernel's answer to an OOM: the victims get SIGKILL and exit. Returns their pids. */
export function killVictims(mem: MemoryModel, outcome: ChargeOutcome | { kind: string; victims?: readonly { pid: number }[] }): number[] {
  const pids = 'victims' in outcome && outcome.victims !== undefined ? outcome.victims.map((v) => v.pid) : [];
  for (const pid of pids) mem.removeProcess(pid);
  return pids;
}

// A process as the kernel model keeps it: identity, place in the trees, its running program (a stack
// of frames) and what it is doing right now.
import type { AllocStep, Micros, OnError, Program, ProcessExit, SignalName, WaitStep } from '@strata/shared-types';
import type { CgroupMember, CgroupNode } from './cgroup-tree.js';
import type { TaskSlot } from './cpu-demand.js';
import type { LatencyRecord, RequestServer } from './request-server.js';
import type { MemoryProcessRef } from '../memory/types.js';

/** A frame of a running program: its steps, where it is, and why it was pushed. */
export interface Frame {
  readonly steps: Program;
  index: number;
  /** Loop frames: passes left after this one ('forever' never runs out). */
  loopsLeft: number | 'forever' | null;
  readonly kind: 'program' | 'loop' | 'handler' | 'on-error';
  /** Handler frames: what the process was doing when the signal came, resumed when the handler ends. */
  readonly resume: Suspended | null;
}

/**
 * What a process is blocked on. A CPU burst is `work` (CPU-µs at speed 1) on the scheduler, asked
 * for as CPU time work / speed from `startUsec` of the task's CPU time (`speed` the CPUs' then). A sleep ends at `until`. A wait needs
 * `need` more children reaped.
 */
export type Activity =
  | { readonly kind: 'cpu'; readonly work: number; readonly startUsec: number; readonly speed: number }
  | { readonly kind: 'sleep'; readonly until: number; readonly token: number }
  | { readonly kind: 'wait'; need: number | 'all'; readonly step: WaitStep }
  | { readonly kind: 'serve' }
  /** A read or write in flight (block-io.ts's stream); it goes on while a handler runs or the process is held. */
  | { readonly kind: 'io'; readonly stream: number }
  /** A send or a listen waiting for bytes (net-io.ts's op); it goes on while a handler runs or the process is held. */
  | { readonly kind: 'net'; readonly op: number; readonly onError: OnError | undefined };

/** What an interrupted activity still owes when it resumes (remaining CPU or sleep time). */
export type Suspended =
  | { readonly kind: 'cpu'; readonly remaining: number }
  | { readonly kind: 'sleep'; readonly remaining: number }
  | { readonly kind: 'wait'; readonly need: number | 'all'; readonly step: WaitStep }
  | { readonly kind: 'serve' }
  | { readonly kind: 'io'; readonly stream: number }
  | { readonly kind: 'net'; readonly op: number; readonly onError: OnError | undefined };

/** One line a process printed. */
export interface OutputLine {
  readonly stream: 'stdout' | 'stderr';
  readonly time: Micros;
  readonly text: string;
}

/** A process record (a member of its cgroup's list while live, not a zombie). */
export interface Proc extends CgroupMember {
  readonly pid: number;
  /** PIDs in every pid namespace from the host's inwards (NSpid). */
  readonly nspid: readonly number[];
  /** Its user and group ids as the kernel knows them (kuid, kgid: the initial user namespace's view). */
  kuid: number;
  kgid: number;
  /** False while an exited namespace init waits for its namespace to empty (its exit not yet visible to its parent). */
  exitReported: boolean;
  readonly name: string;
  readonly taskId: string;
  /** Its main thread's mirror in the demand scheduler (`DemandScheduler.slotOf`), set once its task is added: its CPU time read without a lookup. */
  cpuSlot: TaskSlot | null;
  parent: Proc | null; // null: the kernel's init (PID 1), which reaps at once
  cgroup: CgroupNode;
  readonly nice: number;
  readonly oomScoreAdj: number;
  frames: Frame[];
  activity: Activity | null;
  /** Set while stopped or frozen: the activity to resume. */
  suspended: Suspended | null;
  handlers: Map<SignalName, 'ignore' | Program>;
  /** Signals delivered while stopped or frozen, run when it resumes (SIGKILL never waits). */
  pending: SignalName[];
  readonly children: Set<Proc>;
  stoppedBySignal: boolean;
  frozen: boolean;
  zombie: boolean;
  reaped: boolean;
  exit: ProcessExit | null;
  /** CPU µs used; live processes read the scheduler, this holds the total once exited. */
  cpuUsecAtExit: number;
  /** The scheduler's CPU time of the task when it entered its current cgroup. */
  cpuBase: number;
  /** The running `serve` step (its worker threads serve while the main thread waits), and the latencies of all of them. */
  server: RequestServer<Proc> | null;
  latency: LatencyRecord | null;
  /** Its record in the memory model, resolved at its first request's charge (no lookup by pid per request), or null. */
  memRef: MemoryProcessRef | null;
  /** The `alloc` step in progress: bytes (whole pages) still to touch, a chunk touched but not yet charged. */
  alloc: { readonly step: AllocStep; remaining: number; pendingChunk: number } | null;
  /** Live anonymous allocations, oldest first (what `free` releases). */
  readonly allocations: { readonly name: string | undefined; bytes: number }[];
  /** CPU µs of worker threads that have ended. */
  workerCpu: number;
  servesStarted: number;
  forksOk: number;
  forksFailed: number;
  forkErrno: 'EAGAIN' | 'ENOMEM' | null;
  readonly output: OutputLine[];
  outputDropped: number;
  /** Started by `spawn` (its record is always kept). */
  readonly spawned: boolean;
}

/** Whether the process is held (stopped by a signal or frozen by its cgroup). */
export function isHeld(p: Proc): boolean {
  return p.stoppedBySignal || p.frozen;
}

// The parsed program: a typed AST of steps discriminated by `op`, quantities in integer units,
// defaults applied. Written by hand because programs nest (zod cannot infer recursive types).
import type { Bytes, BytesPerSecond, Micros } from '../units.js';
import type { CatchableSignal, Errno } from './vocabulary.js';

/** A program: steps run in order; after the last one the process exits with code 0. */
export type Program = readonly Step[];

/** A program given inline, or by the name of a program defined elsewhere (a kernel experiment's `programs`). */
export type ProgramRef = { readonly kind: 'inline'; readonly steps: Program } | { readonly kind: 'named'; readonly name: string };

/**
 * Handlers for the errors a step meets: per errno, or `any`. A handler runs and the program goes on
 * after the failed attempt; an error with no handler is fatal (the process exits with code 1).
 */
export type OnError = Readonly<Partial<Record<Errno | 'any', Program>>>;

interface Fallible {
  readonly onError?: OnError;
}

/** Run `work` of CPU time (CPU-µs at speed 1.0). */
export interface CpuStep {
  readonly op: 'cpu';
  readonly work: Micros;
}

/** Sleep `duration` of simulated wall time (0 yields the CPU). */
export interface SleepStep {
  readonly op: 'sleep';
  readonly duration: Micros;
}

/**
 * Allocate and touch `size` bytes of anonymous memory, at `rate` bytes per CPU-second (the process
 * runs while it touches pages) or all at once when `rate` is null; `name` lets `free` release it.
 */
export interface AllocStep extends Fallible {
  readonly op: 'alloc';
  readonly size: Bytes;
  readonly rate: BytesPerSecond | null;
  readonly name?: string;
}

/** What `free` releases: everything, the latest live allocation of a name, or bytes from the latest allocations. */
export type FreeTarget = { readonly kind: 'all' } | { readonly kind: 'name'; readonly name: string } | { readonly kind: 'size'; readonly size: Bytes };

/** Release anonymous memory. */
export interface FreeStep {
  readonly op: 'free';
  readonly target: FreeTarget;
}

/** File I/O of `bytes` against `device`, in requests of `block` bytes, through the page cache unless `direct`. */
export interface IoStep<Op extends 'read' | 'write'> extends Fallible {
  readonly op: Op;
  readonly device: string;
  readonly bytes: Bytes;
  readonly block: Bytes;
  readonly direct: boolean;
  readonly file?: string;
}

/** Read from a device. */
export type ReadStep = IoStep<'read'>;
/** Write to a device. */
export type WriteStep = IoStep<'write'>;

/** A transport protocol of `send` and `listen`. */
export type Protocol = 'tcp' | 'udp';

/** Send `bytes` to `host`:`port`; the step ends when the last byte is delivered. */
export interface SendStep extends Fallible {
  readonly op: 'send';
  readonly host: string;
  readonly port: number;
  readonly bytes: Bytes;
  readonly protocol: Protocol;
}

/** Listen on `port` until the process exits; with `bytes`, the step waits until that many have arrived. */
export interface ListenStep extends Fallible {
  readonly op: 'listen';
  readonly port: number;
  readonly bytes: Bytes | null;
  readonly protocol: Protocol;
}

/** Fork `count` children, each running `program`; the parent goes on at once. Each failed fork meets its errno. */
export interface ForkStep extends Fallible {
  readonly op: 'fork';
  readonly count: number;
  readonly program: ProgramRef;
}

/** Replace the process image with `program`: memory released, handlers reset, ignored signals kept (execve). */
export interface ExecStep extends Fallible {
  readonly op: 'exec';
  readonly program: ProgramRef;
}

/** Wait for `count` children (or all) to exit, reaping them. */
export interface WaitStep extends Fallible {
  readonly op: 'wait';
  readonly count: number | 'all';
}

/** Print one line (no newline inside) to stdout or stderr. */
export interface PrintStep {
  readonly op: 'print';
  readonly text: string;
  readonly stream: 'stdout' | 'stderr';
}

/** Exit with `code` (0..255). */
export interface ExitStep {
  readonly op: 'exit';
  readonly code: number;
}

/** Run `body` `times` times, or forever (a forever body must take time: see `parseProgram`). */
export interface LoopStep {
  readonly op: 'loop';
  readonly times: number | 'forever';
  readonly body: Program;
}

/** What a signal does to the process: its default action, nothing (ignored), or a handler program. */
export type SignalDisposition = 'default' | 'ignore' | Program;

/** Set signal dispositions from this step on (sigaction); a handler runs, then the interrupted step resumes. */
export interface SignalStep {
  readonly op: 'signal';
  readonly handlers: Readonly<Partial<Record<CatchableSignal, SignalDisposition>>>;
}

/**
 * Serve requests arriving as a Poisson process at `requestsPerSecond`, each needing `cpu` of CPU time
 * and holding `memory` while served, on `workers` threads with `backlog` queued at most (more are
 * dropped); ends after `duration` and/or `requests` arrivals, or never when both are null.
 */
export interface ServeStep extends Fallible {
  readonly op: 'serve';
  readonly requestsPerSecond: number;
  readonly cpu: Micros;
  readonly memory: Bytes;
  readonly workers: number;
  readonly backlog: number;
  readonly duration: Micros | null;
  readonly requests: number | null;
}

/** One step of a program, discriminated by `op`. */
export type Step =
  | CpuStep
  | SleepStep
  | AllocStep
  | FreeStep
  | ReadStep
  | WriteStep
  | SendStep
  | ListenStep
  | ForkStep
  | ExecStep
  | WaitStep
  | PrintStep
  | ExitStep
  | LoopStep
  | SignalStep
  | ServeStep;

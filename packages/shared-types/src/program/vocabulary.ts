// The words of the program language: step kinds, signals, errno names, and the bounds that keep
// any program finite to parse and unable to spin the simulator at one instant.
import { MAX_SCHED_DURATION } from '../sched-spec.js';
import type { Micros } from '../units.js';

/** Every step kind, in the order the documentation lists them; a step is an object with exactly one of these keys. */
export const STEP_KINDS = [
  'cpu', 'sleep', 'alloc', 'free', 'read', 'write', 'send', 'listen', 'fork', 'exec', 'wait', 'print', 'exit', 'loop', 'signal', 'serve',
] as const;

/** A step kind (`cpu`, `fork`, ...). */
export type StepKind = (typeof STEP_KINDS)[number];

/** The signals the kernel model delivers, with their Linux (x86, arm) numbers: a signalled exit reads 128 + number. */
export const SIGNAL_NUMBERS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15,
  SIGCONT: 18,
  SIGSTOP: 19,
} as const;

/** A signal name as the kernel reports it (`SIGTERM`). */
export type SignalName = keyof typeof SIGNAL_NUMBERS;

/** The signals a program may handle or ignore: all but SIGKILL and SIGSTOP (signal(7): they cannot be caught, blocked or ignored). */
export const CATCHABLE_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGUSR1', 'SIGUSR2', 'SIGTERM', 'SIGCONT'] as const;

/** A signal a `signal` step may name. */
export type CatchableSignal = (typeof CATCHABLE_SIGNALS)[number];

/**
 * The errors each fallible step may meet, named as the kernel names them. `EAI_NONAME` is the
 * resolver's code for a host name that does not resolve (getaddrinfo), not an errno.
 */
export const STEP_ERRNOS = {
  alloc: ['ENOMEM'],
  read: ['ENOENT', 'EIO'],
  write: ['ENOENT', 'EROFS', 'ENOSPC', 'EIO'],
  send: ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_NONAME'],
  listen: ['EADDRINUSE', 'EACCES'],
  fork: ['EAGAIN', 'ENOMEM'],
  exec: ['ENOMEM'],
  wait: ['ECHILD'],
  serve: ['EAGAIN'],
} as const satisfies Partial<Record<StepKind, readonly string[]>>;

/** A step kind that can fail with an errno, and so may carry `on-error`. */
export type FallibleStepKind = keyof typeof STEP_ERRNOS;

/** Every errno (or resolver code) a step may meet. */
export type Errno = (typeof STEP_ERRNOS)[FallibleStepKind][number];

/** Every errno a step may meet, each once. */
export const ERRNOS: readonly Errno[] = [...new Set(Object.values(STEP_ERRNOS).flat())];

/** The `on-error` key that catches any errno the step may meet. */
export const ANY_ERRNO = 'any';

/** The deepest program nesting: a process's program is at depth 1, a loop body or handler inside it at 2. */
export const MAX_PROGRAM_DEPTH = 32;
/** The most steps in one list (a program, a loop body, a handler). */
export const MAX_PROGRAM_LENGTH = 10_000;
/** The most steps in one document, counting every nested list (`parseProgram`'s input, or a whole kernel experiment). */
export const MAX_TOTAL_STEPS = 1_000_000;
/** The most passes of a counted loop. */
export const MAX_LOOP_TIMES = 1_000_000_000;
/** The most children one `fork` step makes, and the most a `wait` step waits for: the kernel's PID_MAX_LIMIT (2^22). */
export const MAX_FORK_COUNT = 4_194_304;
/** The longest time a step may name (`cpu`, `sleep`, `serve`): 100 years, as in group experiments, so sums of two stay safe integers. */
export const MAX_STEP_DURATION: Micros = MAX_SCHED_DURATION;
/** The fastest request arrival rate of `serve`, per second: one per microsecond, the resolution of simulated time. */
export const MAX_SERVE_RATE = 1_000_000;
/** The most worker threads of one `serve` step. */
export const MAX_SERVE_WORKERS = 10_000;
/** The longest `serve` backlog (queued requests beyond it are dropped). */
export const MAX_SERVE_BACKLOG = 1_000_000;
/** The most requests a `serve` step may be told to take. */
export const MAX_SERVE_REQUESTS = 1_000_000_000;
/** The longest `print` line, in characters. */
export const MAX_PRINT_LENGTH = 4096;
/** The longest file path of `read`/`write` (PATH_MAX, counting the terminating NUL). */
export const MAX_PATH_LENGTH = 4095;

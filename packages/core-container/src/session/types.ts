// What a container session (`strata container run FILE`) produces: Docker's events, each command's
// outcome as the docker CLI would have shown it (its output, or the daemon's error), and the state
// at the end (`docker ps -a`, `docker inspect` of each container).
import type { ContainerSessionCommandKind, ErrorCode, Micros } from '@strata/shared-types';
import type { ContainerEvent, ContainerInspect, ContainerStats, ContainerSummary, LogLine } from '../engine/types.js';

/** One row of `docker top CONTAINER -eo uid,pid,ppid,stat,time,comm`: the host's pids, CPU time in µs. */
export interface TopRow {
  readonly uid: number;
  readonly pid: number;
  readonly ppid: number;
  /** ps's STAT letter: R (running), S (sleeping), T (stopped: frozen), Z (zombie). */
  readonly stat: 'R' | 'S' | 'T' | 'Z';
  readonly cpuUsec: number;
  readonly cmd: string;
}

/**
 * What a successful command printed, by kind. `create`/`run` print the new id; `start`, `stop`,
 * `kill`, `pause`, `unpause`, `restart`, `rm` and `update` echo the container as given (`notModified`:
 * Docker's 304 answer, such as "container is already running", which the docker CLI reports as
 * success); `rename` prints nothing.
 */
export type ContainerCommandOutput =
  | { readonly type: 'id'; readonly id: string }
  | { readonly type: 'ack'; readonly container: string; readonly notModified?: string }
  | { readonly type: 'none' }
  | { readonly type: 'exec'; readonly execId: string; readonly pid: number; readonly globalPid: number }
  /** `docker wait`: the exit code once its condition was met (`at`, simulated µs), or null if it was not met by the end. */
  | { readonly type: 'wait'; readonly condition: 'not-running' | 'next-exit' | 'removed'; readonly statusCode: number | null; readonly at: Micros | null }
  | { readonly type: 'logs'; readonly lines: readonly LogLine[] }
  | { readonly type: 'top'; readonly processes: readonly TopRow[] }
  | { readonly type: 'inspect'; readonly inspect: ContainerInspect }
  | { readonly type: 'stats'; readonly stats: ContainerStats }
  | { readonly type: 'ps'; readonly all: boolean; readonly rows: readonly ContainerSummary[] }
  /** Output past MAX_REPORTED_OUTPUT_ROWS, not kept: how many rows it had. */
  | { readonly type: 'omitted'; readonly rows: number };

/** A refused command: the daemon's answer as the docker CLI prints it, and the engine's typed error code. */
export interface ContainerCommandError {
  /** `Error response from daemon: No such container: w9`. */
  readonly message: string;
  readonly code: ErrorCode;
  /** Docker's HTTP status of the answer (404, 409, 500, 400), when the engine gives one. */
  readonly httpStatus: number;
}

/** One command of the session and what came of it. A refused command changed nothing; the session went on. */
export type ContainerCommandOutcome = {
  /** Its index in the file's `commands`. */
  readonly index: number;
  readonly at: Micros;
  readonly command: ContainerSessionCommandKind;
  /** The container as the command named it (absent for `create`, `run` and `ps`). */
  readonly container?: string;
} & ({ readonly status: 'ok'; readonly output: ContainerCommandOutput } | { readonly status: 'error'; readonly error: ContainerCommandError });

/** What a container session produced. */
export interface ContainerSessionResult {
  readonly duration_us: number;
  /** `docker events` of the whole session, in order (the first MAX_REPORTED_SESSION_EVENTS). */
  readonly events: readonly ContainerEvent[];
  readonly eventsDropped: number;
  /** One per command of the file, in file order. */
  readonly outcomes: readonly ContainerCommandOutcome[];
  /** Outputs past the row cap, replaced by `{ type: 'omitted' }`. */
  readonly outputsOmitted: number;
  /** `docker ps -a` at the end, newest first. */
  readonly ps: readonly ContainerSummary[];
  /** `docker inspect` of every container still present at the end, in `ps` order. */
  readonly inspect: readonly ContainerInspect[];
}

/** Options of a session run: a work budget and progress reports. */
export interface ContainerSessionControl {
  /** Most program steps the whole run may take (default DEFAULT_EXPERIMENT_MAX_STEPS); past it the run stops with E_LIMIT_EXCEEDED. */
  readonly maxSteps?: number;
  /** Called with the fraction of the duration done, about 100 times per run. */
  readonly onProgress?: (fraction: number) => void;
}

// A container as the engine keeps it: Docker's state flags, the restart manager, its kernel handles
// (init pid, cgroup, network sandbox) and its timers. Shared by the engine and its read-only views.
import type { ContainerSpec, Micros, RestartPolicy, SignalName } from '@strata/shared-types';
import type { Image } from '../images/types.js';
import type { ContainerLimits } from './cgroup-limits.js';
import type { RestartManagerState } from './restart-policy.js';
import type { CpuReading } from './stats.js';
import type { ListedTimer } from './timer-list.js';
import type { ContainerStatus, ContainerWaiter, LogLine, PortBinding } from './types.js';

/** An engine timer: a stop's SIGKILL after its timeout, or a restart after its backoff. */
export type Timer = ListedTimer<{ readonly id: string; readonly kind: 'stop-kill' | 'restart' }>;

export interface Waiter {
  readonly id: string;
  readonly condition: ContainerWaiter['condition'];
  result: { readonly StatusCode: number } | null;
}

export interface Rec {
  readonly id: string;
  name: string;
  readonly seq: number;
  readonly image: Image;
  readonly imageRef: string;
  readonly spec: ContainerSpec;
  readonly created: Micros;
  limits: ContainerLimits;
  policy: RestartPolicy;
  running: boolean;
  paused: boolean;
  restarting: boolean;
  dead: boolean;
  oomKilled: boolean;
  exitCode: number;
  error: string;
  startedAt: Micros | null;
  finishedAt: Micros | null;
  /** Global pid of the running init; 0 otherwise. */
  pid: number;
  rm: RestartManagerState;
  manuallyStopped: boolean;
  /** Being removed by `rm -f`: its exit must not auto-remove or restart it. */
  removing: boolean;
  cgroup: string | null;
  /** The print lines of its exited inits (their kernel records are forgotten at exit), oldest first. */
  logs: LogLine[];
  netns: string | null;
  networks: Record<string, { IPAddress: string; Aliases: readonly string[] }>;
  ports: PortBinding[];
  stopping: { kind: 'stop' | 'restart'; timer: Timer | null } | null;
  restartTimer: Timer | null;
  /** Exec'd processes still running (global pid → exec id); made at the first exec. */
  execs: Map<number, string> | null;
  /** The image's labels under the container's: every event carries them (as Docker's do). */
  readonly labels: Readonly<Record<string, string>>;
  waiters: Waiter[];
  cpuReading: CpuReading | null;
}

/** Docker's State.StateString(): derived from the flags, first match wins. */
export function containerStatus(r: Rec): ContainerStatus {
  if (r.running) {
    if (r.paused) return 'paused';
    if (r.restarting) return 'restarting';
    return 'running';
  }
  if (r.dead) return 'dead';
  if (r.startedAt === null) return 'created';
  return 'exited';
}

/** The signal `docker stop` sends: the container's `--stop-signal`, else the image's STOPSIGNAL. */
export function stopSignalOf(rec: Rec): SignalName {
  return rec.spec.stopSignal ?? rec.image.stopSignal;
}

// The container engine's public contract: Docker's containers on one kernel. Names and shapes follow
// Docker's API (`State.Status`, `RestartCount`, `docker stats` columns, `docker events` names) so a
// user — and later the real docker CLI through the HTTP API — meets the same words and numbers.
import type { ContainerSpec, MountBinding, Micros, Program, RestartPolicy, SignalName } from '@strata/shared-types';
export type { ContainerSpec, MountBinding, RestartPolicy, DeviceIoLimit } from '@strata/shared-types';
import type { NetworkModel } from '@strata/core-network';
import type { Kernel, KernelEvent } from '../kernel/types.js';
import type { ImageRegistry } from '../images/types.js';

/** `State.Status` as Docker derives it from its flags (first match wins; see the reference §2). */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';


/** Docker's restart manager constants (moby restartmanager.go). */
export const RESTART_BACKOFF_FIRST_US = 100_000;
export const RESTART_BACKOFF_MULTIPLIER = 2;
export const RESTART_BACKOFF_MAX_US = 60_000_000;
/** A run at least this long resets the backoff to its first delay. */
export const RESTART_BACKOFF_RESET_US = 10_000_000;
/** `docker stop`'s default timeout on Linux, seconds. */
export const DEFAULT_STOP_TIMEOUT_S = 10;

/** A published port: `-p [ip:]hostPort[-end]:containerPort[-end][/proto]`. */
export interface PortBinding {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
}




/** Limits `docker update` may change on a live container. */
export type ContainerUpdate = Pick<ContainerSpec, 'memory' | 'memorySwap' | 'memoryReservation' | 'cpus' | 'cpuShares' | 'cpusetCpus' | 'pidsLimit' | 'restart'>;

/** `docker inspect`'s `State`. Times are simulated µs (null: never). */
export interface ContainerState {
  readonly Status: ContainerStatus;
  readonly Running: boolean;
  readonly Paused: boolean;
  readonly Restarting: boolean;
  readonly OOMKilled: boolean;
  readonly Dead: boolean;
  /** The init process's global pid; 0 when not running. */
  readonly Pid: number;
  readonly ExitCode: number;
  readonly Error: string;
  readonly StartedAt: Micros | null;
  readonly FinishedAt: Micros | null;
}

/** `docker inspect` of one container (the parts the model has). */
export interface ContainerInspect {
  readonly Id: string;
  /** With Docker's leading slash: `/web`. */
  readonly Name: string;
  readonly Created: Micros;
  readonly Image: string;
  readonly State: ContainerState;
  readonly RestartCount: number;
  readonly Config: {
    readonly Hostname: string;
    readonly User: string;
    readonly Env: readonly string[];
    readonly Cmd: Program;
    readonly Labels: Readonly<Record<string, string>>;
    readonly StopSignal: SignalName;
    readonly StopTimeout: number;
  };
  readonly HostConfig: {
    readonly Memory: number;
    readonly MemorySwap: number;
    readonly MemoryReservation: number;
    readonly NanoCpus: number;
    readonly CpuShares: number;
    readonly CpusetCpus: string;
    readonly PidsLimit: number | null;
    readonly OomScoreAdj: number;
    readonly RestartPolicy: { readonly Name: RestartPolicy['name']; readonly MaximumRetryCount: number };
    readonly AutoRemove: boolean;
    readonly PortBindings: readonly PortBinding[];
  };
  readonly Mounts: readonly MountBinding[];
  readonly NetworkSettings: { readonly Networks: Readonly<Record<string, { readonly IPAddress: string; readonly Aliases: readonly string[] }>> };
  /** The container's cgroup path in the kernel. */
  readonly CgroupPath: string;
}

/** One row of `docker ps -a`. */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly command: string;
  readonly created: Micros;
  readonly status: ContainerStatus;
  /** Docker's STATUS column at `now`: `Up 5 seconds`, `Exited (137) 2 seconds ago`, `Restarting (1) ...`. */
  readonly statusText: string;
  readonly ports: string;
}

/** One `docker stats` sample, computed as the docker CLI does from two readings. */
export interface ContainerStats {
  readonly id: string;
  readonly name: string;
  /** (container CPU delta / system CPU delta) × online CPUs × 100 over the last interval. */
  readonly cpuPercent: number;
  /** memory.current − inactive_file (cgroup v2), bytes. */
  readonly memoryUsage: number;
  /** memory.max, or the kernel's memory when unlimited. */
  readonly memoryLimit: number;
  readonly memoryPercent: number;
  readonly netRx: number;
  readonly netTx: number;
  readonly blockRead: number;
  readonly blockWrite: number;
  readonly pids: number;
}

/** One line of `docker logs --timestamps`. */
export interface LogLine {
  readonly time: Micros;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** A `docker events` entry: Type `container`, Action such as `die`, attributes such as `exitCode`. */
export interface ContainerEvent {
  readonly time: Micros;
  readonly type: 'container';
  readonly action: 'create' | 'start' | 'die' | 'oom' | 'kill' | 'stop' | 'pause' | 'unpause' | 'restart' | 'destroy' | 'rename' | 'update' | 'exec_create' | 'exec_start' | 'exec_die';
  readonly id: string;
  /** `name`, `image`, and per action `exitCode`, `signal`, `oldName`, `execID` ... */
  readonly attributes: Readonly<Record<string, string>>;
}

/** `docker wait`: filled in when its condition is met, during `advanceTo`. */
export interface ContainerWaiter {
  readonly id: string;
  readonly condition: 'not-running' | 'next-exit' | 'removed';
  readonly result: { readonly StatusCode: number } | null;
}

export interface ContainerEngineOptions {
  /** The kernel the containers run on (its cgroup tree gets `/docker/<id>` per container). */
  readonly kernel: Kernel;
  /** Images to add to the built-in ones. */
  readonly images?: ImageRegistry;
  /** Seed of container ids (64 hex digits, deterministic per seed and creation order). */
  readonly seed?: number | string;
  /** The most containers that may exist at once. */
  readonly maxContainers?: number;
  /** Where engine events go; when absent they are kept for `advanceTo`'s result. */
  readonly onEvent?: (event: ContainerEvent) => void;
  /**
   * The network model the kernel was given (`KernelOptions.network`): each running container gets a
   * namespace there (named by its short id) attached to its networks (default `bridge`, made on first
   * use as Docker's docker0), and its `-p` ports published on `host`. Without it containers have only `lo`.
   */
  readonly network?: NetworkModel;
  /** The network model's host this engine's containers live on (required with `network`). */
  readonly host?: string;
  /** Block devices by name for `--device-*` limits given as `/dev/NAME`: name → "MAJ:MIN" (as KernelOptions.devices). */
  readonly devices?: Readonly<Record<string, string>>;
  /** The kernel's facts, passed on: the engine consumes the kernel's event buffer (create the kernel without onEvent). */
  readonly onKernelEvent?: (event: KernelEvent) => void;
}

/**
 * Docker's engine on one kernel: a passive model (next-event time and advance-to, like the kernel it
 * wraps). Every operation either applies fully or throws a typed error carrying Docker's message
 * (`E_INVALID_TRANSITION`, `E_CONFLICT`, `E_NOT_FOUND`, `E_VALIDATION`) and changes nothing. A
 * container is named by its name, its full id or a unique id prefix, as Docker accepts.
 */
export interface ContainerEngine {
  readonly kernel: Kernel;
  readonly images: ImageRegistry;
  now(): Micros;
  nextEventTime(): number;
  /** Run to `time`: kernel events, stop timeouts, restart delays; returns the engine events of the span (and those of commands since the last call). */
  advanceTo(time: number): readonly ContainerEvent[];
  /** Events of commands since the last `advanceTo` or `takeEvents` (when no `onEvent` is set), then cleared. */
  takeEvents(): readonly ContainerEvent[];
  create(spec: ContainerSpec | Readonly<Record<string, unknown>>): string;
  start(ref: string): void;
  /** `docker run`: create then start; returns the id. */
  run(spec: ContainerSpec | Readonly<Record<string, unknown>>): string;
  stop(ref: string, opts?: { readonly timeout?: number; readonly signal?: SignalName }): void;
  kill(ref: string, signal?: SignalName): void;
  pause(ref: string): void;
  unpause(ref: string): void;
  restart(ref: string, opts?: { readonly timeout?: number }): void;
  /** A process joining the container's namespaces and cgroup; returns its pid in the container's pid namespace and its global pid. */
  exec(ref: string, opts: { readonly command: Program | string; readonly user?: { readonly uid: number; readonly gid: number }; readonly env?: Readonly<Record<string, string>> }): { readonly execId: string; readonly pid: number; readonly globalPid: number };
  update(ref: string, patch: ContainerUpdate | Readonly<Record<string, unknown>>): void;
  wait(ref: string, condition?: ContainerWaiter['condition']): ContainerWaiter;
  rename(ref: string, newName: string): void;
  rm(ref: string, opts?: { readonly force?: boolean }): void;
  logs(ref: string, opts?: { readonly tail?: number; readonly since?: Micros }): LogLine[];
  /** `docker top`: the container's processes, numbered as the host sees them. */
  top(ref: string): { readonly pid: number; readonly ppid: number; readonly name: string; readonly state: string }[];
  inspect(ref: string): ContainerInspect;
  /** One stats sample for `ref`, from the previous sample of it (or its start) to now. */
  stats(ref: string): ContainerStats;
  /** `docker ps` (`all`: `-a`), newest first. */
  ps(opts?: { readonly all?: boolean }): ContainerSummary[];
}

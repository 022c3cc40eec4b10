// The public contract of the kernel model: options in; processes, cgroups and facts out. The
// factory lives in create-kernel.ts so the implementation imports these types without a circle.
import type {
  CgroupThrottledEvent,
  MemoryHighExceededEvent,
  MemoryOomKillEvent,
  Micros,
  PidsForkFailedEvent,
  ProcessExit,
  ProcessExitedEvent,
  Program,
  SignalName,
} from '@strata/shared-types';
import type { ServeStats, ServeSummary } from './request-server.js';
import type { Mount, MountSpec, PathResolution } from '../namespaces/mount-table.js';
import type { DnsAnswer, DnsRecordType, NetworkModel } from '@strata/core-network';
import type { KernelBlockDevice } from './block-io.js';

/** Largest number of processes (live and zombie) a kernel holds by default; `maxProcesses` raises it. */
export const DEFAULT_MAX_PROCESSES = 100_000;
/** Largest `maxProcesses` accepted. */
export const MAX_KERNEL_PROCESSES_LIMIT = 4_194_304;
/** Lines of output kept per process (the first ones); later lines are counted in `outputDropped`. */
export const MAX_OUTPUT_LINES = 1_000;
/** Records of reaped forked processes kept for `processes()` (the first ones); spawned processes are always kept. */
export const MAX_REAPED_RECORDS = 10_000;
/** Default work budget of one `advanceTo` / command, in steps: program steps run plus the CPU scheduler's steps (see `KernelOptions.maxSteps`). */
export const DEFAULT_KERNEL_MAX_STEPS = 50_000_000;

/** Options of `createKernel`. */
export interface KernelOptions {
  /** CPUs (1..1024). */
  readonly cpus: number;
  /** Work per CPU-µs the CPUs deliver (0.000001..1000, default 1: programs' cpu amounts are CPU-µs at speed 1). */
  readonly cpuSpeed?: number;
  /**
   * Initial capacity of each CPU, one number 0..1 per CPU (default all 1): CPU i delivers
   * capacity × cpuSpeed work per µs (a vCPU given part of a host CPU). See `Kernel.setCpuCapacity`.
   */
  readonly cpuCapacity?: readonly number[];
  /** Memory of the machine in bytes (≥ 4096; integer). */
  readonly memory: number;
  /** Swap space in bytes (default 0). */
  readonly swap?: number;
  /** CPU model fidelity (core-scheduler's group scheduler): `exact` (default) or `fluid`. */
  readonly fidelity?: 'exact' | 'fluid';
  /** Scheduler tick in µs for `exact` (100..100000, default 4000 = HZ 250). */
  readonly tick?: number;
  /** Start time in µs (default 0). */
  readonly start?: number;
  /** Named programs that `fork`, `exec` and `spawn` may name. */
  readonly programs?: Readonly<Record<string, Program>>;
  /** Most processes (live and zombie) at once, 1..4,194,304 (default 100,000); a fork past it fails with EAGAIN. */
  readonly maxProcesses?: number;
  /** Most steps one command or `advanceTo` may take, program steps (a served request counts as one) plus the CPU scheduler's (default 50,000,000); past it the call throws E_LIMIT_EXCEEDED. */
  readonly maxSteps?: number;
  /** Seed of the kernel's random streams (request arrivals); default 0. */
  readonly seed?: number | string;
  /**
   * Where facts go as they happen. Without it they are buffered and returned by `advanceTo` and
   * `takeEvents`; with it nothing is buffered (a run of millions of forks then needs no memory for them).
   */
  readonly onEvent?: (event: KernelEvent) => void;
  /**
   * Block devices by name (programs' `read`/`write` steps name them, or their id): "MAJ:MIN" ids are
   * the devices io.max and io.weight lines may name (others are ENODEV). See README "Block I/O".
   */
  readonly devices?: Readonly<Record<string, KernelBlockDevice>>;
  /**
   * The virtual network (core-network) whose namespaces net namespaces can be linked to (`SpawnSpec.network`):
   * DNS is then answered as from there, and `send`/`listen` go through it (README "Network I/O"). The kernel
   * registers its listening ports on it and reads its links; commands that change it apply to later sends.
   */
  readonly network?: NetworkModel;
  /**
   * Called, synchronously and with no argument, when `wantedCpus()` has changed: at the end of a
   * command that changed it, and inside `advanceTo` at the simulated time of the change (now() is
   * that time), once the kernel has settled what happened then. An adapter that runs the kernel on a
   * VM reads `wantedCpus()` here and tells its host. It may call `setCpuCapacity`, never `advanceTo`.
   */
  readonly onCpuDemandChange?: () => void;
}

/** What `spawn` starts: a process whose parent is the kernel's init (PID 1, which reaps it when it exits). */
export interface SpawnSpec {
  /** A name for reports (1..64 characters); unique names are the caller's business. */
  readonly name: string;
  /** The cgroup it starts in (default "/"). */
  readonly cgroup?: string;
  /** Its program: steps, or the name of one of `KernelOptions.programs`. */
  readonly program: Program | string;
  /** Nice value −20..19 (default 0). */
  readonly nice?: number;
  /** −1000 (never chosen by the OOM killer) .. 1000 (default 0). */
  readonly oomScoreAdj?: number;
  /** Per namespace type: the host's ("host", default), a new one ("private"), or a live process's ({ shareWith: pid }; for pid the new process is numbered in that namespace, as `docker exec` and `--pid container:x`). */
  readonly namespaces?: Partial<Record<'pid' | 'net' | 'mnt' | 'uts' | 'ipc' | 'user' | 'cgroup', 'host' | 'private' | { readonly shareWith: number }>>;
  /** Its user and group ids as seen inside its user namespace (default 0:0, root). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** The uid_map and gid_map of its own user namespace (needs `namespaces.user: 'private'`), as the host writes them: "0 100000 65536". */
  readonly idMaps?: { readonly uid: string; readonly gid: string };
  /** Hostname in its own uts namespace (needs `namespaces.uts: 'private'`), at most 64 bytes. */
  readonly hostname?: string;
  /** Its root file system (pivot_root, as runc does) and more mounts (needs `namespaces.mnt: 'private'`). */
  readonly rootfs?: MountSpec;
  readonly mounts?: readonly MountSpec[];
  /** The core-network namespace (of `KernelOptions.network`) its net namespace is (needs `namespaces.net: 'private'`; a name the model lacks is refused). */
  readonly network?: string;
}

/** Fork outcomes of a process. */
export interface ForkCounts {
  readonly ok: number;
  readonly failed: number;
  /** The errno of the last failed fork, or null. */
  readonly errno: 'EAGAIN' | 'ENOMEM' | null;
}

/** A snapshot of one process. */
export interface ProcessInfo {
  /** PID as the host (initial PID namespace) sees it. */
  readonly pid: number;
  /** PIDs in every pid namespace from the host's inwards (`NSpid` of /proc/PID/status). */
  readonly nspid: readonly number[];
  /** Parent's PID as the host sees it (1 = the kernel's init). */
  readonly ppid: number;
  readonly name: string;
  readonly cgroup: string;
  /** User and group ids as the host sees them (kernel ids; see `Kernel.credentials` for other views). */
  readonly uid: number;
  readonly gid: number;
  /** Reaped by its parent (or init): gone from the process table, kept here as a record. */
  readonly reaped: boolean;
  /** Linux's state letters' meaning: running (runnable or on a CPU), sleeping, stopped (signal or freezer), zombie (ended; see `reaped`). */
  readonly state: 'running' | 'sleeping' | 'stopped' | 'zombie';
  /** CPU time used, µs. */
  readonly cpuUsec: number;
  readonly exit: ProcessExit | null;
  readonly forks: ForkCounts;
  readonly nice: number;
  readonly oomScoreAdj: number;
  /** Lines printed to stdout and stderr, in order (the first MAX_OUTPUT_LINES). */
  readonly output: readonly { readonly stream: 'stdout' | 'stderr'; readonly time: Micros; readonly text: string }[];
  /** Lines printed past MAX_OUTPUT_LINES, not kept. */
  readonly outputDropped: number;
  /** Requests served by its `serve` steps (null when it never served). */
  readonly serve: ServeStats | null;
}

/** A fact reported by `advanceTo` or a command. */
export type KernelEvent = ProcessExitedEvent | CgroupThrottledEvent | PidsForkFailedEvent | MemoryOomKillEvent | MemoryHighExceededEvent;

/** A resolved cgroup for cheap numeric reads (`Kernel.cgroupHandle`). */
export interface CgroupHandle {
  /** The cgroup's path as the kernel spells it. */
  readonly path: string;
  /** False once the cgroup was removed (rmdir); every read is then 0. */
  readonly exists: boolean;
  /** `cpu.stat` usage_usec now: the subtree's settled and live CPU µs (O(its cgroups and live processes)). */
  readonly cpuUsec: number;
  /** `memory.current` now, bytes (O(1)). */
  readonly memoryBytes: number;
}

/**
 * A Linux-like kernel on a set of CPUs and a memory size: a process table, programs running on the
 * CPU scheduler, and a cgroup v2 tree whose interface files read and write as the kernel's do. A
 * passive model (ARCHITECTURE.md, "Driving models"): commands apply at `now()`, `advanceTo(t)` runs
 * to `t`. A failed command throws a typed error and changes nothing.
 */
export interface Kernel {
  readonly cpus: number;
  readonly memory: number;
  now(): Micros;
  /** Work per CPU-µs the CPUs deliver now. */
  cpuSpeed(): number;
  /** Change the CPUs' speed at now() (a guest's vCPUs given more or less of the host): bursts in flight keep the work done and continue at the new speed. */
  setCpuSpeed(speed: number): void;
  /** The capacity (0..1) of CPU `cpu`. ValidationError for a CPU outside 0..cpus − 1. */
  cpuCapacity(cpu: number): number;
  /**
   * CPU `cpu` delivers `capacity` (0..1) × cpuSpeed work per µs from now() on (a vCPU while its host
   * runs it: 0 stops it, time still passes). Bursts and requests in flight keep the work done and go
   * on at the new rate. ValidationError (cpu not an integer 0..cpus − 1, capacity not a number 0..1)
   * changes nothing.
   */
  setCpuCapacity(cpu: number, capacity: number): void;
  /**
   * The CPUs the runnable work would use at full capacity (what a guest asks of its host), 0..cpus:
   * D = min(cpus, Σ) bottom-up over the cgroups with the cpu controller — a runnable thread (a CPU
   * burst, a request server's busy worker) gives 1; a sleeping, waiting, stopped or frozen one 0;
   * a cgroup gives min(cpu.max quota / period, its effective cpuset's size, its own threads' and its
   * children's sum). O(1); kept up to date as threads wake and block.
   */
  wantedCpus(): number;
  /** Time of the next internal event, µs, or Infinity when nothing will happen by itself. */
  nextEventTime(): number;
  /** Run to `time` (integer µs ≥ now); returns the facts of the way, in time order. */
  advanceTo(time: number): readonly KernelEvent[];
  /** Facts produced by commands since the last call (a kill's exit, a fork failure at spawn ...), then cleared. */
  takeEvents(): readonly KernelEvent[];

  /** Create a cgroup (mkdir); its parent must exist. E_CONFLICT if it exists, E_NOT_FOUND for a missing parent. */
  mkdir(path: string): void;
  /** Remove an empty cgroup (rmdir): no live process (zombies do not count) and no child. EBUSY → E_CONFLICT. */
  rmdir(path: string): void;
  /** Read an interface file as the kernel prints it. E_NOT_FOUND when the cgroup or the file (its controller not enabled) is absent. */
  read(path: string, file: string): string;
  /**
   * A cgroup's CPU time and memory now, as numbers: `cpuUsec` is what `cpu.stat` prints as
   * usage_usec (its subtree's settled and live CPU µs, rounded), `memoryBytes` what `memory.current`
   * prints (also when the memory controller is not enabled there: the charge is kept anyway). No
   * text is formatted or parsed: for samplers that read every cgroup often. E_NOT_FOUND for a
   * missing cgroup.
   */
  cgroupUsage(path: string): { readonly cpuUsec: number; readonly memoryBytes: number };
  /**
   * `cgroupUsage` resolved once: a handle whose getters read the same two numbers with no path
   * lookup and nothing allocated per read (for a sampler holding one per container). Values are as of
   * `now()`: a handle never runs the kernel. Once the cgroup is removed the handle reads 0 and
   * `exists` is false (a cgroup made again at the path needs a new handle). E_NOT_FOUND for a
   * missing cgroup.
   */
  cgroupHandle(path: string): CgroupHandle;
  /** Write an interface file as one would with `echo TEXT > file`. A refused write throws E_VALIDATION with the kernel's errno and changes nothing. */
  write(path: string, file: string, text: string): void;
  /** Every cgroup path, parents first, "/" first. */
  cgroups(): string[];

  /** Start a process (child of init) at `now()`; returns its PID. */
  spawn(spec: SpawnSpec): number;
  /** Send a signal to a process, as kill(2) from the host. E_NOT_FOUND for an unknown or reaped pid. */
  kill(pid: number, signal: SignalName): void;
  /** Move a process to another cgroup (write its PID to cgroup.procs). Its CPU use and memory charged so far stay behind. */
  moveProcess(pid: number, cgroup: string): void;
  /** Snapshot of a process (live or zombie; reaped processes are kept as records of how they ended). */
  process(pid: number): ProcessInfo;
  /** How `pid` ended, or null while it lives: `process(pid).exit` without building the snapshot (O(1)). E_NOT_FOUND as `process`. */
  exitOf(pid: number): ProcessExit | null;
  /** Processes that have exited since the kernel was created (each once; O(1)): a caller that counts the `process.exited` facts it took knows whether it missed any. */
  exitCount(): number;
  /**
   * Served-request counts and latencies (µs) in a mergeable accumulator (`LATENCY_SUMMARY_OPTIONS`):
   * of `pid`'s `serve` steps (zeros when it never served; E_NOT_FOUND as `process`), or with no pid
   * of every server the kernel ran since it was created, forgotten processes included. The
   * accumulator is a copy; nothing is sorted.
   */
  serveSummary(pid?: number): ServeSummary;
  /** Processes in the order they were created: every live or zombie one, every spawned one, and the first MAX_REAPED_RECORDS reaped forked ones. */
  processes(): ProcessInfo[];
  /** Reaped forked processes whose records were not kept (past MAX_REAPED_RECORDS). */
  processesNotKept(): number;
  /**
   * Drop the record of a reaped process whose facts the caller has kept (a container engine keeps its
   * exited inits' logs and exit codes), so endless restarts hold no memory: it leaves `processes()`,
   * `process(pid)` then throws NotFoundError, and it counts in `processesNotKept()`.
   */
  forget(pid: number): void;
  /** Bytes received and sent through the interfaces of `pid`'s net namespace other than loopback (as /proc/net/dev sums them). */
  netDevStats(pid: number): { readonly rxBytes: number; readonly txBytes: number };
  /** Work done since the kernel was created: program steps run plus the CPU scheduler's steps (the budget of `maxSteps` applies per call). */
  steps(): number;
  /** What `ps` shows from inside `viewer`'s pid namespace: PIDs as seen there, ascending (zombies included). */
  ps(viewer: number): { pid: number; ppid: number; name: string; state: ProcessInfo['state']; globalPid: number }[];
  /** readlink /proc/PID/ns/TYPE: `pid:[4026531836]`; the same text means the same namespace. */
  nsLink(pid: number, type: 'pid' | 'pid_for_children' | 'net' | 'mnt' | 'uts' | 'ipc' | 'user' | 'cgroup'): string;
  /** /proc/TARGET/cgroup as READER reads it: `0::/` from inside its own cgroup namespace root. */
  procCgroup(reader: number, target: number): string;
  /** uname(2) as the process sees it: its uts namespace's names. */
  uname(pid: number): { readonly hostname: string; readonly domainname: string };
  /** The mount table of the process's mount namespace, in mount order. */
  mounts(pid: number): readonly Mount[];
  /** Which mount serves `path` for the process, and whether a write there is allowed (EROFS otherwise). */
  resolvePath(pid: number, path: string): PathResolution;
  /** The process's uid and gid as `viewer`'s user namespace sees them (default the host's); 65534 where unmapped. */
  credentials(pid: number, viewer?: number): { readonly uid: number; readonly gid: number };
  /** A DNS lookup from inside the process's net namespace (its linked core-network namespace's resolver). */
  resolve(pid: number, name: string, type?: DnsRecordType): DnsAnswer;
}

export type { SignalName };

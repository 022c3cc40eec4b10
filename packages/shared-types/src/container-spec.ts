// A container to create, in Docker's terms: the parsed form of `docker run`'s flags. The schema that
// reads Docker's own words (`memory: 64m`, `restart: on-failure:3`) into it lives beside it; the
// container engine (core-container) consumes it.
import type { Program } from './program/types.js';
import type { SignalName } from './program/vocabulary.js';

/** A restart policy, as `--restart` spells it: `no`, `on-failure[:N]`, `always`, `unless-stopped`. */
export type RestartPolicy =
  | { readonly name: 'no' }
  | { readonly name: 'on-failure'; readonly maximumRetryCount: number }
  | { readonly name: 'always' }
  | { readonly name: 'unless-stopped' };

/** A volume or bind mount: `-v SRC:DST[:ro|rw]`; SRC an absolute host path (bind) or a volume name. */
export interface MountBinding {
  readonly type: 'bind' | 'volume';
  readonly source: string;
  readonly destination: string;
  readonly readOnly: boolean;
}

/** A device I/O limit: `--device-read-bps /dev/sda:1mb` and its three siblings. */
export interface DeviceIoLimit {
  readonly device: string;
  readonly kind: 'rbps' | 'wbps' | 'riops' | 'wiops';
  readonly value: number;
}

/**
 * A container to create, already parsed from Docker's words (`ContainerSpecSchema` does that;
 * `ContainerEngine.create` accepts either form). Absent fields take the image's value or
 * Docker's default.
 */
export interface ContainerSpec {
  readonly image: string;
  readonly name?: string;
  /** Replaces the image's cmd: a program of the workload language, or the name of one in the image. */
  readonly command?: Program | string;
  readonly env?: Readonly<Record<string, string>>;
  readonly hostname?: string;
  /** `uid[:gid]`. */
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly workingDir?: string;
  /** Bytes; `--memory`. */
  readonly memory?: number;
  /** Bytes of memory + swap, or -1 for unlimited swap; `--memory-swap`. */
  readonly memorySwap?: number;
  /** Bytes; `--memory-reservation` (memory.low). */
  readonly memoryReservation?: number;
  /** Millicpus; `--cpus 0.5` = 500 (cpu.max "50000 100000"). */
  readonly cpus?: number;
  /** `--cpu-shares` (cpu.weight by runc ≥ 1.3.2's conversion: 1024 ↦ 100). */
  readonly cpuShares?: number;
  /** `--cpuset-cpus` such as `0-2,4`. */
  readonly cpusetCpus?: string;
  /** `--pids-limit`; 0 or negative = unlimited. */
  readonly pidsLimit?: number;
  /** `--oom-score-adj`, −1000..1000. */
  readonly oomScoreAdj?: number;
  readonly deviceIo?: readonly DeviceIoLimit[];
  /** Networks to join (first one at create), with their aliases; default the `bridge` network. */
  readonly networks?: readonly { readonly name: string; readonly aliases?: readonly string[] }[];
  /** Docker's `-p` words (`8080:80`, `127.0.0.1:8000-8010:80-90/udp`); the engine parses them with core-network's port rules. */
  readonly ports?: readonly string[];
  readonly mounts?: readonly MountBinding[];
  readonly restart?: RestartPolicy;
  /** `--rm`: removed when it exits (rejected together with a restart policy other than `no`). */
  readonly autoRemove?: boolean;
  readonly stopSignal?: SignalName;
  /** Seconds; −1 waits forever. */
  readonly stopTimeout?: number;
  readonly labels?: Readonly<Record<string, string>>;
  /** `--pid host` / `--pid container:NAME`; `--network container:NAME`; `--ipc`, `--uts` likewise. */
  readonly pidMode?: string;
  readonly networkMode?: string;
  readonly ipcMode?: string;
  readonly utsMode?: string;
}

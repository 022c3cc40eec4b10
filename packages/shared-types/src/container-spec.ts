// A container to create, in Docker's terms: the parsed form of `docker run`'s flags. The schema that
// reads Docker's own words (`memory: 64m`, `restart: on-failure:3`) into it lives beside it; the
// container engine (core-container) consumes it.
import { z } from 'zod';
import { formatDockerCpus, formatDockerMemory, parseDockerCpus, parseDockerMemory } from './docker-quantity.js';
import { ValidationError } from './errors.js';
import { NameSchema } from './host-spec.js';
import { parseWithSchema } from './parse-with-schema.js';
import { formatProgram } from './program/format-program.js';
import { ProgramSchema } from './program/parse-program.js';
import type { Program } from './program/types.js';
import { MAX_PATH_LENGTH, SIGNAL_NUMBERS, type SignalName } from './program/vocabulary.js';
import { formatCpuList, parseCpuList } from './sched-spec.js';
import { bytes, cpuMillis } from './units.js';

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
  /** `--cgroup-parent`: the cgroup the container's own (`<parent>/<id>`) is made under, an absolute cgroupfs path; default `/docker`. */
  readonly cgroupParent?: string;
}

// ---------------------------------------------------------------------------------------------
// The schema: Docker's own words (`docker run` flag names, kebab case) into `ContainerSpec`.
// Messages are Docker's where Docker has one (the daemon's `verifyPlatformContainerResources`,
// the CLI's option parsers); each is marked with where it was read, or as unverified.
// ---------------------------------------------------------------------------------------------

/** Docker's `linuxMinMemory` (moby daemon/daemon_unix.go): 6 MiB, for `--memory` and `--memory-reservation`. */
export const DOCKER_MIN_MEMORY = 6 * 1024 * 1024;
/** The largest memory amount a container spec may name: 1 PiB (`1p`). Strata's bound, not Docker's. */
export const MAX_CONTAINER_MEMORY = 2 ** 50;
/** The most CPUs `--cpus` may ask for (Strata's bound; Docker's is the host's CPU count, which the engine checks). */
export const MAX_CONTAINER_CPUS = 1024;
/** Docker's `linuxMinCPUShares` / `linuxMaxCPUShares` (moby daemon/daemon_unix.go); the daemon raises 1 to 2. */
export const MIN_CPU_SHARES = 2;
export const MAX_CPU_SHARES = 262_144;
/** The largest `--pids-limit` (the kernel's PID_MAX_LIMIT, 2^22); 0 and -1 mean unlimited. */
export const MAX_PIDS_LIMIT = 4_194_304;
/** The largest `on-failure:N` retry count (int32, as Docker stores it). */
export const MAX_RESTART_RETRIES = 2_147_483_647;
/** The longest `--stop-timeout`, seconds (one year; Strata's bound); -1 waits forever. */
export const MAX_STOP_TIMEOUT_S = 31_536_000;
/** The most entries of each list of a container spec (env, labels, ports, volumes, networks, aliases, device limits). */
export const MAX_CONTAINER_LIST = 1024;
/** The longest container name (Strata's bound; Docker has none beyond its pattern). */
export const MAX_CONTAINER_NAME_LENGTH = 255;
/** The longest image reference (a 255-character repository name, a 128-character tag and a registry host). */
export const MAX_IMAGE_REF_LENGTH = 512;
/** The longest env value, label value or hostname-like string a spec may carry. */
export const MAX_SPEC_STRING = 4096;

/** Docker's container name pattern (moby daemon/names: `RestrictedNamePattern`, leading `/` allowed): two characters at least. */
export const CONTAINER_NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'an array' : 'an object') : String(v));

type Ctx = z.core.$RefinementCtx<unknown>;
function fail(ctx: Ctx, input: unknown, message: string, path?: PropertyKey[]): never {
  ctx.issues.push({ code: 'custom', input, message, ...(path === undefined ? {} : { path }) });
  return z.NEVER;
}

/** A Docker size (`64m`, integer bytes), through `parseDockerMemory`; `-1` only when `allowUnlimited`. */
function dockerSize(what: string, allowUnlimited = false) {
  return z.union([z.string(), z.number()]).transform((v, ctx): number => {
    if (allowUnlimited && (v === -1 || v === '-1')) return -1;
    let value: number;
    try {
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v) || v < 0) return fail(ctx, v, `expected a ${what} such as "64m" or a whole number of bytes${allowUnlimited ? ', or -1 (unlimited)' : ''}, got ${v}`);
        value = v;
      } else value = parseDockerMemory(v);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return fail(ctx, v, error.message);
    }
    if (value > MAX_CONTAINER_MEMORY) return fail(ctx, v, `expected at most 1p (2^50 bytes), got ${formatDockerMemory(bytes(value))}`);
    return value;
  });
}

/** `--restart` words → policy, or Docker's error text (docker/cli opts/parse.go `ParseRestartPolicy` + moby `ValidateRestartPolicy`). */
function restartPolicyOrError(text: string): RestartPolicy | string {
  // docker/cli opts/parse.go (v29): strings.Cut at the first colon.
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const count = colon < 0 ? '' : text.slice(colon + 1);
  if (colon >= 0 && name === '') return 'invalid restart policy format: no policy provided before colon';
  let retries = 0;
  if (count !== '') {
    // strconv.Atoi: optional sign, decimal digits, int64 range.
    if (!/^[+-]?\d{1,19}$/.test(count)) return 'invalid restart policy format: maximum retry count must be an integer';
    retries = Number(count);
  }
  // moby api/types/container/hostconfig.go ValidateRestartPolicy.
  switch (name) {
    case 'no':
    case 'always':
    case 'unless-stopped':
      if (retries !== 0) return "invalid restart policy: maximum retry count can only be used with 'on-failure'";
      return { name };
    case 'on-failure':
      if (retries < 0) return 'invalid restart policy: maximum retry count cannot be negative';
      if (retries > MAX_RESTART_RETRIES) return `invalid restart policy: maximum retry count must be at most ${MAX_RESTART_RETRIES}`;
      return { name, maximumRetryCount: retries };
    default:
      return `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`;
  }
}

/**
 * Parse `--restart`'s words: `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N` (N ≥ 0;
 * 0 = no limit). Throws `ValidationError` with Docker's message (`invalid restart policy: unknown
 * policy 'sometimes'; use one of ...`).
 */
export function parseRestartPolicy(text: string): RestartPolicy {
  const result = restartPolicyOrError(text);
  if (typeof result === 'string') throw new ValidationError(result, { input: text, accepted: ['no', 'always', 'unless-stopped', 'on-failure', 'on-failure:N'] });
  return result;
}

/** `--restart`'s spelling of a policy: `on-failure:3`, `on-failure` (no limit), `always`. Round-trips through `parseRestartPolicy`. */
export function formatRestartPolicy(policy: RestartPolicy): string {
  return policy.name === 'on-failure' && policy.maximumRetryCount > 0 ? `on-failure:${policy.maximumRetryCount}` : policy.name;
}

const RestartSchema = z.string().transform((v, ctx) => {
  const result = restartPolicyOrError(v);
  return typeof result === 'string' ? fail(ctx, v, result) : result;
});

/**
 * `--stop-signal`: `SIGTERM`, `TERM`, `term` or `15`. Unknown words get Docker's `Invalid signal: X`
 * (moby/sys/signal ParseSignal); real signals the kernel model does not deliver are refused by name.
 */
export const DockerSignalSchema = z.union([z.string(), z.number()]).transform((v, ctx): SignalName => {
  const text = String(v);
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    const found = (Object.keys(SIGNAL_NUMBERS) as SignalName[]).find((s) => SIGNAL_NUMBERS[s] === n);
    if (n === 0 || n > 64) return fail(ctx, v, `Invalid signal: ${text}`);
    if (found === undefined) return fail(ctx, v, `signal ${n} is not one the simulated kernel delivers; accepted: ${Object.entries(SIGNAL_NUMBERS).map(([s, k]) => `${s} (${k})`).join(', ')}`);
    return found;
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (Object.hasOwn(SIGNAL_NUMBERS, name)) return name as SignalName;
  if (/^SIG(QUIT|ABRT|ALRM|PIPE|TRAP|WINCH|TSTP|TTIN|TTOU|URG|XCPU|XFSZ|VTALRM|PROF|IO|PWR|SYS|BUS|FPE|ILL|SEGV|CHLD|STKFLT|POLL|IOT|RTMIN.*|RTMAX.*)$/.test(name)) {
    return fail(ctx, v, `${name} is not one the simulated kernel delivers; accepted: ${Object.keys(SIGNAL_NUMBERS).join(', ')}`);
  }
  return fail(ctx, v, `Invalid signal: ${text}`);
});

const scalar = z.union([z.string().max(MAX_SPEC_STRING), z.number(), z.boolean()]).transform(String);

/** `--env`: a `KEY=VALUE` list or a map. docker/cli opts/env.go ValidateEnv: `invalid environment variable: =x` (read). */
export const DockerEnvSchema = z
  .union([z.array(z.string().max(MAX_SPEC_STRING)).max(MAX_CONTAINER_LIST), z.record(z.string(), scalar)])
  .transform((v, ctx): Record<string, string> => {
    const out: Record<string, string> = {};
    const entries: [string, string, PropertyKey][] = Array.isArray(v)
      ? v.map((line, i): [string, string, PropertyKey] => {
          const eq = line.indexOf('=');
          if (eq < 0) fail(ctx, line, `expected KEY=VALUE, got ${shown(line)}: a bare name takes its value from the client's environment, and a simulation has none`, [i]);
          return [eq < 0 ? '' : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1), i];
        })
      : Object.entries(v).map(([k, val]): [string, string, PropertyKey] => [k, val, k]);
    if (entries.length > MAX_CONTAINER_LIST) return fail(ctx, v, `expected at most ${MAX_CONTAINER_LIST} variables, got ${entries.length}`);
    for (const [key, value, at] of entries) {
      if (Array.isArray(v) && !String(v[at as number]).includes('=')) continue;
      if (key === '') fail(ctx, key, `invalid environment variable: ${Array.isArray(v) ? String(v[at as number]) : `=${value}`}`, [at]);
      else if (/[\s\0]/.test(key)) fail(ctx, key, `invalid environment variable name ${shown(key)}: no whitespace or NUL`, [at]);
      else out[key] = value;
    }
    return out;
  });

/** `--label`: a `k=v` list (a bare `k` is an empty value, as `--label k`) or a map. */
export const DockerLabelsSchema = z
  .union([z.array(z.string().max(MAX_SPEC_STRING)).max(MAX_CONTAINER_LIST), z.record(z.string(), scalar)])
  .transform((v, ctx): Record<string, string> => {
    const out: Record<string, string> = {};
    const entries: [string, string, PropertyKey][] = Array.isArray(v)
      ? v.map((line, i): [string, string, PropertyKey] => {
          const eq = line.indexOf('=');
          return eq < 0 ? [line, '', i] : [line.slice(0, eq), line.slice(eq + 1), i];
        })
      : Object.entries(v).map(([k, val]): [string, string, PropertyKey] => [k, val, k]);
    if (entries.length > MAX_CONTAINER_LIST) return fail(ctx, v, `expected at most ${MAX_CONTAINER_LIST} labels, got ${entries.length}`);
    for (const [key, value, at] of entries) {
      // docker/cli opts.ValidateLabel: "invalid label '%s': empty name" (from memory, unverified).
      if (key.trim() === '') fail(ctx, key, `invalid label '${Array.isArray(v) ? String(v[at as number]) : key}': empty name`, [at]);
      else out[key] = value;
    }
    return out;
  });

/** `--user`: `uid[:gid]`, `root`, or a number; gid defaults to 0 as runc does for a uid with no passwd entry. */
const MAX_ID = 4_294_967_294;
export const DockerUserSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v);
  if (text === 'root') return { uid: 0, gid: 0 };
  const match = /^(\d{1,10})(?::(\d{1,10}))?$/.exec(text);
  if (match === null) return fail(ctx, v, `expected "UID" or "UID:GID" such as "1000:1000" (or "root"): the simulated image has no /etc/passwd to look names up in, got ${shown(v)}`);
  const uid = Number(match[1]);
  const gid = match[2] === undefined ? 0 : Number(match[2]);
  if (uid > MAX_ID || gid > MAX_ID) return fail(ctx, v, `expected ids of at most ${MAX_ID}, got ${shown(v)}`);
  return { uid, gid };
});

/** `--workdir`: an absolute path. */
export const DockerWorkdirSchema = z
  .string()
  .max(MAX_PATH_LENGTH)
  // moby daemon (image config merge): "the working directory '%s' is invalid, it needs to be an absolute path" (read).
  .refine((p) => p.startsWith('/') && !p.includes('\0'), { error: (issue) => `the working directory '${String(issue.input)}' is invalid, it needs to be an absolute path` });

const HostnameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, { message: 'expected a host name: letters, digits, "." and "-", starting and ending with a letter or digit, at most 64 characters (HOST_NAME_MAX)' });

/** `--cgroup-parent` (cgroupfs driver): absolute, no empty, `.` or `..` segments, no trailing slash; each segment a cgroup directory name (≤ 255). */
const CgroupParentSchema = z
  .string()
  .max(MAX_PATH_LENGTH)
  .regex(/^(\/[^/\s]{1,255})+$/, { message: 'expected an absolute cgroup path such as /kubepods/besteffort/pod1 (no empty segments, no trailing slash)' })
  .refine((v) => !v.split('/').some((seg) => seg === '.' || seg === '..'), { message: 'expected a cgroup path without . or .. segments' });

const NameFieldSchema = z
  .string()
  .max(MAX_CONTAINER_NAME_LENGTH)
  .transform((v, ctx) =>
    CONTAINER_NAME_PATTERN.test(v) ? v.replace(/^\//, '') : fail(ctx, v, `Invalid container name (${v}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`),
  );

const ImageRefSchema = z.string().min(1).max(MAX_IMAGE_REF_LENGTH).regex(/^\S+$/, { message: 'invalid reference format' });

const CpusSchema = z.union([z.string(), z.number()]).transform((v, ctx): number => {
  let millis: number;
  try {
    millis = parseDockerCpus(v);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return fail(ctx, v, error.message);
  }
  if (millis > MAX_CONTAINER_CPUS * 1000) return fail(ctx, v, `expected at most ${MAX_CONTAINER_CPUS} CPUs, got ${formatDockerCpus(cpuMillis(millis))}`);
  return millis;
});

const CpuSharesSchema = z.int().min(0).max(MAX_CPU_SHARES).transform((v) => (v === 1 ? MIN_CPU_SHARES : v));

// moby daemon/daemon_unix.go wraps the list parser's error: "Invalid value %s for cpuset cpus: <cause>"
// (the wrapper read in moby master; the cause text is paraphrased).
const CpusetSchema = z.string().max(MAX_SPEC_STRING).transform((v, ctx) => {
  const parsed = parseCpuList(v);
  return typeof parsed === 'string' ? fail(ctx, v, `Invalid value ${v} for cpuset cpus: ${parsed}`) : formatCpuList(parsed);
});

const OomScoreAdjSchema = z.int().transform((v, ctx) =>
  v < -1000 || v > 1000 ? fail(ctx, v, `Invalid value ${v}, range for oom score adj is [-1000, 1000]`) : v,
);

const DEVICE_RATE_HELP = {
  bps: 'The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb',
  iops: 'The correct format is <device-path>:<number>. Number must be a positive integer',
} as const;

/** `--device-read-bps /dev/sda:1mb` etc.; messages from docker/cli opts/throttledevice.go. */
function deviceLimits(kind: DeviceIoLimit['kind']) {
  const unit = kind.endsWith('bps') ? 'bps' : 'iops';
  return z
    .array(z.string().max(MAX_PATH_LENGTH))
    .max(MAX_CONTAINER_LIST)
    .transform((list, ctx): DeviceIoLimit[] =>
      list.flatMap((val, i) => {
        const colon = val.indexOf(':');
        const device = colon < 0 ? '' : val.slice(0, colon);
        const rate = colon < 0 ? '' : val.slice(colon + 1);
        if (colon < 0 || device === '') return [fail(ctx, val, `bad format: ${val}`, [i])];
        if (!device.startsWith('/dev/')) return [fail(ctx, val, `bad format for device path: ${val}`, [i])];
        let value: number;
        if (unit === 'bps') {
          try {
            value = parseDockerMemory(rate);
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            return [fail(ctx, val, `invalid rate for device: ${val}. ${DEVICE_RATE_HELP.bps}`, [i])];
          }
        } else {
          if (!/^\d{1,15}$/.test(rate)) return [fail(ctx, val, `invalid rate for device: ${val}. ${DEVICE_RATE_HELP.iops}`, [i])];
          value = Number(rate);
        }
        return [{ device, kind, value }];
      }),
    );
}

const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
const NetworkNameSchema = z.string().regex(NETWORK_NAME, { message: 'expected a network name: 1..64 letters, digits, "_", "." or "-", starting with a letter or digit' });
const AliasSchema = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,253}[a-zA-Z0-9])?$/, { message: 'expected a DNS alias: letters, digits, "_", "." or "-", starting and ending with a letter or digit' });
const NetworkEntrySchema = z.union([
  NetworkNameSchema.transform((name): { name: string; aliases?: string[] } => ({ name })),
  z.strictObject({ name: NetworkNameSchema, aliases: z.array(AliasSchema).max(MAX_CONTAINER_LIST).optional() }),
]);

/** `--network`: a network name, `bridge`, `host`, `none`, or `container:NAME`. */
const NetworkFieldSchema = z.string().max(MAX_CONTAINER_NAME_LENGTH + 10).transform((v, ctx) => {
  if (v.startsWith('container:')) {
    const target = v.slice('container:'.length);
    return CONTAINER_NAME_PATTERN.test(target) || /^[0-9a-f]{1,64}$/.test(target) ? v : fail(ctx, v, `expected container:NAME with the name or id of a container, got ${shown(v)}`);
  }
  return NETWORK_NAME.test(v) ? v : fail(ctx, v, 'expected a network name, "bridge", "host", "none" or "container:NAME"');
});

function namespaceMode(kind: 'PID' | 'IPC' | 'UTS', extra: readonly string[], container: boolean) {
  return z.string().transform((v, ctx) => {
    if (v === 'private' || v === '' || v === 'host' || extra.includes(v)) return v === '' ? 'private' : v;
    if (container && v.startsWith('container:') && v.length > 'container:'.length) return v;
    // moby daemon/daemon_unix.go verifyPlatformContainerSettings: "invalid PID mode: %v" (and IPC, UTS).
    const accepted = ['host', 'private', ...extra, ...(container ? ['container:NAME'] : [])];
    return fail(ctx, v, `invalid ${kind} mode: ${v} (accepted: ${accepted.join(', ')})`);
  });
}

/** `-v SRC:DST[:ro|rw]` or `-v DST` (an anonymous volume). moby volume/mounts: `invalid volume specification: '%s'` and `invalid mode: %v` (read); the mount-path and volume-name texts are from memory, unverified. */
const VolumeSchema = z.string().max(MAX_PATH_LENGTH).transform((spec, ctx): MountBinding => {
  const parts = spec.split(':');
  const invalid = () => fail(ctx, spec, `invalid volume specification: '${spec}'`);
  if (parts.some((p) => p === '') || parts.length > 3) return invalid();
  if (parts.length === 1) {
    const [destination = ''] = parts;
    return destination.startsWith('/') ? { type: 'volume', source: '', destination, readOnly: false } : invalid();
  }
  const [source = '', destination = '', mode = 'rw'] = parts;
  if (mode !== 'ro' && mode !== 'rw') return fail(ctx, spec, `invalid mode: ${mode}`);
  if (!destination.startsWith('/')) return fail(ctx, spec, `invalid volume specification: '${spec}': invalid mount config for type "${source.startsWith('/') ? 'bind' : 'volume'}": invalid mount path: '${destination}' mount path must be absolute`);
  if (!source.startsWith('/') && !NETWORK_NAME.test(source)) return fail(ctx, spec, `"${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  return { type: source.startsWith('/') ? 'bind' : 'volume', source, destination, readOnly: mode === 'ro' };
});

const PortSpecSchema = z.string().min(1).max(128).regex(/^[0-9a-fA-F.:[\]/a-z-]+$/, { message: 'expected a -p value such as "8080:80", "127.0.0.1:8000-8010:80-90/udp" or "80"' });

const CommandSchema = z.union([NameSchema, ProgramSchema]);

const StopTimeoutSchema = z.int().min(-1).max(MAX_STOP_TIMEOUT_S);

/** The fields `docker update` may change, in Docker's words (for documents that embed an update). */
export const CONTAINER_UPDATE_FIELDS = {
  memory: dockerSize('memory size').optional().describe('`--memory`/`-m`: "64m", "1g" or bytes; at least 6m (0 = no limit).'),
  'memory-swap': dockerSize('memory size', true).optional().describe('`--memory-swap`: memory + swap, at least memory; -1 = unlimited swap.'),
  'memory-reservation': dockerSize('memory size').optional().describe('`--memory-reservation` (memory.low): at least 6m, at most memory.'),
  cpus: CpusSchema.optional().describe('`--cpus`: a decimal number of CPUs ("0.5"), at most 3 decimals.'),
  'cpu-shares': CpuSharesSchema.optional().describe('`--cpu-shares`: relative weight 2..262144 (default 1024; 0 = default).'),
  'cpuset-cpus': CpusetSchema.optional().describe('`--cpuset-cpus`: CPUs allowed, such as "0-2,4".'),
  'pids-limit': z.int().min(-1).max(MAX_PIDS_LIMIT).optional().describe('`--pids-limit`: at most this many tasks; 0 or -1 = unlimited.'),
  restart: RestartSchema.optional().describe('`--restart`: no, always, unless-stopped, on-failure[:N].'),
};

const specFields = {
  image: ImageRefSchema.describe('Image reference: name, name:tag or registry/ns/name:tag.'),
  name: NameFieldSchema.optional().describe('`--name`: [a-zA-Z0-9][a-zA-Z0-9_.-]+.'),
  command: CommandSchema.optional().describe("Replaces the image's cmd: program steps, or the name of a program the image offers."),
  env: DockerEnvSchema.optional().describe('`--env`: a list of "KEY=VALUE" or a map.'),
  hostname: HostnameSchema.optional(),
  user: DockerUserSchema.optional().describe('`--user`: "UID[:GID]" or "root".'),
  workdir: DockerWorkdirSchema.optional().describe('`--workdir`: an absolute path.'),
  ...CONTAINER_UPDATE_FIELDS,
  'oom-score-adj': OomScoreAdjSchema.optional().describe('`--oom-score-adj`: -1000..1000.'),
  'cgroup-parent': CgroupParentSchema.optional().describe('`--cgroup-parent`: an absolute cgroupfs path such as /kubepods/burstable/pod<uid>.'),
  'device-read-bps': deviceLimits('rbps').optional().describe('"/dev/sda:1mb" entries.'),
  'device-write-bps': deviceLimits('wbps').optional(),
  'device-read-iops': deviceLimits('riops').optional().describe('"/dev/sda:1000" entries.'),
  'device-write-iops': deviceLimits('wiops').optional(),
  network: NetworkFieldSchema.optional().describe('`--network`: a network name, bridge, host, none or container:NAME.'),
  networks: z.array(NetworkEntrySchema).min(1).max(MAX_CONTAINER_LIST).optional().describe('Several networks: names or { name, aliases }.'),
  'network-alias': z.array(AliasSchema).max(MAX_CONTAINER_LIST).optional().describe('`--network-alias`, on the one user-defined network.'),
  publish: z.array(PortSpecSchema).max(MAX_CONTAINER_LIST).optional().describe('`--publish`/`-p`: "8080:80" entries (parsed by the engine).'),
  ports: z.array(PortSpecSchema).max(MAX_CONTAINER_LIST).optional().describe('Same as publish.'),
  volumes: z.array(VolumeSchema).max(MAX_CONTAINER_LIST).optional().describe('`--volume`: "src:/dst[:ro|rw]" or "/dst".'),
  rm: z.boolean().optional().describe('`--rm`: remove the container when it exits.'),
  'stop-signal': DockerSignalSchema.optional().describe('`--stop-signal`: SIGTERM, TERM or 15.'),
  'stop-timeout': StopTimeoutSchema.optional().describe('`--stop-timeout`: seconds; -1 waits forever.'),
  labels: DockerLabelsSchema.optional().describe('`--label`: a list of "k=v" or a map.'),
  pid: namespaceMode('PID', [], true).optional().describe('`--pid`: host, private, container:NAME.'),
  ipc: namespaceMode('IPC', ['none', 'shareable'], true).optional().describe('`--ipc`: host, private, shareable, none, container:NAME.'),
  uts: namespaceMode('UTS', [], false).optional().describe('`--uts`: host or private.'),
};

type RawSpec = z.output<z.ZodObject<typeof specFields>>;
/** Parsed `docker update` flag values, before `toUpdate`. */
export type ContainerUpdateFlags = z.output<z.ZodObject<typeof CONTAINER_UPDATE_FIELDS>>;
type RawUpdate = ContainerUpdateFlags;

/** Docker's memory cross-checks on parsed flag values (moby verifyPlatformContainerResources); `update` allows swap without memory. */
export function checkMemory(raw: RawUpdate, update: boolean, ctx: Ctx): void {
  const memory = raw.memory ?? 0;
  const swap = raw['memory-swap'] ?? 0;
  const reservation = raw['memory-reservation'] ?? 0;
  if (memory !== 0 && memory < DOCKER_MIN_MEMORY) ctx.addIssue({ code: 'custom', path: ['memory'], input: memory, message: 'Minimum memory limit allowed is 6MB' });
  if (memory > 0 && swap > 0 && swap < memory) ctx.addIssue({ code: 'custom', path: ['memory-swap'], input: swap, message: 'Minimum memoryswap limit should be larger than memory limit, see usage' });
  if (memory === 0 && swap > 0 && !update) ctx.addIssue({ code: 'custom', path: ['memory-swap'], input: swap, message: 'You should always set the Memory limit when using Memoryswap limit, see usage' });
  if (reservation > 0 && reservation < DOCKER_MIN_MEMORY) ctx.addIssue({ code: 'custom', path: ['memory-reservation'], input: reservation, message: 'Minimum memory reservation allowed is 6MB' });
  if (memory > 0 && reservation > 0 && memory < reservation) ctx.addIssue({ code: 'custom', path: ['memory-reservation'], input: reservation, message: 'Minimum memory limit can not be less than memory reservation limit, see usage' });
}

function checkSpec(raw: RawSpec, ctx: Ctx): void {
  checkMemory(raw, false, ctx);
  const add = (path: PropertyKey[], message: string, input: unknown) => ctx.addIssue({ code: 'custom', path, input, message });
  // docker/cli cli/command/container/opts.go (v29): checked after parsing the flags.
  if (raw.rm === true && raw.restart !== undefined && raw.restart.name !== 'no') add(['rm'], 'Conflicting options: --restart and --rm', raw.rm);
  if (raw.publish !== undefined && raw.ports !== undefined) add(['ports'], 'give the published ports once: "publish" or "ports" (the same flag, -p)', raw.ports);
  if (raw.network !== undefined && raw.networks !== undefined) add(['networks'], 'give "network" (one) or "networks" (several), not both', raw.networks);
  const mode = raw.network;
  const special = mode !== undefined && (mode === 'host' || mode === 'none' || mode.startsWith('container:'));
  const ports = raw.publish ?? raw.ports ?? [];
  // moby daemon/internal/runconfig/hostconfig.go (reference §3).
  if (mode?.startsWith('container:') === true && ports.length > 0) add([raw.publish !== undefined ? 'publish' : 'ports'], 'conflicting options: port publishing and the container type network mode', ports);
  // moby runconfig ErrConflictNetworkHostname (read); Docker ≥ 25 may also refuse hostname with --network host: not modelled (unverified).
  if (mode?.startsWith('container:') === true && raw.hostname !== undefined) add(['hostname'], 'conflicting options: hostname and the network mode', raw.hostname);
  const aliases = raw['network-alias'] ?? [];
  if (aliases.length > 0) {
    const nets = raw.networks ?? (mode === undefined ? [] : [{ name: mode }]);
    // moby ErrUnsupportedNetworkAndAlias (read); Docker ≥ 25 prefixes "invalid config for network bridge: invalid endpoint settings:" (seen in user reports).
    if (special || nets.length === 0 || nets.every((n) => n.name === 'bridge')) add(['network-alias'], 'network-scoped alias is supported only for containers in user defined networks', aliases);
    else if (nets.length > 1) add(['network-alias'], 'network-alias applies to one network; with several networks give each its aliases: networks: [{ name, aliases }]', aliases);
  }
  const names = new Set<string>();
  (raw.networks ?? []).forEach((n, i) => {
    if (names.has(n.name)) add(['networks', i], `network ${JSON.stringify(n.name)} is listed twice`, n.name);
    names.add(n.name);
    if (['host', 'none'].includes(n.name) || n.name.startsWith('container:')) add(['networks', i], `"${n.name}" is a network mode, not a network to join: give it as network: ${n.name}`, n.name);
  });
  const destinations = new Map<string, number>();
  (raw.volumes ?? []).forEach((m, i) => {
    // moby volume/mounts: "Duplicate mount point: %s" (from memory, unverified).
    if (destinations.has(m.destination)) add(['volumes', i], `Duplicate mount point: ${m.destination}`, m.destination);
    destinations.set(m.destination, i);
  });
}

function toSpec(raw: RawSpec): ContainerSpec {
  const spec: { -readonly [K in keyof ContainerSpec]: ContainerSpec[K] } = { image: raw.image };
  const set = <K extends keyof ContainerSpec>(key: K, value: ContainerSpec[K] | undefined) => {
    if (value !== undefined) spec[key] = value;
  };
  set('name', raw.name);
  set('command', raw.command);
  set('env', raw.env);
  set('hostname', raw.hostname);
  set('user', raw.user);
  set('workingDir', raw.workdir);
  Object.assign(spec, toUpdate(raw));
  set('oomScoreAdj', raw['oom-score-adj']);
  set('cgroupParent', raw['cgroup-parent']);
  const io = [...(raw['device-read-bps'] ?? []), ...(raw['device-write-bps'] ?? []), ...(raw['device-read-iops'] ?? []), ...(raw['device-write-iops'] ?? [])];
  if (io.length > 0) spec.deviceIo = io;
  const mode = raw.network;
  if (mode === 'host' || mode === 'none' || mode?.startsWith('container:') === true) spec.networkMode = mode;
  else if (mode !== undefined || raw.networks !== undefined) {
    const nets = raw.networks ?? [{ name: mode! }];
    const aliases = raw['network-alias'];
    spec.networks = nets.map((n, i) => (i === 0 && aliases !== undefined && aliases.length > 0 ? { name: n.name, aliases: [...(n.aliases ?? []), ...aliases] } : n));
  }
  set('ports', raw.publish ?? raw.ports);
  set('mounts', raw.volumes);
  set('autoRemove', raw.rm);
  set('stopSignal', raw['stop-signal']);
  set('stopTimeout', raw['stop-timeout']);
  set('labels', raw.labels);
  set('pidMode', raw.pid);
  set('ipcMode', raw.ipc);
  set('utsMode', raw.uts);
  return spec;
}

/** The limits of `docker update`, in ContainerSpec's field names. */
export type ContainerSpecUpdate = Pick<ContainerSpec, 'memory' | 'memorySwap' | 'memoryReservation' | 'cpus' | 'cpuShares' | 'cpusetCpus' | 'pidsLimit' | 'restart'>;

/** Parsed `docker update` flag values → `ContainerSpecUpdate` (0 = not set). */
export function toUpdate(raw: RawUpdate): ContainerSpecUpdate {
  const out: { -readonly [K in keyof ContainerSpecUpdate]: ContainerSpecUpdate[K] } = {};
  // Docker reads 0 as "not set" for memory, swap, reservation, cpus and shares.
  if (raw.memory !== undefined && raw.memory !== 0) out.memory = raw.memory;
  if (raw['memory-swap'] !== undefined && raw['memory-swap'] !== 0) out.memorySwap = raw['memory-swap'];
  if (raw['memory-reservation'] !== undefined && raw['memory-reservation'] !== 0) out.memoryReservation = raw['memory-reservation'];
  if (raw.cpus !== undefined && raw.cpus !== 0) out.cpus = raw.cpus;
  if (raw['cpu-shares'] !== undefined && raw['cpu-shares'] !== 0) out.cpuShares = raw['cpu-shares'];
  if (raw['cpuset-cpus'] !== undefined) out.cpusetCpus = raw['cpuset-cpus'];
  if (raw['pids-limit'] !== undefined) out.pidsLimit = raw['pids-limit'];
  if (raw.restart !== undefined) out.restart = raw.restart;
  return out;
}

/** The raw (input-side) object schema of a container spec, for composing into documents. */
export const ContainerSpecObjectSchema = z.strictObject(specFields);

/**
 * A container spec in Docker's words: the `docker run` flag names in kebab case (`memory: 64m`,
 * `memory-swap: -1`, `cpus: 0.5`, `restart: on-failure:3`, `publish: ["8080:80"]`, `stop-signal: TERM`),
 * unknown keys rejected (with "did you mean"). Yields a `ContainerSpec`; 0 for memory, swap, reservation,
 * cpus or shares means "not set", as in Docker. Checks Docker's own rules with Docker's messages:
 * the 6MB minimum, swap ≥ memory, swap needs memory, reservation ≤ memory, oom-score-adj range,
 * `--restart` with `--rm`, the name pattern, port publishing with `network: container:NAME`.
 * Bounds: lists ≤ 1024 entries, memory ≤ 1p, cpus ≤ 1024, pids-limit ≤ 2^22, stop-timeout ≤ 1 year.
 */
export const ContainerSpecSchema: z.ZodType<ContainerSpec, z.input<typeof ContainerSpecObjectSchema>> = ContainerSpecObjectSchema.superRefine(checkSpec, {
  when: (payload) => payload.issues.length === 0,
}).transform(toSpec);

/** `docker update`'s flags (the patch of the pair): every field optional; yields `ContainerSpecUpdate`. */
export const ContainerUpdateSpecSchema: z.ZodType<ContainerSpecUpdate, z.input<z.ZodObject<typeof CONTAINER_UPDATE_FIELDS>>> = z
  .strictObject(CONTAINER_UPDATE_FIELDS)
  .superRefine((raw, ctx) => checkMemory(raw, true, ctx), { when: (payload) => payload.issues.length === 0 })
  .transform(toUpdate);

/** A container spec as written (Docker's flag words). */
export type ContainerSpecInput = z.input<typeof ContainerSpecObjectSchema>;

/**
 * Parse a container spec in Docker's words (already-parsed YAML/JSON) into a `ContainerSpec`. Throws
 * `ValidationError` naming the path of each bad field (`memory: Minimum memory limit allowed is 6MB`);
 * `source` (a file name) goes into the message.
 */
export function parseContainerSpec(input: unknown, source?: string): ContainerSpec {
  return parseWithSchema(ContainerSpecSchema, input, source === undefined ? 'container spec' : `container spec (${source})`);
}

/** Parse `docker update`'s limits (Docker's words) into a `ContainerSpecUpdate`; throws `ValidationError` as `parseContainerSpec`. */
export function parseContainerUpdate(input: unknown, source?: string): ContainerSpecUpdate {
  return parseWithSchema(ContainerUpdateSpecSchema, input, source === undefined ? 'container update' : `container update (${source})`);
}

/**
 * A `ContainerSpec` in Docker's words again (the input form `parseContainerSpec` reads): sizes as
 * `64m`, cpus as `0.5`, restart as `on-failure:3`. `parseContainerSpec(formatContainerSpec(s))`
 * equals `s` for every spec the parser can produce.
 */
export function formatContainerSpec(spec: ContainerSpec): ContainerSpecInput {
  const out: Record<string, unknown> = { image: spec.image };
  const put = (key: keyof ContainerSpecInput, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  put('name', spec.name);
  put('command', spec.command === undefined || typeof spec.command === 'string' ? spec.command : formatProgram(spec.command));
  put('env', spec.env === undefined ? undefined : { ...spec.env });
  put('hostname', spec.hostname);
  put('user', spec.user === undefined ? undefined : `${spec.user.uid}:${spec.user.gid}`);
  put('workdir', spec.workingDir);
  put('memory', spec.memory === undefined ? undefined : formatDockerMemory(bytes(spec.memory)));
  put('memory-swap', spec.memorySwap === undefined ? undefined : spec.memorySwap === -1 ? -1 : formatDockerMemory(bytes(spec.memorySwap)));
  put('memory-reservation', spec.memoryReservation === undefined ? undefined : formatDockerMemory(bytes(spec.memoryReservation)));
  put('cpus', spec.cpus === undefined ? undefined : formatDockerCpus(cpuMillis(spec.cpus)));
  put('cpu-shares', spec.cpuShares);
  put('cpuset-cpus', spec.cpusetCpus);
  put('pids-limit', spec.pidsLimit);
  put('restart', spec.restart === undefined ? undefined : formatRestartPolicy(spec.restart));
  put('oom-score-adj', spec.oomScoreAdj);
  const flags = { rbps: 'device-read-bps', wbps: 'device-write-bps', riops: 'device-read-iops', wiops: 'device-write-iops' } as const;
  for (const kind of ['rbps', 'wbps', 'riops', 'wiops'] as const) {
    const limits = (spec.deviceIo ?? []).filter((d) => d.kind === kind);
    if (limits.length > 0) out[flags[kind]] = limits.map((d) => `${d.device}:${kind.endsWith('bps') ? formatDockerMemory(bytes(d.value)) : d.value}`);
  }
  put('network', spec.networkMode);
  put('networks', spec.networks?.map((n) => (n.aliases === undefined ? n.name : { name: n.name, aliases: [...n.aliases] })));
  put('publish', spec.ports === undefined ? undefined : [...spec.ports]);
  put('volumes', spec.mounts?.map((m) => (m.source === '' ? m.destination : `${m.source}:${m.destination}${m.readOnly ? ':ro' : ''}`)));
  put('rm', spec.autoRemove);
  put('stop-signal', spec.stopSignal);
  put('stop-timeout', spec.stopTimeout);
  put('labels', spec.labels === undefined ? undefined : { ...spec.labels });
  put('pid', spec.pidMode);
  put('ipc', spec.ipcMode);
  put('uts', spec.utsMode);
  put('cgroup-parent', spec.cgroupParent);
  return out as ContainerSpecInput;
}

/** Docker's cross-field checks and the flags → `ContainerSpec` step, for documents that embed a container spec's fields (scenario container templates). */
export { checkSpec as checkContainerSpec, toSpec as toContainerSpec };

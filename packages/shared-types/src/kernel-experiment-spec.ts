// The kernel experiment file of `strata kernel run FILE`: a machine (CPUs, memory), cgroups with the
// interface files to write, and processes running programs of the program language. Structure is
// checked here; cgroup file values are parsed later by the kernel model with the kernel's rules.
import { z } from 'zod';
import { formatDuration } from './duration.js';
import { NameSchema } from './host-spec.js';
import { CgroupFilesSchema, MAX_KERNEL_CGROUPS, parseCgroupPath, ROOT_WRITABLE_CGROUP_FILES } from './kernel-cgroup-spec.js';
import { parseWithSchema } from './parse-with-schema.js';
import { checkProgram } from './program/program-checks.js';
import { checkProgramSize, type ProgramRoot } from './program/program-size.js';
import { ProgramRefSchema, StepListSchema } from './program/step-schema.js';
import { MAX_SCHED_CPUS, MAX_SCHED_DURATION } from './sched-spec.js';
import { byteRateSchema, durationSchema, kernelSizeSchema } from './quantity-schemas.js';
import { bytes, micros, type Micros } from './units.js';

/** The most processes a kernel experiment may start. */
export const MAX_KERNEL_PROCESSES = 10_000;
/** The namespace types a process may share or unshare. */
export const NAMESPACE_TYPES = ['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup'] as const;
/** A namespace type. */
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

const NS_MODE = /^(host|private|process:([A-Za-z0-9][A-Za-z0-9._-]{0,62}))$/;

/** Where a process's namespace of one type comes from: the host's (initial) one, a new one, or another process's. */
export type NamespaceMode = { readonly mode: 'host' } | { readonly mode: 'private' } | { readonly mode: 'shared'; readonly process: string };

const NamespaceModeSchema = z
  .string()
  .regex(NS_MODE, { message: 'expected "host", "private" or "process:NAME" (share that process\'s namespace, as docker\'s container:NAME)' })
  .transform((text): NamespaceMode => (text === 'host' || text === 'private' ? { mode: text } : { mode: 'shared', process: text.slice('process:'.length) }));

const NamespacesSchema = z
  .strictObject(Object.fromEntries(NAMESPACE_TYPES.map((t) => [t, NamespaceModeSchema.optional()])) as Record<NamespaceType, z.ZodOptional<typeof NamespaceModeSchema>>)
  .transform((ns) => Object.fromEntries(NAMESPACE_TYPES.map((t) => [t, ns[t] ?? { mode: 'host' }])) as Record<NamespaceType, NamespaceMode>);

const MAX_ID = 4_294_967_294; // (uid_t)-1 is "no id"
const UserSchema = z
  .union([z.int().min(0).max(MAX_ID), z.string().regex(/^\d{1,10}(:\d{1,10})?$/, { message: 'expected "UID" or "UID:GID" such as "1000:1000"' })])
  .transform((v, ctx) => {
    const [uid = 0, gid = uid] = typeof v === 'number' ? [v] : v.split(':').map(Number);
    if (uid <= MAX_ID && gid <= MAX_ID) return { uid, gid };
    ctx.issues.push({ code: 'custom', input: v, message: `expected ids of at most ${MAX_ID}, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });

/** The most networks one process may be attached to. */
export const MAX_PROCESS_NETWORKS = 16;
/** The most networks an experiment may define. */
export const MAX_KERNEL_NETWORKS = 256;

/** One process of the experiment, started at `start` in `cgroup`. */
export const KernelProcessSpecSchema = z.strictObject({
  name: NameSchema.describe('Unique among the processes.'),
  cgroup: z.string().default('/').describe('A path under cgroups (or an ancestor of one), or "/" (default).'),
  program: ProgramRefSchema.describe('Steps of the program language, or the name of one under programs.'),
  start: durationSchema({ max: MAX_SCHED_DURATION }).default(micros(0)).describe('When the process starts (before duration).'),
  nice: z.int().min(-20).max(19).default(0),
  oom_score_adj: z.int().min(-1000).max(1000).default(0).describe('-1000 (never chosen by the OOM killer) .. 1000.'),
  user: UserSchema.default({ uid: 0, gid: 0 }).describe('UID or "UID:GID" (default root, 0:0).'),
  namespaces: NamespacesSchema.prefault({}).describe('Per type: "host" (default), "private" or "process:NAME".'),
  id_maps: z
    .strictObject({
      uid: z.string().max(4095).describe('uid_map text: lines "inside outside count", such as "0 100000 65536".'),
      gid: z.string().max(4095).describe('gid_map text, the same form.'),
    })
    .optional()
    .describe('With namespaces.user "private": the maps written for the new user namespace (the kernel checks their format).'),
  networks: z.array(z.string()).max(MAX_PROCESS_NETWORKS).default([]).describe('Networks (under the top-level networks) the process is attached to, as `docker run --network`; its net namespace is then its own, named after it for DNS.'),
});

/** A user-defined bridge network on the experiment's host (`docker network create`). */
export const KernelNetworkSpecSchema = z.strictObject({
  internal: z.boolean().default(false).describe('`--internal`: no way out, no traffic to or from other networks.'),
  icc: z.boolean().default(true).describe('Container-to-container traffic on this network (com.docker.network.bridge.enable_icc).'),
});

/** The link every process's veth pair gets (both directions). */
export const KernelVethSpecSchema = z.strictObject({
  bandwidth: byteRateSchema().describe('Bytes per second of each direction, in kernel sizes ("100M/s" is 100 MiB/s).'),
  latency: durationSchema({ max: micros(10_000_000) }).default(micros(0)).describe('One-way latency of the veth link.'),
});

/** A block device programs may read and write; omitted rates are unlimited. */
export const KernelDeviceSpecSchema = z.strictObject({
  id: z.string().regex(/^\d{1,4}:\d{1,7}$/, { message: 'expected "MAJ:MIN" such as "8:0" (the id io.max lines name)' }),
  rbps: byteRateSchema().optional().describe('Read bandwidth of the device ("500M/s").'),
  wbps: byteRateSchema().optional().describe('Write bandwidth of the device.'),
  riops: z.int().min(1).max(1e9).optional().describe('Read requests per second the device serves.'),
  wiops: z.int().min(1).max(1e9).optional().describe('Write requests per second the device serves.'),
});

const NetworkNameSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, { message: 'expected a network name: 1..64 letters, digits, "_", "." or "-", starting with a letter or digit' });

const DeviceNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'expected a device name such as "sda" or "vda"' });

const KernelExperimentObjectSchema = z
  .strictObject({
    cpus: z.int().min(1).max(MAX_SCHED_CPUS).default(1),
    memory: kernelSizeSchema({ min: bytes(4096) }).describe('Memory of the machine: "4G" or "4Gi" (both 4 GiB, as the kernel reads sizes).'),
    swap: kernelSizeSchema().default(bytes(0)).describe('Swap space (default none).'),
    fidelity: z.enum(['exact', 'fluid']).default('exact'),
    tick: durationSchema({ min: micros(100), max: micros(100_000) }).default(micros(4_000)).describe('Scheduler tick (exact fidelity; 4ms is HZ=250).'),
    duration: durationSchema({ min: micros(1), max: MAX_SCHED_DURATION }),
    seed: z.union([z.int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().max(256)]).default(0).describe('Seed of every random stream (request arrivals).'),
    devices: z.record(DeviceNameSchema, KernelDeviceSpecSchema).default({}),
    networks: z.record(NetworkNameSchema, KernelNetworkSpecSchema).default({}).refine((n) => Object.keys(n).length <= MAX_KERNEL_NETWORKS, { message: `expected at most ${MAX_KERNEL_NETWORKS} networks` }).describe('User-defined bridge networks on the host, for send and listen.'),
    veth: KernelVethSpecSchema.optional().describe('Bandwidth and latency of the processes\' veth links (default: the network model\'s).'),
    cgroups: z.record(z.string(), CgroupFilesSchema).default({}).describe('cgroup path → interface files to write, in order, parents first.'),
    programs: z.record(NameSchema, StepListSchema).default({}).describe('Named programs, for fork, exec and processes to name.'),
    processes: z.array(KernelProcessSpecSchema).min(1).max(MAX_KERNEL_PROCESSES),
  })
  .superRefine(
    (spec, ctx) => {
      checkMachine(spec.cpus, spec.duration, ctx);
      const cgroups = checkCgroups(spec.cgroups, ctx);
      checkProcesses(spec, cgroups, ctx);
    },
    // Cross-checks read parsed values (ASTs, integer times): run them only on a structurally valid spec.
    { when: (payload) => payload.issues.length === 0 },
  );

type Sink = z.core.$RefinementCtx;

function checkMachine(cpus: number, duration: Micros, ctx: Sink): void {
  // Every CPU-time total of the result is at most cpus × duration: keep it a safe integer.
  if (cpus * duration > Number.MAX_SAFE_INTEGER) {
    const limit = Math.floor(Number.MAX_SAFE_INTEGER / cpus / 1_000_000) * 1_000_000;
    ctx.addIssue({ code: 'custom', path: ['duration'], input: duration, message: `expected at most ${formatDuration(micros(limit))} with ${cpus} CPUs (cpus × duration must stay below 2^53 µs), got ${formatDuration(duration)}` });
  }
}

/** Check paths and root files; return every cgroup that will exist (listed, implied ancestors, root). */
function checkCgroups(cgroups: Record<string, Record<string, string | undefined>>, ctx: Sink): Set<string> {
  const all = new Set<string>(['/']);
  for (const [path, files] of Object.entries(cgroups)) {
    const segments = parseCgroupPath(path);
    if (typeof segments === 'string') {
      ctx.addIssue({ code: 'custom', path: ['cgroups', path], input: path, message: segments });
      continue;
    }
    if (segments.length === 0) {
      const other = Object.keys(files).filter((file) => !(ROOT_WRITABLE_CGROUP_FILES as readonly string[]).includes(file));
      for (const file of other) {
        ctx.addIssue({ code: 'custom', path: ['cgroups', path, file], input: file, message: `the root cgroup has no ${file}; it accepts only ${ROOT_WRITABLE_CGROUP_FILES.join(', ')}` });
      }
    }
    for (let depth = 1; depth <= segments.length; depth++) all.add(`/${segments.slice(0, depth).join('/')}`);
    if (all.size - 1 > MAX_KERNEL_CGROUPS) {
      ctx.addIssue({ code: 'custom', path: ['cgroups', path], input: path, message: `expected at most ${MAX_KERNEL_CGROUPS} cgroups, counting implied ancestors; this one passes the limit` });
      break;
    }
  }
  return all;
}

interface ProcessFacts {
  readonly duration: Micros;
  readonly networks: Record<string, unknown>;
  readonly devices: Record<string, { id: string }>;
  readonly programs: Record<string, z.output<typeof StepListSchema>>;
  readonly processes: readonly z.output<typeof KernelProcessSpecSchema>[];
}

function checkProcesses(spec: ProcessFacts, cgroups: ReadonlySet<string>, ctx: Sink): void {
  const names = new Map<string, number>();
  const context = {
    programs: new Set(Object.keys(spec.programs)),
    devices: new Set(Object.entries(spec.devices).flatMap(([name, device]) => [name, device.id])),
  };
  spec.processes.forEach((p, i) => {
    if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['processes', i, 'name'], input: p.name, message: `duplicate process name "${p.name}" (also processes[${names.get(p.name)}])` });
    else names.set(p.name, i);
    if (!cgroups.has(p.cgroup)) {
      const listed = [...cgroups].slice(0, 20).join(', ');
      ctx.addIssue({ code: 'custom', path: ['processes', i, 'cgroup'], input: p.cgroup, message: `no cgroup ${JSON.stringify(p.cgroup)}; expected "/" or a path under cgroups: ${listed}` });
    }
    if (p.start >= spec.duration) {
      ctx.addIssue({ code: 'custom', path: ['processes', i, 'start'], input: p.start, message: `expected a start before the end of the run (${formatDuration(spec.duration)}), got ${formatDuration(p.start)}` });
    }
    if (p.program.kind === 'inline') checkProgram(p.program.steps, ['processes', i, 'program'], context, ctx);
    else if (!context.programs.has(p.program.name)) {
      ctx.addIssue({ code: 'custom', path: ['processes', i, 'program'], input: p.program.name, message: `no program is named "${p.program.name}"; defined: ${[...context.programs].join(', ') || 'none (add it under programs)'}` });
    }
  });
  for (const [name, program] of Object.entries(spec.programs)) checkProgram(program, ['programs', name], context, ctx);
  checkNamespaces(spec.processes, names, ctx);
  checkNetworks(spec, ctx);
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A process's networks exist, appear once, and the process can be a container on them. */
function checkNetworks(spec: ProcessFacts, ctx: Sink): void {
  const defined = Object.keys(spec.networks);
  spec.processes.forEach((p, i) => {
    if (p.networks.length === 0) return;
    const seen = new Set<string>();
    p.networks.forEach((n, k) => {
      if (!Object.hasOwn(spec.networks, n)) ctx.addIssue({ code: 'custom', path: ['processes', i, 'networks', k], input: n, message: `no network is named ${JSON.stringify(n)}; defined: ${defined.join(', ') || 'none (add it under networks)'}` });
      else if (seen.has(n)) ctx.addIssue({ code: 'custom', path: ['processes', i, 'networks', k], input: n, message: `network ${JSON.stringify(n)} is listed twice` });
      seen.add(n);
    });
    if (!DNS_LABEL.test(p.name)) ctx.addIssue({ code: 'custom', path: ['processes', i, 'name'], input: p.name, message: `a process on a network is named as a container, for DNS: 1..63 lowercase letters, digits or "-", starting and ending with a letter or digit; got ${JSON.stringify(p.name)}` });
    if (p.namespaces.net.mode === 'shared') ctx.addIssue({ code: 'custom', path: ['processes', i, 'networks'], input: p.networks, message: `a process that shares another's net namespace (namespaces.net: "process:${p.namespaces.net.process}") is on that process's networks; drop networks here` });
  });
}

/** A shared namespace must name another process, and sharing must not go round in a circle. */
function checkNamespaces(processes: ProcessFacts['processes'], names: ReadonlyMap<string, number>, ctx: Sink): void {
  processes.forEach((p, i) => {
    for (const type of Object.keys(p.namespaces) as (keyof typeof p.namespaces)[]) {
      const mode = p.namespaces[type];
      if (mode.mode !== 'shared') continue;
      const path = ['processes', i, 'namespaces', type];
      if (!names.has(mode.process)) {
        ctx.addIssue({ code: 'custom', path, input: mode.process, message: `no process is named "${mode.process}"` });
        continue;
      }
      // Follow the chain of sharing; at most one step per process, so it ends or returns.
      const seen = new Set<number>([i]);
      let next: NamespaceMode = mode;
      while (next.mode === 'shared') {
        const j = names.get(next.process);
        if (j === undefined) break;
        if (seen.has(j)) {
          ctx.addIssue({ code: 'custom', path, input: mode.process, message: `the ${type} namespace is shared in a circle (${[...seen].map((k) => processes[k]!.name).join(' → ')} → ${processes[j]!.name}): one of them must own it ("host" or "private")` });
          break;
        }
        seen.add(j);
        next = processes[j]!.namespaces[type];
      }
    }
  });
}

/** The programs of a raw experiment document, for the size check before parsing. */
function programRoots(input: unknown): ProgramRoot[] {
  const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isRecord(input)) return [];
  const roots: ProgramRoot[] = [];
  if (Array.isArray(input['processes'])) {
    input['processes'].forEach((p: unknown, i) => {
      if (isRecord(p)) roots.push({ program: p['program'], path: ['processes', i, 'program'] });
    });
  }
  if (isRecord(input['programs'])) for (const [name, program] of Object.entries(input['programs'])) roots.push({ program, path: ['programs', name] });
  return roots;
}

/**
 * A kernel experiment (`strata kernel run FILE`), as the already-parsed YAML or JSON value. Bounds:
 * cpus 1..1024; duration 1us..876600h with cpus × duration < 2^53 µs; at most 10,000 cgroups (paths
 * absolute and normalized, ≤ 64 deep, files from `WRITABLE_CGROUP_FILES`, values strings ≤ 4096 characters),
 * 10,000 processes (unique names) and 1,000,000 program steps in all, nested ≤ 32 deep. Cross-checks:
 * each process's cgroup exists ("/", a listed path or an ancestor of one), named programs and devices
 * exist, shared namespaces name another process without a circle, start < duration.
 *
 * Meaning: cgroups are created parents first (ancestors only implied by a deeper path get defaults);
 * each cgroup's files are written in the order given; the runner enables on every ancestor the
 * controllers whose files a cgroup writes (as systemd does), so `cgroup.subtree_control` is needed
 * only to enable more. Processes start at `start` in list order.
 */
export const KernelExperimentSchema = z.preprocess((input, ctx) => {
  checkProgramSize(programRoots(input), ctx);
  return input;
}, KernelExperimentObjectSchema);

/**
 * Parse a kernel experiment into its typed form. Throws `ValidationError` whose message and
 * `details.issues` name the path of each bad field (`processes[0].program[3].fork.count`) and what is accepted.
 */
export function parseKernelExperiment(value: unknown): KernelExperiment {
  return parseWithSchema(KernelExperimentSchema, value, 'kernel experiment');
}

/** A validated kernel experiment (integer units, defaults applied). */
export type KernelExperiment = z.output<typeof KernelExperimentObjectSchema>;
/** A process of a validated kernel experiment. */
export type KernelProcessSpec = z.output<typeof KernelProcessSpecSchema>;
/** A network of a validated kernel experiment. */
export type KernelNetworkSpec = z.output<typeof KernelNetworkSpecSchema>;
/** A block device of a validated kernel experiment. */
export type KernelDeviceSpec = z.output<typeof KernelDeviceSpecSchema>;

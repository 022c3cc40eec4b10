// A datacenter scenario as a user writes it (YAML or JSON, already parsed): host, VM, network and
// container templates, batch workloads, timed actions, faults, metrics; and the commands
// core-cluster's datacenter executes, which timed actions and the HTTP API share.
import { z } from 'zod';
import {
  CONTAINER_UPDATE_FIELDS,
  ContainerSpecObjectSchema,
  checkContainerSpec,
  checkMemory,
  DockerSignalSchema,
  toContainerSpec,
  toUpdate,
  type ContainerSpec,
  type ContainerSpecUpdate,
} from './container-spec.js';
import { MAX_HOST_CPUS, NAME_PATTERN, NameSchema } from './host-spec.js';
import { bandwidthSchema, durationSchema, memorySchema } from './quantity-schemas.js';
import { bytes, bytesPerSecond, micros, type Micros } from './units.js';

/** The most host instances a scenario may have (all templates' counts together). */
export const MAX_SCENARIO_HOSTS = 1_000_000;
/** The most VM instances a scenario may have. */
export const MAX_SCENARIO_VMS = 10_000_000;
/** The most container instances a scenario may have (checked after expansion, by the loader). */
export const MAX_SCENARIO_CONTAINERS = 10_000_000;
/** The longest scenario duration and the latest action time: 10 years (365-day years), µs. */
export const MAX_SCENARIO_DURATION: Micros = micros(10 * 365 * 86_400 * 1_000_000);
/** The most vCPUs one VM may have (core-vmm's bound). */
export const MAX_VM_VCPUS = 256;
/** The largest CPU rating, MIPS, of a host CPU or a vCPU. */
export const MAX_MIPS = 10_000_000;
/** The most memory one host or VM may declare: 1 PiB (2^50 bytes). */
export const MAX_MACHINE_MEMORY = 2 ** 50;
/** The most entries of the networks, workloads and include lists. */
export const MAX_SCENARIO_NETWORKS = 10_000;
export const MAX_SCENARIO_WORKLOADS = 1000;
export const MAX_SCENARIO_INCLUDES = 1000;
/** The most timed actions one scenario file may list. */
export const MAX_SCENARIO_ACTIONS = 1_000_000;
/** The most power one host may draw, watts. */
export const MAX_HOST_WATTS = 1_000_000;
/** The longest relative path a scenario may name (include, batch file). */
export const MAX_SCENARIO_PATH = 1024;
/** The largest bandwidth or byte rate a scenario may name: 100 Tbit/s (12.5 TB/s). */
export const MAX_SCENARIO_BANDWIDTH = 12_500_000_000_000;
/** The most labels of one template. */
export const MAX_TEMPLATE_LABELS = 64;

const DEFAULT_NIC = bytesPerSecond(1_250_000_000); // 10Gbit

/** An instance name as commands name it: `h-3`, `web-vm-3-0` (template names followed by `-` and indices). */
export const INSTANCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const InstanceRefSchema = z.string().regex(INSTANCE_NAME_PATTERN, {
  error: (issue) => `expected an instance or template name (letters, digits, ".", "_", "-", starting with a letter or digit, at most 255), got ${JSON.stringify(issue.input)}`,
});

/** A relative path as a scenario writes it (`jobs.csv`, `common/hosts.yaml`): not absolute, no NUL, no backslash. */
const RelativePathSchema = z
  .string()
  .min(1)
  .max(MAX_SCENARIO_PATH)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.includes('\0'), {
    error: (issue) => `expected a path relative to the scenario's folder using "/" (such as "data/jobs.csv"), got ${JSON.stringify(issue.input)}`,
  });

const LabelsSchema = z
  .record(z.string().regex(NAME_PATTERN, { error: (issue) => `expected a label key like "zone" (letters, digits, ".", "_", "-"), got ${JSON.stringify(issue.input)}` }), z.string().max(256))
  .refine((labels) => Object.keys(labels).length <= MAX_TEMPLATE_LABELS, { error: `expected at most ${MAX_TEMPLATE_LABELS} labels` });

/** Watts: `250W`, `1.5kW` or a number of watts. */
const WattsSchema = z.union([z.string(), z.number()]).transform((v, ctx): number => {
  let watts: number;
  if (typeof v === 'number') watts = v;
  else {
    const match = /^(\d{1,9}(?:\.\d{1,6})?)\s?(W|kW)$/.exec(v);
    if (match === null) {
      ctx.issues.push({ code: 'custom', input: v, message: `expected a power like 250W or 1.5kW, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    watts = Number(match[1]) * (match[2] === 'kW' ? 1000 : 1);
  }
  if (!Number.isFinite(watts) || watts < 0 || watts > MAX_HOST_WATTS) {
    ctx.issues.push({ code: 'custom', input: v, message: `expected a power from 0W to ${MAX_HOST_WATTS / 1000}kW, got ${String(v)}` });
    return z.NEVER;
  }
  return watts;
});

/** A host's power model: linear from `idle` (0 % busy) to `max` (100 %), or an 11-point table at 0 %, 10 %, … 100 % (watts). */
export const PowerSpecSchema = z.union([
  z
    .strictObject({ idle: WattsSchema, max: WattsSchema })
    .refine((p) => p.idle <= p.max, { error: 'expected idle ≤ max watts', path: ['max'] }),
  z.strictObject({
    table: z.array(WattsSchema).length(11, { error: 'expected 11 watt values: at 0 %, 10 %, … 100 % busy' }),
  }),
]);

const HYPERVISORS = ['credit', 'cfs', 'rr', 'priority', 'none'] as const;

const HostTemplateSchema = z.strictObject({
  name: NameSchema.describe('Template name; instances are `name` (no count) or `name-0` … `name-(count-1)`.'),
  count: z.int().min(0).max(MAX_SCENARIO_HOSTS).optional().describe('Instances (absent: one, named as the template).'),
  cpus: z.int().min(1).max(MAX_HOST_CPUS).describe('Physical CPUs (cores).'),
  cpuMips: z.int().min(1).max(MAX_MIPS).default(1000).describe('Rating of one CPU, MIPS (default 1000).'),
  memory: memorySchema({ min: bytes(1), max: bytes(MAX_MACHINE_MEMORY), like: '64Gi' }).describe('Physical memory ("64Gi").'),
  overcommit: z.number().positive().max(1000).default(1).describe('Memory allocation ratio: VMs may be given up to memory × overcommit (default 1).'),
  hypervisor: z.enum(HYPERVISORS).default('credit').describe('Host CPU policy for vCPUs, or none for bare metal.'),
  nic: bandwidthSchema({ min: bytesPerSecond(1), max: bytesPerSecond(MAX_SCENARIO_BANDWIDTH), like: '10Gbit' }).default(DEFAULT_NIC).describe('NIC bandwidth (default 10Gbit).'),
  disk: z
    .strictObject({
      bandwidth: bandwidthSchema({ min: bytesPerSecond(1), max: bytesPerSecond(MAX_SCENARIO_BANDWIDTH), like: '500MB/s' }).optional(),
      iops: z.int().min(1).max(1_000_000_000).optional(),
    })
    .optional()
    .describe('Local disk limits (absent: unlimited).'),
  labels: LabelsSchema.optional(),
  power: PowerSpecSchema.default({ idle: 100, max: 250 }).describe('Power model (default idle 100W, max 250W).'),
});

/** A VM's settings for its host's CPU policy (each applies to the policies that have it). */
const VmCpuSchema = z.strictObject({
  weight: z.int().min(1).max(65_535).optional().describe('Credit weight (default 256).'),
  cap: z.int().min(0).max(MAX_VM_VCPUS * 100).optional().describe('Credit cap, percent of one CPU (0 = none).'),
  shares: z.int().min(2).max(262_144).optional().describe('CFS shares (default 1024).'),
  period: durationSchema({ min: micros(1000), max: micros(1_000_000), like: '100ms' }).optional().describe('CFS bandwidth period, 1ms..1s.'),
  quota: durationSchema({ min: micros(1000), max: micros(1_000_000_000), like: '50ms' }).optional().describe('CFS quota per period per vCPU-group.'),
  priority: z.int().min(0).max(1000).optional().describe('Static priority (priority policy): lower runs first.'),
});

const vmFields = {
  name: NameSchema.describe('Template name; instances as for hosts.'),
  vcpus: z.int().min(1).max(MAX_VM_VCPUS).describe('vCPUs, 1..256.'),
  vcpuMips: z.int().min(1).max(MAX_MIPS).optional().describe("Rating of one vCPU, MIPS (default: the host's cpuMips)."),
  memory: memorySchema({ min: bytes(1), max: bytes(MAX_MACHINE_MEMORY), like: '4Gi' }).describe('Guest memory ("4Gi").'),
  flavor: z.enum(['libvirt', 'firecracker']).default('libvirt'),
  cpu: VmCpuSchema.optional(),
  host: NameSchema.optional().describe('A host instance or template name the VM must be placed on.'),
  labels: LabelsSchema.optional(),
  ha: z.boolean().default(true).describe('Restart elsewhere when its host fails (default true).'),
  autostart: z.boolean().default(true).describe('Start when created (default true).'),
  dirtyRate: bandwidthSchema({ max: bytesPerSecond(MAX_SCENARIO_BANDWIDTH), like: '100MB/s' }).optional().describe('Memory dirtying rate (bytes/s), for migration.'),
  wss: memorySchema({ max: bytes(MAX_MACHINE_MEMORY), like: '1Gi' }).optional().describe('Writable working set (bytes), for migration; at most memory.'),
};

function checkWss(vm: { memory: number; wss?: number | undefined }, ctx: z.core.$RefinementCtx<unknown>): void {
  if (vm.wss !== undefined && vm.wss > vm.memory) ctx.addIssue({ code: 'custom', path: ['wss'], input: vm.wss, message: `expected a working set of at most the VM's memory (${vm.memory} bytes), got ${vm.wss} bytes` });
}

const VmTemplateSchema = z
  .strictObject({ ...vmFields, count: z.int().min(0).max(MAX_SCENARIO_VMS).optional().describe('Instances (absent: one, named as the template).') })
  .superRefine(checkWss, { when: (payload) => payload.issues.length === 0 });

/** A VM body for `vm.create`: a template without `count`. */
const VmBodySchema = z.strictObject(vmFields).superRefine(checkWss, { when: (payload) => payload.issues.length === 0 });

const NetworkTemplateSchema = z.strictObject({
  name: NameSchema,
  subnet: z
    .string()
    .max(64)
    .refine(isCidr, { error: (issue) => `expected a CIDR subnet like 10.10.0.0/16 or fd00::/64, got ${JSON.stringify(issue.input)}` })
    .optional(),
  bandwidth: bandwidthSchema({ min: bytesPerSecond(1), max: bytesPerSecond(MAX_SCENARIO_BANDWIDTH), like: '10Gbit' }).optional().describe('Per-link bandwidth (absent: the hosts\' NICs).'),
  internal: z.boolean().default(false).describe('No route outside the network.'),
});

/** Whether `text` is an IPv4 or IPv6 CIDR (`10.0.0.0/8`, `fd00::/64`). */
function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (address.includes(':')) return bits <= 128 && /^[0-9a-fA-F:]{2,39}$/.test(address) && (address.match(/::/g) ?? []).length <= 1;
  const octets = address.split('.');
  return bits <= 32 && octets.length === 4 && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255);
}

const { name: _dockerName, ...dockerRunShape } = ContainerSpecObjectSchema.shape;

type DockerRaw = Parameters<typeof toContainerSpec>[0];

/** The container spec part of a template (its `name` is the template's, not `--name`). */
type ContainerTemplateSpec = Omit<ContainerSpec, 'name'>;

const containerHead = {
  name: NameSchema.describe('Template name (instance names: see the README).'),
  on: InstanceRefSchema.describe('A VM template or instance, or a bare-metal host template or instance.'),
};

function toTemplate(raw: Record<string, unknown>): { name: string; on: string; count?: number } & ContainerTemplateSpec {
  const { name, on, count, ...flags } = raw;
  const { name: _ignored, ...spec } = toContainerSpec(flags as unknown as DockerRaw);
  return { name: name as string, on: on as string, ...(count === undefined ? {} : { count: count as number }), ...spec };
}

const ContainerTemplateSchema = z
  .strictObject({ ...containerHead, count: z.int().min(0).max(MAX_SCENARIO_CONTAINERS).default(1).describe('Instances per target (default 1).'), ...dockerRunShape })
  .superRefine((raw, ctx) => checkContainerSpec(raw as unknown as DockerRaw, ctx), { when: (payload) => payload.issues.length === 0 })
  .transform((raw) => toTemplate(raw) as { name: string; on: string; count: number } & ContainerTemplateSpec);

/** A container body for `container.create`: a template without `count`, `on` naming one instance. */
const ContainerBodySchema = z
  .strictObject({ ...containerHead, ...dockerRunShape })
  .superRefine((raw, ctx) => checkContainerSpec(raw as unknown as DockerRaw, ctx), { when: (payload) => payload.issues.length === 0 })
  .transform((raw) => toTemplate(raw) as { name: string; on: string } & ContainerTemplateSpec);

const BatchWorkloadSchema = z.strictObject({
  kind: z.literal('batch'),
  file: RelativePathSchema.describe('CSV of jobs (id,length_mi,pes,vm,submit_time), relative to the scenario file.'),
  guestScheduler: z.enum(['time-shared', 'space-shared']).default('time-shared').describe('How jobs share a VM: processor sharing per thread, or FCFS.'),
});

const WorkloadSchema = z.discriminatedUnion('kind', [BatchWorkloadSchema]);

const FaultsSchema = z.strictObject({
  hosts: z
    .strictObject({
      mtbf: durationSchema({ min: micros(1000), max: MAX_SCENARIO_DURATION, like: '720h' }).describe('Mean time between failures of each host.'),
      mttr: durationSchema({ min: micros(1), max: MAX_SCENARIO_DURATION, like: '4h' }).describe('Mean time to repair.'),
      distribution: z.enum(['exponential', 'fixed']).default('exponential'),
      hosts: z.array(InstanceRefSchema).max(MAX_SCENARIO_HOSTS).optional().describe('Host instance or template names (default all).'),
    })
    .optional(),
  containers: z
    .strictObject({
      mtbf: durationSchema({ min: micros(1000), max: MAX_SCENARIO_DURATION, like: '1h' }).describe('Mean time between crashes of each container (SIGKILL of PID 1).'),
      containers: z.array(NameSchema).max(MAX_SCENARIO_CONTAINERS).optional().describe('Container template names (default all).'),
    })
    .optional(),
});

const MetricsSchema = z.strictObject({
  interval: durationSchema({ min: micros(1000), max: MAX_SCENARIO_DURATION, like: '1s' }).describe('Sample the time series at this interval (at least 1ms).'),
});

const PLACEMENTS = ['first-fit', 'best-fit', 'worst-fit', 'spread', 'round-robin'] as const;
const PlacementSchema = z.union([z.enum(PLACEMENTS), z.strictObject({ profile: z.literal('filter-score') })], {
  error: () => `expected one of ${PLACEMENTS.join(', ')}, or { profile: filter-score }`,
});

// ---------------------------------------------------------------------------------------------
// Commands: one shape per `do`, used bare (ClusterCommandSchema) and with `at` (timed actions).
// ---------------------------------------------------------------------------------------------

const vmRef = { vm: InstanceRefSchema };
const hostRef = { host: InstanceRefSchema };
const containerRef = { container: InstanceRefSchema };

function commandOptions<E extends z.core.$ZodShape>(extra: E) {
  const simpleVm = <D extends string>(name: D) => z.strictObject({ ...extra, do: z.literal(name), ...vmRef });
  const simpleContainer = <D extends string>(name: D) => z.strictObject({ ...extra, do: z.literal(name), ...containerRef });
  return [
    z.strictObject({ ...extra, do: z.literal('vm.create'), vm: VmBodySchema, host: InstanceRefSchema.optional() }),
    simpleVm('vm.delete'),
    simpleVm('vm.start'),
    simpleVm('vm.shutdown'),
    simpleVm('vm.destroy'),
    simpleVm('vm.pause'),
    simpleVm('vm.resume'),
    z.strictObject({
      ...extra,
      do: z.literal('vm.migrate'),
      ...vmRef,
      to: InstanceRefSchema.optional(),
      downtimeLimit: durationSchema({ min: micros(1), max: micros(3_600_000_000), like: '300ms' }).optional(),
      bandwidth: bandwidthSchema({ min: bytesPerSecond(1), max: bytesPerSecond(MAX_SCENARIO_BANDWIDTH), like: '1Gbit' }).optional(),
    }),
    z.strictObject({ ...extra, do: z.literal('vm.update'), ...vmRef, cpu: VmCpuSchema }),
    z.strictObject({ ...extra, do: z.literal('host.fail'), ...hostRef }),
    z.strictObject({ ...extra, do: z.literal('host.repair'), ...hostRef }),
    z.strictObject({ ...extra, do: z.literal('container.create'), container: ContainerBodySchema }),
    simpleContainer('container.delete'),
    simpleContainer('container.start'),
    z.strictObject({ ...extra, do: z.literal('container.stop'), ...containerRef, timeout: z.int().min(-1).max(31_536_000).optional().describe('Seconds before SIGKILL (docker stop -t); -1 waits forever.') }),
    z.strictObject({ ...extra, do: z.literal('container.kill'), ...containerRef, signal: DockerSignalSchema.default('SIGKILL') }),
    z
      .strictObject({ ...extra, do: z.literal('container.update'), ...containerRef, ...CONTAINER_UPDATE_FIELDS })
      .superRefine((raw, ctx) => checkMemory(raw as unknown as Parameters<typeof checkMemory>[0], true, ctx), { when: (payload) => payload.issues.length === 0 }),
    z.strictObject({ ...extra, do: z.literal('scale'), template: NameSchema, count: z.int().min(0).max(MAX_SCENARIO_VMS) }),
  ] as const;
}

const COMMAND_WORDS = [
  'vm.create', 'vm.delete', 'vm.start', 'vm.shutdown', 'vm.destroy', 'vm.pause', 'vm.resume', 'vm.migrate', 'vm.update',
  'host.fail', 'host.repair',
  'container.create', 'container.delete', 'container.start', 'container.stop', 'container.kill', 'container.update',
  'scale',
] as const;

/** Every `do` word a command may have. */
export const CLUSTER_COMMANDS: readonly (typeof COMMAND_WORDS)[number][] = COMMAND_WORDS;

const unknownCommand = (issue: { input?: unknown }) => {
  const input = issue.input as { do?: unknown } | undefined;
  const got = input !== null && typeof input === 'object' && 'do' in input ? JSON.stringify(input.do) : 'nothing';
  return `expected "do" to be one of ${COMMAND_WORDS.join(', ')}, got ${got}`;
};

/** A `container.update` with its docker-update words turned into a `ContainerSpecUpdate`. */
type UpdateOut<T> = T extends { do: 'container.update' } ? { [K in Exclude<keyof T, keyof typeof CONTAINER_UPDATE_FIELDS>]: T[K] } & { update: ContainerSpecUpdate } : T;

function liftUpdate<T extends { do: string }>(command: T): UpdateOut<T> {
  if (command.do !== 'container.update') return command as UpdateOut<T>;
  const out: Record<string, unknown> = {};
  const flags: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(command)) (Object.hasOwn(CONTAINER_UPDATE_FIELDS, key) ? flags : out)[key] = value;
  out['update'] = toUpdate(flags);
  return out as UpdateOut<T>;
}

const CommandUnion = z.discriminatedUnion('do', commandOptions({}), { error: unknownCommand });
const TimedUnion = z.discriminatedUnion(
  'do',
  commandOptions({ at: durationSchema({ max: MAX_SCENARIO_DURATION, like: '30s' }).describe('When, from the start of the run.') }),
  { error: unknownCommand },
);

/**
 * A command for the datacenter (`dc.execute`), discriminated by `do`: `vm.create`, `vm.delete`,
 * `vm.start`, `vm.shutdown`, `vm.destroy`, `vm.pause`, `vm.resume`, `vm.migrate`, `vm.update`,
 * `host.fail`, `host.repair`, `container.create`, `container.delete`, `container.start`,
 * `container.stop`, `container.kill`, `container.update`, `scale`. Unknown keys are errors. A
 * `container.update`'s docker-update words (`memory: 512m`, `cpus: 0.5`) come out as `update`.
 */
export const ClusterCommandSchema = CommandUnion.transform(liftUpdate);

/** A timed action: a command plus `at` (a duration from the start of the run, at most 10 years). */
export const TimedActionSchema = TimedUnion.transform(liftUpdate);

// ---------------------------------------------------------------------------------------------
// The scenario.
// ---------------------------------------------------------------------------------------------

interface Template {
  readonly name: string;
  readonly count?: number | undefined;
}

const INDEXED = /^(.+)-(0|[1-9]\d{0,15})$/;

/**
 * Names must be unique and unambiguous within `lists` (one namespace): no template twice, and no
 * template named as another counted template's instance (`vm-3` beside `vm` with count 40).
 */
function checkTemplateNames(lists: readonly (readonly [key: string, word: string, templates: readonly Template[]])[], ctx: z.core.$RefinementCtx<unknown>): void {
  const seen = new Map<string, { key: string; index: number; word: string; count?: number | undefined }>();
  for (const [key, word, templates] of lists) {
    templates.forEach((t, index) => {
      const first = seen.get(t.name);
      if (first === undefined) seen.set(t.name, { key, index, word, count: t.count });
      else ctx.addIssue({ code: 'custom', path: [key, index, 'name'], input: t.name, message: `${word} template name "${t.name}" is already used by ${first.key}[${first.index}]; template names must be unique among ${lists.map(([k]) => k).join(' and ')}` });
    });
  }
  for (const [key, word, templates] of lists) {
    templates.forEach((t, index) => {
      const match = INDEXED.exec(t.name);
      if (match === null) return;
      const family = seen.get(match[1] ?? '');
      const i = Number(match[2]);
      if (family?.count !== undefined && i < family.count) {
        ctx.addIssue({
          code: 'custom',
          path: [key, index, 'name'],
          input: t.name,
          message: `${word} template name "${t.name}" is also the name of instance ${i} of ${family.word} template "${match[1]}" (${family.key}[${family.index}], count ${family.count}); rename it or give "${match[1]}" a count of at most ${i}`,
        });
      }
    });
  }
}

function checkTotal(key: string, templates: readonly Template[], max: number, ctx: z.core.$RefinementCtx<unknown>): void {
  const total = templates.reduce((sum, t) => sum + (t.count ?? 1), 0);
  if (total > max) ctx.addIssue({ code: 'custom', path: [key], input: total, message: `expected at most ${max.toLocaleString('en-US')} ${key} instances in all, got ${total.toLocaleString('en-US')}` });
}

const scenarioShape = {
  version: z.literal(1, { error: (issue) => `expected version 1 (the only version; it may be left out), got ${JSON.stringify(issue.input)}` }).default(1),
  name: NameSchema.describe('Scenario name.'),
  seed: z.union([z.int(), z.string().max(256)]).default(0).describe('Integer or string; every random stream derives from it.'),
  duration: durationSchema({ min: micros(1), max: MAX_SCENARIO_DURATION, like: '60s' }).optional().describe('How long run() goes (absent: until no work is left).'),
  fidelity: z.enum(['fluid', 'exact']).default('fluid'),
  include: z.array(RelativePathSchema).max(MAX_SCENARIO_INCLUDES).default([]).describe('Files whose lists are appended before this file\'s.'),
  hosts: z.array(HostTemplateSchema).max(MAX_SCENARIO_HOSTS).default([]),
  networks: z.array(NetworkTemplateSchema).max(MAX_SCENARIO_NETWORKS).default([]),
  vms: z.array(VmTemplateSchema).max(MAX_SCENARIO_VMS).default([]),
  placement: PlacementSchema.default('first-fit'),
  containers: z.array(ContainerTemplateSchema).max(MAX_SCENARIO_CONTAINERS).default([]),
  workloads: z.array(WorkloadSchema).max(MAX_SCENARIO_WORKLOADS).default([]),
  actions: z.array(TimedActionSchema).max(MAX_SCENARIO_ACTIONS).default([]),
  faults: FaultsSchema.optional(),
  metrics: MetricsSchema.optional(),
};

/**
 * A scenario file's content (YAML/JSON already parsed): strict (unknown keys rejected), quantities
 * parsed (bytes, µs, bytes/s), defaults applied. Checks what one document can: unique template names
 * (hosts and VMs share a namespace, containers have their own), no template named as another's
 * instance, instance totals (≤ 1,000,000 hosts, ≤ 10,000,000 VMs), a VM's `wss` ≤ its memory.
 * References between parts (`on`, `host`, action targets, networks, includes, files) are the
 * loader's to check (core-cluster `loadScenario`), since they need the included files and lines.
 */
export const ScenarioSchema = z.strictObject(scenarioShape).superRefine(
  (s, ctx) => {
    checkTemplateNames([['hosts', 'host', s.hosts], ['vms', 'VM', s.vms]], ctx);
    checkTemplateNames([['containers', 'container', s.containers]], ctx);
    checkTemplateNames([['networks', 'network', s.networks.map((n) => ({ name: n.name }))]], ctx);
    checkTotal('hosts', s.hosts, MAX_SCENARIO_HOSTS, ctx);
    checkTotal('vms', s.vms, MAX_SCENARIO_VMS, ctx);
  },
  { when: (payload) => payload.issues.length === 0 },
);

/** A validated scenario (integer units, defaults applied). */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A scenario as written. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A validated command. */
export type ClusterCommand = z.output<typeof ClusterCommandSchema>;
/** A command as written (the JSON the HTTP API takes). */
export type ClusterCommandInput = z.input<typeof ClusterCommandSchema>;
/** A host template (count absent: one instance named as the template). */
export type HostTemplate = z.output<typeof HostTemplateSchema>;
/** A VM template. */
export type VmTemplate = z.output<typeof VmTemplateSchema>;
/** A VM body of `vm.create` (a template without count). */
export type VmBody = z.output<typeof VmBodySchema>;
/** A container template: `name`, `on`, `count` (per target) and the parsed `docker run` words. */
export type ContainerTemplate = z.output<typeof ContainerTemplateSchema>;
/** A network template. */
export type NetworkTemplate = z.output<typeof NetworkTemplateSchema>;
/** A CloudSim-style batch workload. */
export type BatchWorkloadSpec = z.output<typeof BatchWorkloadSchema>;
/** A timed action: a command with `at` (µs from the start). */
export type TimedAction = z.output<typeof TimedActionSchema>;
/** The scenario's fault injection. */
export type FaultSpec = z.output<typeof FaultsSchema>;
/** A host's power model: `{ idle, max }` (linear) or `{ table }` (11 points), watts. */
export type PowerSpec = z.output<typeof PowerSpecSchema>;
/** The VM placement policy: a policy word or `{ profile: 'filter-score' }`. */
export type PlacementSpec = z.output<typeof PlacementSchema>;
/** A VM's host-policy settings (weight, cap, shares, period, quota, priority). */
export type VmCpuSettings = z.output<typeof VmCpuSchema>;

export { HostTemplateSchema, VmTemplateSchema, VmBodySchema, VmCpuSchema, NetworkTemplateSchema, ContainerTemplateSchema, ContainerBodySchema, BatchWorkloadSchema, FaultsSchema, MetricsSchema, PlacementSchema };

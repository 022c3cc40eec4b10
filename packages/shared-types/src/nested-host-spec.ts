// The nested host experiment (`strata vm host FILE`): one host's pCPUs under a hypervisor policy,
// VMs whose vCPUs it time-slices, and inside each VM a guest kernel's cgroup tree and tasks (the
// group experiment's tree). What each guest task gets and what each vCPU reports as steal.
import { z } from 'zod';
import { formatDuration } from './duration.js';
import { NameSchema } from './host-spec.js';
import { durationSchema } from './quantity-schemas.js';
import {
  CGROUP_CPU_LIMITS,
  CpuListSchema,
  GroupNodeSpecSchema,
  GroupTaskSpecSchema,
  MAX_SCHED_DURATION,
  MAX_SCHED_GROUPS,
  MAX_SCHED_TASKS,
  checkGroupTree,
  checkGroupTreeSize,
  formatCpuList,
} from './sched-spec.js';
import { micros } from './units.js';

/** The hypervisor's vCPU scheduling policies (core-vmm `VcpuPolicy`). */
export const VCPU_POLICIES = ['credit', 'cfs', 'rr', 'priority'] as const;

/** A hypervisor's vCPU scheduling policy. */
export type VcpuPolicyName = (typeof VCPU_POLICIES)[number];

/**
 * The VM settings each policy reads (`vcpus` and `pin` apply to all): credit `weight`, `cap`; cfs
 * `shares`, `period`, `quota`, `globalPeriod`, `globalQuota`; priority `priority`. A setting of
 * another policy is an error, as a strict spec.
 */
export const VCPU_POLICY_FIELDS: Readonly<Record<VcpuPolicyName, readonly string[]>> = {
  credit: ['vcpus', 'weight', 'cap', 'pin'],
  cfs: ['vcpus', 'shares', 'period', 'quota', 'globalPeriod', 'globalQuota', 'pin'],
  rr: ['vcpus', 'pin'],
  priority: ['vcpus', 'priority', 'pin'],
};

/** The most pCPUs of a nested host. */
export const MAX_NESTED_HOST_CPUS = 1024;
/** The most vCPUs of one VM. */
export const MAX_NESTED_VCPUS = 256;
/** The most VMs of one nested host experiment. */
export const MAX_NESTED_VMS = 1024;
/** The most vCPUs of one nested host experiment, all VMs together. */
export const MAX_NESTED_TOTAL_VCPUS = 16_384;

const bandwidthPeriod = () => durationSchema({ min: micros(CGROUP_CPU_LIMITS.periodMinUsec), max: micros(CGROUP_CPU_LIMITS.periodMaxUsec), like: '100ms' });
const bandwidthQuota = () => durationSchema({ min: micros(CGROUP_CPU_LIMITS.quotaMinUsec), max: micros(CGROUP_CPU_LIMITS.quotaMaxUsec), like: '50ms' });
const kernelTick = () => durationSchema({ min: micros(100), max: micros(100_000), like: '4ms' });

/** A guest: its kernel's tick (exact fidelity) and its cgroup tree, as a group experiment writes it. */
const GuestSpecSchema = z.strictObject({
  tick: kernelTick().default(micros(4_000)).describe("The guest kernel's tick (exact fidelity), 100us..100ms (default 4ms)."),
  tasks: z.array(GroupTaskSpecSchema).max(MAX_SCHED_TASKS).default([]).describe("Tasks in the guest's root cgroup."),
  groups: z.array(GroupNodeSpecSchema).max(MAX_SCHED_GROUPS).default([]).describe("The guest's cgroups (as in a group experiment)."),
});

const NestedVmSpecSchema = z.strictObject({
  name: NameSchema,
  vcpus: z.int().min(1).max(MAX_NESTED_VCPUS).describe('vCPUs, 1..256.'),
  weight: z.int().min(1).max(65_535).optional().describe('credit: domain weight, 1..65535 (default 256).'),
  cap: z.int().min(0).optional().describe('credit: cap, percent of one pCPU for the whole domain, 0..100 × vcpus (0 = none).'),
  shares: z.int().min(1).max(10_000).optional().describe("cfs: libvirt <shares>, the VM cgroup's cpu.weight, 1..10000 (default 100)."),
  period: bandwidthPeriod().optional().describe('cfs: per-vCPU bandwidth period, 1ms..1s (default 100ms).'),
  quota: bandwidthQuota().optional().describe('cfs: per-vCPU quota per period (absent: unlimited).'),
  globalPeriod: bandwidthPeriod().optional().describe("cfs: the whole VM's bandwidth period (default 100ms)."),
  globalQuota: bandwidthQuota().optional().describe("cfs: the whole VM's quota per period (absent: unlimited)."),
  priority: z.int().min(-1_000_000).max(1_000_000).optional().describe('priority: lower runs first (default 0).'),
  pin: z
    .array(CpuListSchema.nullable())
    .max(MAX_NESTED_VCPUS)
    .optional()
    .describe('pin[i]: the pCPUs vCPU i may run on ("0-1" or [0, 1]); null or absent: any.'),
  guest: GuestSpecSchema.prefault({}).describe('What runs inside: a guest kernel with its cgroups and tasks.'),
});

const NestedHostSpecObjectSchema = z
  .strictObject({
    cpus: z.int().min(1).max(MAX_NESTED_HOST_CPUS).describe('Physical CPUs of the host, 1..1024.'),
    speed: z.number().gt(0).max(1).default(1).describe("Speed of a pCPU against the reference CPU, (0, 1] (default 1)."),
    policy: z.enum(VCPU_POLICIES).default('credit').describe("The hypervisor's vCPU scheduling policy (default credit)."),
    fidelity: z.enum(['exact', 'fluid']).default('fluid').describe('exact: slices and ticks; fluid: rates (default fluid).'),
    tick: kernelTick().optional().describe("The host's slice (exact), 100us..100ms; default 30ms for credit, 4ms otherwise."),
    duration: durationSchema({ min: micros(1_000), max: MAX_SCHED_DURATION, like: '20s' }).describe('Simulated time, 1ms..876600h.'),
    vms: z.array(NestedVmSpecSchema).min(1).max(MAX_NESTED_VMS),
  })
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    let vcpus = 0;
    spec.vms.forEach((vm, i) => {
      const at = (...rest: PropertyKey[]): PropertyKey[] => ['vms', i, ...rest];
      if (names.has(vm.name)) ctx.addIssue({ code: 'custom', path: at('name'), input: vm.name, message: `duplicate VM name "${vm.name}"` });
      names.add(vm.name);
      // The checks below are sized by vcpus (a guest's cpusets list its vCPUs): an out-of-range count
      // already has its issue, and checking against it could allocate billions of entries.
      if (!(Number.isInteger(vm.vcpus) && vm.vcpus >= 1 && vm.vcpus <= MAX_NESTED_VCPUS)) return;
      vcpus += vm.vcpus;
      const accepted = VCPU_POLICY_FIELDS[spec.policy];
      for (const key of ['weight', 'cap', 'shares', 'period', 'quota', 'globalPeriod', 'globalQuota', 'priority'] as const) {
        if (vm[key] !== undefined && !accepted.includes(key)) {
          ctx.addIssue({
            code: 'custom',
            path: at(key),
            input: vm[key],
            message: `is not a setting of the ${spec.policy} policy (its settings: ${accepted.join(', ')})`,
          });
        }
      }
      if (vm.cap !== undefined && vm.cap > 100 * vm.vcpus) {
        ctx.addIssue({ code: 'custom', path: at('cap'), input: vm.cap, message: `expected at most 100 × vcpus = ${100 * vm.vcpus} (percent of one pCPU), got ${vm.cap}` });
      }
      if (vm.pin !== undefined) {
        if (vm.pin.length > vm.vcpus) {
          ctx.addIssue({ code: 'custom', path: at('pin'), input: vm.pin, message: `expected at most one entry per vCPU (${vm.vcpus}), got ${vm.pin.length}` });
        }
        vm.pin.forEach((cpus, v) => {
          const missing = cpus?.filter((c) => c >= spec.cpus) ?? [];
          if (missing.length > 0) {
            ctx.addIssue({
              code: 'custom',
              path: at('pin', v),
              input: cpus,
              message: `pCPU ${formatCpuList(missing)} does not exist: the host has pCPUs 0-${spec.cpus - 1}`,
            });
          }
        });
      }
      checkGroupTree(vm.guest, vm.vcpus, at('guest'), ctx);
    });
    // Every CPU-time total of the result is at most vCPUs × duration: keep it a safe integer.
    if (vcpus * spec.duration > Number.MAX_SAFE_INTEGER) {
      const limit = Math.floor(Number.MAX_SAFE_INTEGER / vcpus / 1_000_000) * 1_000_000;
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        input: spec.duration,
        message: `expected at most ${formatDuration(micros(limit))} with ${vcpus} vCPUs (the CPU time the run hands out must stay below 2^53 µs), got ${formatDuration(spec.duration)}`,
      });
    }
  });

/**
 * A nested host experiment: the host (`cpus` pCPUs, `speed`, `policy`, `fidelity`, exact `tick`),
 * `duration`, and its `vms`: each a unique `name`, `vcpus`, the settings of the host's policy
 * (credit `weight`, `cap`; cfs `shares`, `period`, `quota`, `globalPeriod`, `globalQuota`;
 * priority `priority`), `pin`, and its `guest` (kernel `tick`, root `tasks`, `groups`: a group
 * experiment's tree, whose cpusets name the VM's vCPUs). Checked before the document is parsed:
 * each guest tree's depth and size (as a group experiment's), at most `MAX_SCHED_TASKS` guest tasks
 * and `MAX_SCHED_GROUPS` guest groups in all VMs together, at most `MAX_NESTED_TOTAL_VCPUS` vCPUs.
 */
export const NestedHostSpecSchema = z.preprocess((input, ctx) => {
  if (!isRecord(input) || !Array.isArray(input['vms'])) return input;
  const vms: unknown[] = input['vms'];
  let tasks = 0;
  let groups = 0;
  let vcpus = 0;
  for (let i = 0; i < vms.length && i < MAX_NESTED_VMS; i++) {
    const vm = vms[i];
    if (!isRecord(vm)) continue;
    const at = ['vms', i];
    const n = vm['vcpus'];
    // Only a valid count adds up (a bad one is the schema's to report).
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_NESTED_VCPUS && (vcpus += n) > MAX_NESTED_TOTAL_VCPUS) {
      ctx.addIssue({ code: 'custom', path: [...at, 'vcpus'], input: vm['vcpus'], message: `expected at most ${MAX_NESTED_TOTAL_VCPUS} vCPUs in all VMs together, got ${vcpus} with this VM` });
      return input;
    }
    const guest = vm['guest'];
    const size = checkGroupTreeSize(guest, ctx, [...at, 'guest']);
    tasks += size.tasks;
    groups += size.groups;
    // The guests' trees together are bounded as one group experiment's is (each is run by a
    // scheduler of its own, but the run's work grows with all of them).
    if (tasks > MAX_SCHED_TASKS || groups > MAX_SCHED_GROUPS) {
      const [limit, kind, got] = tasks > MAX_SCHED_TASKS ? [MAX_SCHED_TASKS, 'tasks', tasks] : [MAX_SCHED_GROUPS, 'groups', groups];
      ctx.addIssue({ code: 'custom', path: [...at, 'guest'], input: guest, message: `expected at most ${limit} guest ${kind} in all VMs together, got ${got} with this VM` });
      return input;
    }
  }
  return input;
}, NestedHostSpecObjectSchema);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A validated nested host experiment (integer µs, defaults applied). */
export type NestedHostSpec = z.output<typeof NestedHostSpecObjectSchema>;
/** A nested host experiment as written (YAML/JSON). */
export type NestedHostSpecInput = z.input<typeof NestedHostSpecObjectSchema>;
/** One VM of a nested host experiment, validated. */
export type NestedVmSpec = z.output<typeof NestedVmSpecSchema>;
/** A VM's guest, validated. */
export type NestedGuestSpec = z.output<typeof GuestSpecSchema>;

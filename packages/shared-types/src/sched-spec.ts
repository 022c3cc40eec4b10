// The group-scheduling experiment spec (`strata sched --spec FILE`): a tree of cgroups with CPU
// weights, quotas and cpusets, and the tasks that live in them. Ranges follow the Linux kernel.
import { z } from 'zod';
import { formatDuration } from './duration.js';
import { NameSchema } from './host-spec.js';
import { durationSchema } from './quantity-schemas.js';
import { micros, type Micros } from './units.js';

/** The kernel's cgroup CPU controller limits (kernel/sched/core.c, fair.c; cgroup v1 and v2). */
export const CGROUP_CPU_LIMITS = {
  /** v1 `cpu.shares`: the kernel clamps silently into 2..262144 (0 and 1 become 2). */
  sharesMin: 2,
  sharesMax: 262_144,
  sharesDefault: 1024,
  /** v2 `cpu.weight`: 1..10000, out of range is rejected (ERANGE). */
  weightMin: 1,
  weightMax: 10_000,
  weightDefault: 100,
  /** `cfs_period_us`: 1 ms .. 1 s, default 100 ms; `cfs_quota_us` at least 1 ms (EINVAL otherwise). */
  periodMinUsec: 1_000,
  periodMaxUsec: 1_000_000,
  periodDefaultUsec: 100_000,
  quotaMinUsec: 1_000,
} as const;

/** The most CPUs a group experiment may declare. */
export const MAX_SCHED_CPUS = 1024;

/** The most scheduler ticks an `exact` experiment may simulate (duration / tick); beyond, use `fluid`. */
export const MAX_EXACT_TICKS = 50_000_000;

const L = CGROUP_CPU_LIMITS;
const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;
const CPU_MAX = /^\s*(max|\d+)(?:\s+(\d+))?\s*$/;

/**
 * Parse a kernel CPU list (`cpuset.cpus` form: "0-3", "0,2-3", "5") into sorted distinct CPU
 * indices. Returns a message instead of throwing when the text is malformed or a range is reversed.
 */
export function parseCpuList(text: string): number[] | string {
  const compact = text.replace(/\s+/g, '');
  if (!CPU_LIST.test(compact)) return `expected a CPU list such as "0-3" or "0,2-3", got ${JSON.stringify(text)}`;
  const cpus = new Set<number>();
  for (const part of compact.split(',')) {
    const [lo = 0, hi = lo] = part.split('-').map(Number);
    if (hi < lo) return `reversed range "${part}" in CPU list ${JSON.stringify(text)}`;
    if (hi >= MAX_SCHED_CPUS) return `CPU ${hi} is beyond the largest supported index ${MAX_SCHED_CPUS - 1}`;
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The kernel's compact spelling of a CPU list: `[0,1,2,5]` → `"0-2,5"`. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** A cpuset: a kernel CPU list string ("0-1") or an array of CPU indices → sorted distinct indices. */
export const CpuListSchema = z
  .union([z.string(), z.array(z.int().min(0).max(MAX_SCHED_CPUS - 1)).min(1)])
  .meta({ description: 'CPUs the group may run on (cpuset.cpus): "0-1", "0,2-3" or [0, 1].' })
  .transform((raw, ctx): number[] => {
    const cpus = typeof raw === 'string' ? parseCpuList(raw) : [...new Set(raw)].sort((a, b) => a - b);
    if (typeof cpus === 'string') {
      ctx.issues.push({ code: 'custom', message: cpus, input: raw });
      return z.NEVER;
    }
    return cpus;
  });

/**
 * A group's CPU controller settings. `shares` (v1, 0..: clamped by the kernel into 2..262144) or
 * `weight` (v2, 1..10000), not both; a bandwidth limit as `quota` + `period` (v1) or `max`
 * ("$MAX $PERIOD" in µs, v2), not both; `cpus` (cpuset). Out: quota `null` = unlimited.
 */
export const GroupCpuSpecSchema = z
  .strictObject({
    shares: z.int().min(0).optional().describe('cgroup v1 cpu.shares (default 1024); the kernel clamps it into 2..262144.'),
    weight: z.int().min(L.weightMin).max(L.weightMax).optional().describe('cgroup v2 cpu.weight, 1..10000 (default 100).'),
    quota: durationSchema({ min: micros(L.quotaMinUsec) })
      .nullable()
      .optional()
      .describe('CPU time per period (at least 1ms); omitted or null: unlimited.'),
    period: durationSchema({ min: micros(L.periodMinUsec), max: micros(L.periodMaxUsec) })
      .optional()
      .describe('Bandwidth period, 1ms..1s (default 100ms).'),
    max: z.string().optional().describe('cgroup v2 cpu.max: "$MAX $PERIOD" in microseconds, e.g. "50000 100000" or "max".'),
    cpus: CpuListSchema.optional(),
  })
  .transform((cpu, ctx) => {
    if (cpu.shares !== undefined && cpu.weight !== undefined) {
      ctx.issues.push({ code: 'custom', message: 'give either shares (cgroup v1) or weight (cgroup v2), not both', input: cpu, path: ['weight'] });
    }
    let quota: Micros | null = cpu.quota ?? null;
    let period: Micros = cpu.period ?? micros(L.periodDefaultUsec);
    if (cpu.max !== undefined) {
      if ((cpu.quota !== undefined && cpu.quota !== null) || cpu.period !== undefined) {
        ctx.issues.push({ code: 'custom', message: 'give either max (cgroup v2) or quota/period (cgroup v1), not both', input: cpu.max, path: ['max'] });
      }
      const parsed = parseCpuMax(cpu.max);
      if (typeof parsed === 'string') ctx.issues.push({ code: 'custom', message: parsed, input: cpu.max, path: ['max'] });
      else ({ quota, period } = parsed);
    }
    return {
      ...(cpu.shares === undefined ? {} : { shares: cpu.shares }),
      ...(cpu.weight === undefined ? {} : { weight: cpu.weight }),
      quota,
      period,
      ...(cpu.cpus === undefined ? {} : { cpus: cpu.cpus }),
    };
  });

/** Parse cgroup v2 `cpu.max` ("max", "max 100000", "50000 100000", "50000") with the kernel's range checks. */
export function parseCpuMax(text: string): { quota: Micros | null; period: Micros } | string {
  const m = CPU_MAX.exec(text);
  if (!m) return `expected "$MAX $PERIOD" in microseconds such as "50000 100000" or "max 100000", got ${JSON.stringify(text)}`;
  const period = m[2] === undefined ? L.periodDefaultUsec : Number(m[2]);
  if (!Number.isSafeInteger(period) || period < L.periodMinUsec || period > L.periodMaxUsec) {
    return `expected a period of ${formatDuration(micros(L.periodMinUsec))} to ${formatDuration(micros(L.periodMaxUsec))}, got ${m[2]}us`;
  }
  if (m[1] === 'max') return { quota: null, period: micros(period) };
  const quota = Number(m[1]);
  if (!Number.isSafeInteger(quota) || quota < L.quotaMinUsec) {
    return `expected a quota of at least ${formatDuration(micros(L.quotaMinUsec))}, got ${m[1]}us`;
  }
  return { quota: micros(quota), period: micros(period) };
}

/** One burst of a task: it needs `run` of CPU time, then sleeps `sleep` of wall time (default 0). */
export const TaskBurstSchema = z.strictObject({
  run: durationSchema({ min: micros(1) }).describe('CPU time the task consumes before it sleeps.'),
  sleep: durationSchema().default(micros(0)).describe('Wall time the task then sleeps.'),
});

/**
 * A task in a group: a name unique within its group, a nice value (-20..19, default 0), optional
 * `start` (default 0) and `stop` (after start). Without `bursts` it is always runnable between
 * start and stop; with `bursts` it plays them in order, cycling while `repeat` (default true), or
 * exits after the last one when `repeat` is false.
 */
export const GroupTaskSpecSchema = z
  .strictObject({
    name: NameSchema,
    nice: z.int().min(-20).max(19).default(0),
    start: durationSchema().default(micros(0)),
    stop: durationSchema().optional(),
    bursts: z.array(TaskBurstSchema).min(1).optional(),
    repeat: z.boolean().optional(),
  })
  .transform((task, ctx): Omit<typeof task, 'repeat'> & { repeat?: boolean } => {
    if (task.stop !== undefined && task.stop <= task.start) {
      ctx.issues.push({
        code: 'custom',
        message: `expected a time after start (${formatDuration(task.start)}), got ${formatDuration(task.stop)}`,
        input: task.stop,
        path: ['stop'],
      });
    }
    if (task.repeat !== undefined && task.bursts === undefined) {
      ctx.issues.push({ code: 'custom', message: 'repeat applies only to a task with bursts', input: task.repeat, path: ['repeat'] });
    }
    const { repeat, ...rest } = task;
    return rest.bursts === undefined ? rest : { ...rest, repeat: repeat ?? true };
  });

/** A validated group node (recursive: its `groups` are nodes too). */
export interface GroupNodeSpec {
  readonly name: string;
  readonly cpu: z.output<typeof GroupCpuSpecSchema>;
  readonly tasks: readonly GroupTaskSpec[];
  readonly groups: readonly GroupNodeSpec[];
}

/** A group node as written. */
export interface GroupNodeSpecInput {
  name: string;
  cpu?: z.input<typeof GroupCpuSpecSchema> | undefined;
  tasks?: z.input<typeof GroupTaskSpecSchema>[] | undefined;
  groups?: GroupNodeSpecInput[] | undefined;
}

/** A group (a cgroup): a name unique among its siblings, CPU settings, tasks and child groups. */
export const GroupNodeSpecSchema: z.ZodType<GroupNodeSpec, GroupNodeSpecInput> = z.lazy(() =>
  z.strictObject({
    name: NameSchema,
    cpu: GroupCpuSpecSchema.prefault({}),
    tasks: z.array(GroupTaskSpecSchema).default([]),
    groups: z.array(GroupNodeSpecSchema).default([]),
  }),
);

/**
 * A group-scheduling experiment: `cpus` (default 1), `fidelity` (`exact` slices and ticks, or
 * `fluid` rates; default exact), `policy` inside every group (only `cfs`), `tick` (exact; default
 * 4ms, 100us..100ms), `duration` (required), the root group's child `groups` and its `tasks`.
 * Cross-checks: unique sibling group names, unique task names within a group, cpusets within the
 * machine's CPUs and within the parent's cpuset.
 */
export const GroupSpecSchema = z
  .strictObject({
    cpus: z.int().min(1).max(MAX_SCHED_CPUS).default(1).describe('Number of CPUs.'),
    fidelity: z.enum(['exact', 'fluid']).default('exact').describe('exact: ticks and slices; fluid: weighted max-min rates.'),
    policy: z.enum(['cfs']).default('cfs').describe('The scheduling policy inside every group.'),
    tick: durationSchema({ min: micros(100), max: micros(100_000) }).default(micros(4_000)).describe('Scheduler tick (exact fidelity).'),
    duration: durationSchema({ min: micros(1) }).describe('Simulated time.'),
    groups: z.array(GroupNodeSpecSchema).default([]),
    tasks: z.array(GroupTaskSpecSchema).default([]),
  })
  .superRefine((spec, ctx) => {
    if (spec.fidelity === 'exact' && spec.duration / spec.tick > MAX_EXACT_TICKS) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        input: spec.duration,
        message: `exact fidelity simulates every tick: at most ${MAX_EXACT_TICKS} ticks (${formatDuration(micros(MAX_EXACT_TICKS * spec.tick))} at tick ${formatDuration(spec.tick)}), got ${formatDuration(spec.duration)}; use fidelity: fluid`,
      });
    }
    const all = Array.from({ length: spec.cpus }, (_, i) => i);
    checkTasks(spec.tasks, [], ctx);
    checkGroups(spec.groups, ['groups'], all, spec.cpus, ctx);
  });

type IssueSink = { addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string; input?: unknown }): void };

function checkTasks(tasks: readonly GroupTaskSpec[], path: PropertyKey[], ctx: IssueSink): void {
  const seen = new Set<string>();
  tasks.forEach((task, i) => {
    if (seen.has(task.name)) {
      ctx.addIssue({ code: 'custom', path: [...path, 'tasks', i, 'name'], input: task.name, message: `duplicate task name "${task.name}" in this group` });
    }
    seen.add(task.name);
  });
}

function checkGroups(groups: readonly GroupNodeSpec[], path: PropertyKey[], parentCpus: readonly number[], ncpus: number, ctx: IssueSink): void {
  const seen = new Set<string>();
  groups.forEach((group, i) => {
    const here = [...path, i];
    if (seen.has(group.name)) {
      ctx.addIssue({ code: 'custom', path: [...here, 'name'], input: group.name, message: `duplicate group name "${group.name}" among siblings` });
    }
    seen.add(group.name);
    let cpus = parentCpus;
    if (group.cpu.cpus !== undefined) {
      const cpuPath = [...here, 'cpu', 'cpus'];
      const missing = group.cpu.cpus.filter((c) => c >= ncpus);
      const outside = group.cpu.cpus.filter((c) => c < ncpus && !parentCpus.includes(c));
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: cpuPath,
          input: group.cpu.cpus,
          message: `CPU ${formatCpuList(missing)} does not exist: the machine has CPUs 0-${ncpus - 1}`,
        });
      } else if (outside.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: cpuPath,
          input: group.cpu.cpus,
          message: `expected a subset of the parent's CPUs ${formatCpuList(parentCpus)}, got ${formatCpuList(group.cpu.cpus)}`,
        });
      } else {
        cpus = group.cpu.cpus;
      }
    }
    checkTasks(group.tasks, here, ctx);
    checkGroups(group.groups, [...here, 'groups'], cpus, ncpus, ctx);
  });
}

/** A validated task of a group experiment (integer µs, defaults applied). */
export type GroupTaskSpec = z.output<typeof GroupTaskSpecSchema>;
/** A task as written. */
export type GroupTaskSpecInput = z.input<typeof GroupTaskSpecSchema>;
/** A validated task burst. */
export type TaskBurst = z.output<typeof TaskBurstSchema>;
/** A validated group CPU setting: quota `null` = unlimited, period always set. */
export type GroupCpuSpec = z.output<typeof GroupCpuSpecSchema>;
/** A group CPU setting as written. */
export type GroupCpuSpecInput = z.input<typeof GroupCpuSpecSchema>;
/** A validated group experiment (integer µs, defaults applied). */
export type GroupSpec = z.output<typeof GroupSpecSchema>;
/** A group experiment as written (YAML/JSON). */
export type GroupSpecInput = z.input<typeof GroupSpecSchema>;

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
  /** `cfs_quota_us` at most `max_cfs_runtime` = 2^44 − 1 µs, "more than 203 days" (kernel/sched/core.c; EINVAL beyond). */
  quotaMaxUsec: 17_592_186_044_415,
} as const;

/** The most CPUs a group experiment may declare. */
export const MAX_SCHED_CPUS = 1024;

/**
 * The longest time a group experiment may name: its `duration`, a task's `start` and `stop`, a
 * burst's `run` and `sleep`, and a task's whole burst list (one cycle). 100 Julian years
 * (876600h) in µs, about 2^51.5: a sum of any two such times stays a safe integer (below 2^53).
 * How long a run may take is bounded separately, by its work budget (`maxSteps`).
 */
export const MAX_SCHED_DURATION: Micros = micros(3_155_760_000_000_000);

/** The most tasks a group experiment may hold, in all its groups together (each one costs work in every tick). */
export const MAX_SCHED_TASKS = 10_000;

/** The most groups a group experiment may hold, at all depths together. */
export const MAX_SCHED_GROUPS = 10_000;

/** The deepest group nesting a group experiment may use: a group under the root is at depth 1. */
export const MAX_SCHED_DEPTH = 64;

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
    quota: durationSchema({ min: micros(L.quotaMinUsec), max: micros(L.quotaMaxUsec) })
      .nullable()
      .optional()
      .describe('CPU time per period (1ms to 2^44 - 1 us, the kernel range); omitted or null: unlimited.'),
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
  if (!Number.isSafeInteger(quota) || quota > L.quotaMaxUsec) {
    return `expected a quota of at most ${L.quotaMaxUsec}us (2^44 - 1, the kernel's limit), got ${m[1]}us`;
  }
  if (quota < L.quotaMinUsec) return `expected a quota of at least ${formatDuration(micros(L.quotaMinUsec))}, got ${m[1]}us`;
  return { quota: micros(quota), period: micros(period) };
}

/** One burst of a task: it needs `run` of CPU time, then sleeps `sleep` of wall time (default 0). */
export const TaskBurstSchema = z.strictObject({
  run: durationSchema({ min: micros(1), max: MAX_SCHED_DURATION }).describe('CPU time the task consumes before it sleeps (1us..876600h).'),
  sleep: durationSchema({ max: MAX_SCHED_DURATION }).default(micros(0)).describe('Wall time the task then sleeps (0..876600h).'),
});

/**
 * A task in a group: a name unique within its group, a nice value (-20..19, default 0), optional
 * `start` (default 0) and `stop` (after start), both at most `MAX_SCHED_DURATION`. Without `bursts`
 * it is always runnable between start and stop; with `bursts` it plays them in order, cycling
 * while `repeat` (default true), or exits after the last one when `repeat` is false. The run and
 * sleep times of its bursts add up to at most `MAX_SCHED_DURATION`.
 */
export const GroupTaskSpecSchema = z
  .strictObject({
    name: NameSchema,
    nice: z.int().min(-20).max(19).default(0),
    start: durationSchema({ max: MAX_SCHED_DURATION }).default(micros(0)),
    stop: durationSchema({ max: MAX_SCHED_DURATION }).optional(),
    bursts: z.array(TaskBurstSchema).min(1).optional(),
    repeat: z.boolean().optional(),
  })
  .transform((task, ctx): Omit<typeof task, 'repeat'> & { repeat?: boolean } => {
    if (task.bursts !== undefined) {
      let cycle = 0;
      for (const b of task.bursts) cycle += b.run + b.sleep;
      if (cycle > MAX_SCHED_DURATION) {
        ctx.issues.push({
          code: 'custom',
          message: `expected run and sleep times adding up to at most ${formatDuration(MAX_SCHED_DURATION)} (100 years), got ${Number.isSafeInteger(cycle) ? formatDuration(micros(cycle)) : `more than ${formatDuration(micros(Number.MAX_SAFE_INTEGER))}`}`,
          input: task.bursts,
          path: ['bursts'],
        });
      }
    }
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
    tasks: z.array(GroupTaskSpecSchema).max(MAX_SCHED_TASKS).default([]),
    groups: z.array(GroupNodeSpecSchema).max(MAX_SCHED_GROUPS).default([]),
  }),
);

/**
 * The checks that must run before the tree is parsed: group nesting at most `MAX_SCHED_DEPTH` deep
 * (the parser and the models recurse once per level), at most `MAX_SCHED_GROUPS` groups and
 * `MAX_SCHED_TASKS` tasks in all. Walks the raw document without recursion, so that any depth is
 * rejected as a ValidationError rather than a stack overflow; malformed parts are left to the schema.
 * `basePath`: where the tree sits in the document (its issues are reported there). Returns the
 * tree's tasks and groups as counted (up to where a tree too deep stopped the walk).
 */
export function checkGroupTreeSize(input: unknown, ctx: z.core.$RefinementCtx, basePath: readonly PropertyKey[] = []): { tasks: number; groups: number } {
  const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isRecord(input)) return { tasks: 0, groups: 0 };
  let tasks = 0;
  let groups = 0;
  let firstExtraTask: PropertyKey[] | undefined;
  let firstExtraGroup: PropertyKey[] | undefined;
  // Depth-first in document order (a node, its tasks, then its groups one subtree after the other),
  // so that the first group or task beyond a limit is the one reported.
  const stack: { node: Record<string, unknown>; path: PropertyKey[]; depth: number }[] = [{ node: input, path: [...basePath], depth: 0 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (depth > 0 && ++groups > MAX_SCHED_GROUPS) firstExtraGroup ??= path;
    if (Array.isArray(node['tasks'])) {
      const n = node['tasks'].length;
      if (firstExtraTask === undefined && tasks + n > MAX_SCHED_TASKS) firstExtraTask = [...path, 'tasks', MAX_SCHED_TASKS - tasks];
      tasks += n;
    }
    const children = node['groups'];
    if (!Array.isArray(children)) continue;
    if (children.length > 0 && depth + 1 > MAX_SCHED_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'groups', 0],
        input: children[0],
        message: `expected groups nested at most ${MAX_SCHED_DEPTH} deep, got a group at depth ${depth + 1}`,
      });
      return { tasks, groups };
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const child: unknown = children[i];
      if (isRecord(child)) stack.push({ node: child, path: [...path, 'groups', i], depth: depth + 1 });
    }
  }
  if (firstExtraGroup !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: firstExtraGroup,
      input: groups,
      message: `expected at most ${MAX_SCHED_GROUPS} groups in the whole tree, got ${groups}`,
    });
  }
  if (firstExtraTask !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: firstExtraTask,
      input: tasks,
      message: `expected at most ${MAX_SCHED_TASKS} tasks in all groups together, got ${tasks}`,
    });
  }
  return { tasks, groups };
}

/** The spec object itself (`GroupSpecSchema` checks the tree's size first). */
const GroupSpecObjectSchema = z
  .strictObject({
    cpus: z.int().min(1).max(MAX_SCHED_CPUS).default(1).describe('Number of CPUs.'),
    fidelity: z.enum(['exact', 'fluid']).default('exact').describe('exact: ticks and slices; fluid: weighted max-min rates.'),
    policy: z.enum(['cfs']).default('cfs').describe('The scheduling policy inside every group.'),
    tick: durationSchema({ min: micros(100), max: micros(100_000) }).default(micros(4_000)).describe('Scheduler tick (exact fidelity).'),
    duration: durationSchema({ min: micros(1), max: MAX_SCHED_DURATION }).describe('Simulated time (1us..876600h).'),
    groups: z.array(GroupNodeSpecSchema).max(MAX_SCHED_GROUPS).default([]),
    tasks: z.array(GroupTaskSpecSchema).max(MAX_SCHED_TASKS).default([]),
  })
  .superRefine((spec, ctx) => {
    // Every CPU-time total of the result (a group's usage, its throttled time) is at most
    // cpus × duration: keep it a safe integer. Only binds from 3 CPUs and 95 years on.
    if (spec.cpus * spec.duration > Number.MAX_SAFE_INTEGER) {
      const limit = Math.floor(Number.MAX_SAFE_INTEGER / spec.cpus / 1_000_000) * 1_000_000;
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        input: spec.duration,
        message: `expected at most ${formatDuration(micros(limit))} with ${spec.cpus} CPUs (the CPU time the run hands out, cpus × duration, must stay below 2^53 µs), got ${formatDuration(spec.duration)}`,
      });
    }
    checkGroupTree(spec, spec.cpus, [], ctx);
  });

/**
 * A group-scheduling experiment: `cpus` (default 1), `fidelity` (`exact` slices and ticks, or
 * `fluid` rates; default exact), `policy` inside every group (only `cfs`), `tick` (exact; default
 * 4ms, 100us..100ms), `duration` (required, at most `MAX_SCHED_DURATION`), the root group's child
 * `groups` and its `tasks`. Limits: at most `MAX_SCHED_TASKS` tasks and `MAX_SCHED_GROUPS` groups
 * in all, nested at most `MAX_SCHED_DEPTH` deep; cpus × duration below 2^53 µs. Cross-checks:
 * unique sibling group names, unique task names within a group, cpusets within the machine's CPUs
 * and within the parent's cpuset. How much work a run may do is not a schema rule: the run's work
 * budget bounds it (`runGroupExperiment`'s `maxSteps`).
 */
export const GroupSpecSchema = z.preprocess((input, ctx) => {
  checkGroupTreeSize(input, ctx);
  return input;
}, GroupSpecObjectSchema);

type IssueSink = { addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string; input?: unknown }): void };

/**
 * The cross-checks of a parsed group tree on a machine of `cpus` CPUs (at `path` in the document):
 * unique sibling group names, unique task names within a group, cpusets within the machine's CPUs
 * and within the parent's cpuset.
 */
export function checkGroupTree(
  tree: { readonly tasks: readonly GroupTaskSpec[]; readonly groups: readonly GroupNodeSpec[] },
  cpus: number,
  path: readonly PropertyKey[],
  ctx: IssueSink,
): void {
  // A machine size out of range already has its issue (the schema checks fields before these
  // cross-checks run); sizing the CPU list by it could allocate billions of entries.
  if (!(Number.isInteger(cpus) && cpus >= 1 && cpus <= MAX_SCHED_CPUS)) return;
  const all = Array.from({ length: cpus }, (_, i) => i);
  checkTasks(tree.tasks, [...path], ctx);
  checkGroups(tree.groups, [...path, 'groups'], all, cpus, ctx);
}

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
export type GroupSpec = z.output<typeof GroupSpecObjectSchema>;
/** A group experiment as written (YAML/JSON). */
export type GroupSpecInput = z.input<typeof GroupSpecObjectSchema>;

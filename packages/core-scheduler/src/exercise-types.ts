// The contract of a textbook scheduling exercise (`strata sched`): jobs in abstract
// integer ticks, one policy, and the per-job results, averages and timeline it yields.

/**
 * The ranges of an exercise's numbers. Every integer is also a safe integer, and the exercise's
 * horizon (last arrival + total length + total I/O time) must stay within `maxTime`, so that every
 * time the simulator computes is an exact integer.
 */
export const EXERCISE_LIMITS = {
  /** CPUs: 1..1024. */
  maxCpus: 1024,
  /** Jobs: 1..10,000. */
  maxJobs: 10_000,
  /** MLFQ levels: 1..64. */
  maxLevels: 64,
  /** Lottery and stride tickets per job: 1..1,000,000. */
  maxTickets: 1_000_000,
  /** Any time in ticks, and the horizon: 2^53 − 1. */
  maxTime: Number.MAX_SAFE_INTEGER,
} as const;

/** Policy names accepted by `runExercise`. */
export const EXERCISE_POLICIES = ['fifo', 'sjf', 'stcf', 'rr', 'priority', 'mlfq', 'cfs', 'credit', 'lottery', 'stride', 'edf'] as const;
export type ExercisePolicy = (typeof EXERCISE_POLICIES)[number];

/** One job of an exercise. Times are integer ticks. */
export interface ExerciseJob {
  /** Arrival tick (default 0). */
  readonly arrival?: number;
  /** CPU ticks needed in total (> 0). */
  readonly length: number;
  /** Issue an I/O after every `ioFreq` CPU ticks (0 or absent: never), as OSTEP's mlfq.py does. */
  readonly ioFreq?: number;
  /** Static priority, lower value runs first (priority policy). Default 0. */
  readonly priority?: number;
  /** Nice value -20..19 (cfs). Default 0. */
  readonly nice?: number;
  /** Xen credit weight (credit), default 256. */
  readonly weight?: number;
  /** Tickets (lottery, stride), default 100. */
  readonly tickets?: number;
  /** Absolute deadline tick (edf). Default: arrival + length. */
  readonly deadline?: number;
  /** Xen credit cap in percent of one CPU (credit), 0 or absent: no cap. */
  readonly cap?: number;
  /** CPUs the job may run on (default: any). */
  readonly affinity?: readonly number[];
}

/** MLFQ parameters, highest-priority level first, as `strata sched` takes them. */
export interface ExerciseMlfqOptions {
  /** Quantum per level, highest priority first. Its length is the number of queues. */
  readonly quanta: readonly number[];
  /** Allotment (in quanta) per level, highest priority first; same length as `quanta`. */
  readonly allotments: readonly number[];
  /** Boost period in ticks (0: never). */
  readonly boost: number;
  /** Duration of every I/O in ticks (≥ 0). */
  readonly ioTime: number;
  /** OSTEP `-S`: reset slice and allotment when a job issues an I/O. */
  readonly stay: boolean;
  /** OSTEP `-I`: a job back from I/O goes to the front of its queue. */
  readonly ioBump: boolean;
  /** Number of levels when `quanta` is absent (default 3, as mlfq.py's -n); each gets `ExerciseInput.quantum` (default 10, as -q). */
  readonly queues?: number;
}

/** Options of the priority policy in an exercise. */
export interface ExercisePriorityOptions {
  /** An arrival with a strictly better (lower) priority preempts the running job (default false). */
  readonly preemptive?: boolean;
  /** Equal priorities share the CPU round-robin with `ExerciseInput.quantum` (default false: run to completion). */
  readonly roundRobin?: boolean;
  /** Aging: every `agingInterval` ticks a waiting job's priority value drops by 1, not below 0 (default: no aging). */
  readonly agingInterval?: number;
}

/** Input of `runExercise`. */
export interface ExerciseInput {
  readonly policy: ExercisePolicy;
  readonly jobs: readonly ExerciseJob[];
  /** Time slice for rr, lottery, stride and priority round-robin (default 1); for mlfq without `mlfq.quanta`, every level's quantum (default 10, as mlfq.py -q). */
  readonly quantum?: number;
  /** Number of CPUs. Default 1. */
  readonly cpus?: number;
  /** Seed for randomized policies (lottery). Default 0. */
  readonly seed?: number;
  /** I/O duration for non-MLFQ policies when jobs have ioFreq. Default 5 (mlfq.py's default). */
  readonly ioTime?: number;
  /** MLFQ parameters (required shape filled with defaults by the caller or by `runExercise`). */
  readonly mlfq?: Partial<ExerciseMlfqOptions>;
  /** Priority-policy options (default: non-preemptive, no round-robin, no aging). */
  readonly priorityOptions?: ExercisePriorityOptions;
  /** Ticks lost each time a CPU switches from one job to a different one (default 0). */
  readonly contextSwitch?: number;
}

/** Per-job outcome. `wait` is time runnable but not running. */
export interface ExerciseJobResult {
  readonly id: number;
  readonly arrival: number;
  readonly length: number;
  readonly firstRun: number;
  readonly completion: number;
  readonly response: number;
  readonly turnaround: number;
  readonly wait: number;
  readonly ioCount: number;
  readonly contextSwitches: number;
  readonly preemptions: number;
  /** CPU ticks received (= length). */
  readonly cpuTime?: number;
  /** edf only: the job finished after its deadline. */
  readonly deadlineMissed?: boolean;
}

/** One contiguous run of one job on one CPU, [start, end). `level` (MLFQ only): 0 = highest priority. */
export interface ExerciseSegment {
  readonly start: number;
  readonly end: number;
  readonly cpu: number;
  readonly job: number;
  readonly level?: number;
}

/** Output of `runExercise`; `strata sched --json` prints `policy`, `jobs`, `avg`, `timeline` of it. */
export interface ExerciseResult {
  readonly policy: ExercisePolicy;
  readonly jobs: readonly ExerciseJobResult[];
  readonly avg: { readonly response: number; readonly turnaround: number; readonly wait: number };
  readonly timeline: readonly ExerciseSegment[];
  /** Tick at which the last job finished. */
  readonly makespan: number;
  /** Busy ticks / makespan, per CPU. */
  readonly utilization: readonly number[];
  /** Jain's fairness index over per-job (CPU time / turnaround). */
  readonly fairness: number;
  /** Jobs finished per tick (n / makespan). */
  readonly throughput?: number;
  /** Steps the run took (slices simulated plus events): what its work budget was charged. */
  readonly steps?: number;
  /** Nearest-rank percentiles of the per-job response, turnaround and wait. */
  readonly percentiles?: {
    readonly response: ExercisePercentiles;
    readonly turnaround: ExercisePercentiles;
    readonly wait: ExercisePercentiles;
  };
}

/** p50 / p95 / p99 of one per-job quantity. */
export interface ExercisePercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

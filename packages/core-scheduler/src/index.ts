// @strata/core-scheduler: the science of sharing. CPU policies, the exact CPU simulator,
// metrics, group scheduling, fair-share solvers, token buckets and placement.

// Work budgets: every run is bounded and can report progress.
export {
  DEFAULT_MAX_STEPS,
  DEFAULT_GROUP_MAX_STEPS,
  MAX_MAX_STEPS,
  isWorkBudgetError,
  workBudgetError,
  watchSteps,
  formatCount,
} from './work-budget.js';
export type { RunControl, RunProgress, BudgetRemedy, WorkBudgetDetails, StepWatch } from './work-budget.js';

// CPU scheduling: entities, the policy interface, the policies, the exact simulator, metrics, exercises.
export { NICE_TO_WEIGHT, NICE_0_WEIGHT, niceToWeight } from './nice-weights.js';
export { createSchedEntity, canRunOn, DEFAULT_CREDIT_WEIGHT, DEFAULT_TICKETS } from './entity.js';
export type { SchedEntity, SchedEntityParams } from './entity.js';
export type { SchedPolicy, EnqueueReason, PutPrevReason, DepartReason, AloneRun } from './policy.js';
export { createFifoPolicy } from './policies/fifo.js';
export { createSjfPolicy, createStcfPolicy } from './policies/shortest-first.js';
export { createRoundRobinPolicy } from './policies/round-robin.js';
export type { RoundRobinOptions } from './policies/round-robin.js';
export { createPriorityPolicy } from './policies/priority.js';
export type { PriorityOptions, PriorityAging } from './policies/priority.js';
export { createMlfqPolicy } from './policies/mlfq.js';
export type { MlfqOptions } from './policies/mlfq.js';
export { createCfsPolicy, cfsTunables } from './policies/cfs.js';
export type { CfsOptions, CfsTunables } from './policies/cfs.js';
export { createCreditPolicy, CREDIT_PRIORITIES } from './policies/credit.js';
export type { CreditOptions, CreditPriority, CreditSchedPolicy } from './policies/credit.js';
export { createLotteryPolicy } from './policies/lottery.js';
export type { LotteryOptions } from './policies/lottery.js';
export { createStridePolicy } from './policies/stride.js';
export type { StrideOptions } from './policies/stride.js';
export { createEdfPolicy } from './policies/edf.js';
export type { EdfOptions } from './policies/edf.js';
export { simulateCpu } from './simulator/cpu-simulator.js';
export type { CpuSimOptions, CpuSimResult, TaskResult, PolicyContext } from './simulator/cpu-simulator.js';
export type { TaskSpec } from './simulator/task-spec.js';
export type { Segment } from './simulator/segment-log.js';
export { MAX_TIMELINE_SEGMENTS } from './simulator/segment-log.js';
export { computeRunMetrics, summarize, percentile, jainIndex } from './metrics/run-metrics.js';
export type { Distribution, RunMetrics } from './metrics/run-metrics.js';
export { createSummaryAccumulator, EMPTY_SUMMARY, nearestRank } from './metrics/summary-accumulator.js';
export type { Summary, SummaryAccumulator, SummaryAccumulatorOptions } from './metrics/summary-accumulator.js';
export { runExercise, estimateExercise, MLFQ_DEFAULTS, CREDIT_EXERCISE_TICKS } from './exercise/run-exercise.js';
export type { CostEstimate } from './exercise/exercise-cost.js';
export { EXERCISE_POLICIES, EXERCISE_LIMITS } from './exercise-types.js';
export type {
  ExercisePolicy,
  ExerciseJob,
  ExerciseMlfqOptions,
  ExercisePriorityOptions,
  ExerciseInput,
  ExerciseJobResult,
  ExerciseSegment,
  ExercisePercentiles,
  ExerciseResult,
} from './exercise-types.js';

// Hierarchical group scheduling (the cgroup CPU controller), exact and fluid.
export { createGroupScheduler } from './groups/create-group-scheduler.js';
export type {
  GroupScheduler,
  GroupSchedulerOptions,
  GroupStepWatcher,
  GroupFidelity,
  GroupCpuLimits,
  AddTaskOptions,
  GroupSchedulerEvent,
  TaskCpuStats,
  GroupCpuStats,
  CpuOccupancy,
  TaskRef,
  WorkDoneHandler,
} from './groups/group-scheduler.js';
export { clampShares, sharesToWeight, weightToShares } from './groups/cpu-weight.js';
/** A binary min-heap whose entries know their position (key changes and removals in O(log n)); also the datacenter's host lane. */
export { HeapSlot, IndexedMinHeap } from './groups/indexed-heap.js';
/** A maximum-flow network (Dinic) for small scheduling graphs: tasks or vCPUs onto the CPUs they may use. */
export { FlowNet } from './groups/flow-net.js';
/** Linux's test of a CPU of reduced capacity (imbalance_pct 117), as the exact model balances by it. */
export { NOHZ_IMBALANCE_PCT, isReducedCapacity } from './groups/reduced-capacity.js';
export { parseGroupSpec, shareClampWarnings } from './groups/group-spec.js';
export type { ParsedGroupSpec } from './groups/group-spec.js';
export { runGroupExperiment, estimateGroupExperiment } from './groups/group-experiment.js';
export { addGroupTree, driveTaskWorkloads, firstWork, hasBursts, workloadRemedies } from './groups/task-workloads.js';
export type { DriveOptions, TaskWorkload, TreeTask, WorkloadModel } from './groups/task-workloads.js';
export type { GroupExperimentResult, GroupExperimentTask, GroupExperimentGroup } from './groups/group-experiment.js';

// Fair-share solvers, reused for CPU, links and any divisible resource.
export { waterFill } from './fair-share/water-filling.js';
export type { WaterFillDemand } from './fair-share/water-filling.js';
export { progressiveFill } from './fair-share/progressive-filling.js';
export type { FillFlow, ProgressiveFillResult } from './fair-share/progressive-filling.js';

// Token buckets and rate limiters (Firecracker semantics), for disks and NICs.
export { TokenBucket } from './token-bucket.js';
export type { TokenBucketConfig, BucketReduction, TokenBucketState } from './token-bucket.js';
export { RateLimiter, RATE_LIMITER_RETRY_US } from './rate-limiter.js';
export type { RateLimiterConfig, TokenType } from './rate-limiter.js';

// Placement of VMs on hosts and containers on nodes.
export { PlacementCluster, HOST_ORDERS } from './placement/cluster.js';
export type { PlacementClusterOptions, HostOrder } from './placement/cluster.js';
export { labelsMatch, tolerates } from './placement/constraints.js';
export type { RequestConstraints, ConstraintVerdict } from './placement/constraints.js';
export { firstFit, bestFit, worstFit, spread, pack, roundRobin, randomFit } from './placement/policies.js';
export type { PlacementPolicy } from './placement/cluster.js';
export type { RandomSource } from './placement/policies.js';
export {
  decide,
  filterScore,
  formatDecision,
  DEFAULT_PROFILE,
  resourceFitFilter,
  hostSelectorFilter,
  taintTolerationFilter,
  interPodAffinityFilter,
  leastAllocatedScore,
  mostAllocatedScore,
  balancedAllocationScore,
  taintTolerationScore,
  hostPreferenceScore,
  interPodAffinityScore,
} from './placement/filter-score.js';
export type { SchedulingCycle, FilterPlugin, ScorePlugin, ScoreNormalization, SchedulerProfile } from './placement/filter-score.js';
export type {
  Labels,
  TaintEffect,
  Taint,
  Toleration,
  AffinityTerm,
  WeightedAffinityTerm,
  HostPreference,
  PlacementHostSpec,
  PlacementRequest,
  HostView,
  FilteredHost,
  ScoredHost,
  PlacementDecision,
} from './placement/types.js';

// @strata/core-scheduler: the science of sharing. CPU policies, the exact CPU simulator,
// metrics, group scheduling, fair-share solvers, token buckets and placement.

export { NICE_TO_WEIGHT, NICE_0_WEIGHT, niceToWeight } from './nice-weights.js';
export { EXERCISE_POLICIES } from './exercise-types.js';
export type { ExercisePolicy, ExerciseJob, ExerciseMlfqOptions, ExerciseInput, ExerciseJobResult, ExerciseSegment, ExerciseResult } from './exercise-types.js';
export { waterFill } from './fair-share/water-filling.js';
export type { WaterFillDemand } from './fair-share/water-filling.js';

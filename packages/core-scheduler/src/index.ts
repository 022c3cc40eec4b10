// @strata/core-scheduler: the science of sharing. CPU policies, the exact CPU simulator,
// metrics, group scheduling, fair-share solvers, token buckets and placement.

export { NICE_TO_WEIGHT, NICE_0_WEIGHT, niceToWeight } from './nice-weights.js';

// Linux's nice-to-weight table (kernel/sched/core.c `sched_prio_to_weight`): each nice step
// changes a task's CPU share by about 10%, so adjacent weights differ by about 1.25x.
import { ValidationError } from '@strata/shared-types';

/** `sched_prio_to_weight`, indexed by nice + 20 (nice -20 .. 19). */
export const NICE_TO_WEIGHT: readonly number[] = [
  /* -20 */ 88761, 71755, 56483, 46273, 36291,
  /* -15 */ 29154, 23254, 18705, 14949, 11916,
  /* -10 */ 9548, 7620, 6100, 4904, 3906,
  /*  -5 */ 3121, 2501, 1991, 1586, 1277,
  /*   0 */ 1024, 820, 655, 526, 423,
  /*   5 */ 335, 272, 215, 172, 137,
  /*  10 */ 110, 87, 70, 56, 45,
  /*  15 */ 36, 29, 23, 18, 15,
];

/** The load weight of nice 0 (`NICE_0_LOAD`, unscaled). */
export const NICE_0_WEIGHT = 1024;

/** The CFS load weight of a nice value. Throws `ValidationError` unless nice is an integer in -20..19. */
export function niceToWeight(nice: number): number {
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) {
    throw new ValidationError(`invalid nice ${String(nice)}: expected an integer from -20 to 19`, { value: nice, accepted: '-20..19' });
  }
  return NICE_TO_WEIGHT[nice + 20]!;
}

// The work budget as the CLI shows it: `--max-slices N` (every run's budget, in simulation steps
// that the CLI calls slices), `--max-steps N` (program steps of a kernel experiment, scheduler
// steps of a nested host) and the one-line message a refused or stopped run prints, naming the
// flags or file fields that would make the run fit.

import type { BudgetRemedy, WorkBudgetDetails } from '@strata/core-scheduler';
import { MAX_MAX_STEPS, formatCount } from '@strata/core-scheduler';
import { parseIntegerText } from './parse-numbers.js';
import type { IntegerRule } from './parse-numbers.js';

/** The range of `--max-slices`. */
export const MAX_SLICES_RULE: IntegerRule = {
  min: 1,
  max: MAX_MAX_STEPS,
  phrase: `an integer from 1 to ${MAX_MAX_STEPS} (1e12)`,
  plural: `integers from 1 to ${MAX_MAX_STEPS}`,
};

/** Parse `--max-slices` (absent: undefined, and each model applies its own default budget). */
export function parseMaxSlices(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseIntegerText('--max-slices', text, MAX_SLICES_RULE);
}

/** Parse `--max-steps` of `strata kernel run` and `strata vm host`, 1..10^12 (absent: undefined, and the core applies its default). */
export function parseMaxSteps(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseIntegerText('--max-steps', text, MAX_SLICES_RULE);
}

/** How a command names each remedy: a flag phrase ("a larger --quantum") or a file field. */
export type RemedyNames = Partial<Record<Exclude<BudgetRemedy, 'maxSteps'>, string>>;

/** The remedies of `strata sched` exercises and group experiments. */
export const SCHED_REMEDIES: RemedyNames = {
  quantum: 'a larger --quantum',
  boost: 'a larger --boost',
  aging: 'a larger --aging',
  jobs: 'shorter jobs',
  cpus: 'fewer --cpus',
  fidelity: 'fidelity: fluid in the spec',
  duration: 'a shorter duration in the spec',
  tick: 'a larger tick in the spec',
  bursts: 'longer bursts in the spec',
};

/** The remedies of `strata vm host FILE` (a nested host experiment); `fidelity` depends on whether `--fidelity` was given. */
export function vmHostRemedies(fidelityFlag: boolean): RemedyNames {
  return {
    fidelity: fidelityFlag ? '--fidelity fluid' : 'fluid fidelity (--fidelity fluid, or fidelity: fluid in the file)',
    duration: 'a shorter duration in the file',
    tick: "a larger tick in the file (the host's tick, the guests' guest.tick)",
    bursts: "longer bursts in the guests' tasks",
  };
}

/** The flag that raises a command's budget, and the unit its messages count in. */
export interface BudgetFlag {
  readonly flag: string;
  readonly unit: string;
}

/** `--max-slices`, counted in slices: exercises, group experiments, `compare`. */
export const MAX_SLICES_FLAG: BudgetFlag = { flag: '--max-slices', unit: 'slices' };

/** `--max-steps`, counted in steps: `strata vm host`. */
export const MAX_STEPS_FLAG: BudgetFlag = { flag: '--max-steps', unit: 'steps' };

/**
 * The message of a run refused by its estimate or stopped by its budget: what was too big, and
 * how to go on (`budget.flag` first, with the value needed when it is known and allowed).
 */
export function budgetMessage(details: WorkBudgetDetails, names: RemedyNames, subject = 'this run', budget: BudgetFlag = MAX_SLICES_FLAG): string {
  const { when, steps, maxSteps, reason } = details;
  const { flag, unit } = budget;
  const raise =
    when === 'estimate'
      ? steps <= MAX_MAX_STEPS
        ? `raise the budget with ${flag} ${steps} or more`
        : undefined
      : maxSteps < MAX_MAX_STEPS
        ? `raise the budget with ${flag} (now ${maxSteps})`
        : undefined;
  const remedies = details.remedies.filter((r): r is Exclude<BudgetRemedy, 'maxSteps'> => r !== 'maxSteps').map((r) => names[r]).filter((s): s is string => s !== undefined);
  const ways = [...(raise === undefined ? [] : [raise]), ...remedies.map((r) => `use ${r}`)];
  const head =
    when === 'estimate'
      ? `${subject} needs at least ${formatCount(steps)} ${unit} (${reason}), more than its budget of ${formatCount(maxSteps)}${raise === undefined ? ` and more than ${flag} allows (${formatCount(MAX_MAX_STEPS)})` : ''}`
      : `${subject} used up its budget of ${formatCount(maxSteps)} ${unit} (${reason}) and was stopped; nothing was printed`;
  return ways.length === 0 ? head : `${head}; ${joinOr(ways)}`;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

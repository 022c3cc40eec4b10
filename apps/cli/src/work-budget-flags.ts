// The work budget as the CLI shows it: `--max-slices N` (every run's budget, in simulation steps
// that the CLI calls slices), `--max-steps N` (program steps of a kernel experiment) and the
// one-line message a refused or stopped run prints, naming the flags or file fields that would
// make the run fit.

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

/** Parse `--max-steps` of `strata kernel run`, 1..10^12 (absent: undefined, and the kernel applies its default). */
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

/**
 * The message of a run refused by its estimate or stopped by its budget: what was too big, and
 * how to go on (`--max-slices` first, with the value needed when it is known and allowed).
 */
export function budgetMessage(details: WorkBudgetDetails, names: RemedyNames, subject = 'this run'): string {
  const { when, steps, maxSteps, reason } = details;
  const raise =
    when === 'estimate'
      ? steps <= MAX_MAX_STEPS
        ? `raise the budget with --max-slices ${steps} or more`
        : undefined
      : maxSteps < MAX_MAX_STEPS
        ? `raise the budget with --max-slices (now ${maxSteps})`
        : undefined;
  const remedies = details.remedies.filter((r): r is Exclude<BudgetRemedy, 'maxSteps'> => r !== 'maxSteps').map((r) => names[r]).filter((s): s is string => s !== undefined);
  const ways = [...(raise === undefined ? [] : [raise]), ...remedies.map((r) => `use ${r}`)];
  const head =
    when === 'estimate'
      ? `${subject} needs at least ${formatCount(steps)} slices (${reason}), more than its budget of ${formatCount(maxSteps)}${raise === undefined ? ` and more than --max-slices allows (${formatCount(MAX_MAX_STEPS)})` : ''}`
      : `${subject} used up its budget of ${formatCount(maxSteps)} slices (${reason}) and was stopped; nothing was printed`;
  return ways.length === 0 ? head : `${head}; ${joinOr(ways)}`;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

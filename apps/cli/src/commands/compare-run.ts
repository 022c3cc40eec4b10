// The work of `strata compare`: read and validate the workload file, run every policy within one
// shared work budget, print.

import { DEFAULT_MAX_STEPS, formatCount, isWorkBudgetError } from '@strata/core-scheduler';
import { defaultDeps } from '../cli-deps.js';
import type { CompareRun } from '../compare-report.js';
import { compareJson, renderCompareText } from '../compare-report.js';
import { parseCompareWorkload } from '../compare-workload.js';
import { CliFailure } from '../error-report.js';
import { inFile, readDataFile } from '../input-file.js';
import { writeJson } from '../json-stream.js';
import { watchRun } from '../progress-display.js';
import { budgetMessage, parseMaxSlices } from '../work-budget-flags.js';
import type { RemedyNames } from '../work-budget-flags.js';
import type { CommandContext } from './context.js';

/** How a compare message names the settings of the run `label` (the `policies` entry `index`). */
function compareRemedies(label: string, index: number): RemedyNames {
  const field = (name: string): string => `a larger ${name} for ${label} (policies[${index}].${name})`;
  return { quantum: field('quantum'), boost: field('boost'), aging: field('aging'), jobs: 'shorter jobs', cpus: 'fewer cpus' };
}

/**
 * Run `strata compare FILE`. Throws ValidationError (file-prefixed) for a bad file, and a
 * CliFailure when the runs together need more than `--max-slices`: refused before any runs when
 * the estimates already say so, else stopped when the budget runs out.
 */
export async function runCompare(file: string, options: { json?: boolean; maxSlices?: string }, context: CommandContext): Promise<void> {
  const io = context.io;
  const deps = context.deps ?? defaultDeps;
  const maxSteps = parseMaxSlices(options.maxSlices) ?? DEFAULT_MAX_STEPS;
  const document = await readDataFile(io, file);
  const workload = inFile(file, () => parseCompareWorkload(document));

  const estimates = workload.runs.map((run) => inFile(file, () => deps.estimateExercise(run.input)));
  const total = estimates.reduce((sum, e) => sum + e.steps, 0);
  if (total > maxSteps) {
    const worst = estimates.reduce((w, e, i) => (e.steps > estimates[w]!.steps ? i : w), 0);
    const label = workload.runs[worst]!.label;
    const details = {
      kind: 'work-budget',
      when: 'estimate',
      steps: total,
      maxSteps,
      reason: `${workload.runs.length} policies; ${label} alone needs ${formatCount(estimates[worst]!.steps)}: ${estimates[worst]!.reason}`,
      remedies: estimates[worst]!.remedies,
    } as const;
    throw new CliFailure(budgetMessage(details, compareRemedies(label, worst), `${file}: comparing`));
  }

  const watch = watchRun(io.progress?.('strata compare'));
  const runs: CompareRun[] = [];
  let used = 0;
  try {
    workload.runs.forEach((run, i) => {
      const before = used;
      const onProgress = watch.onProgress;
      const control = {
        maxSteps: Math.max(1, maxSteps - used),
        ...(onProgress === undefined
          ? {}
          : { onProgress: (p: { steps: number; fraction: number }) => onProgress({ steps: before + p.steps, fraction: (i + p.fraction) / workload.runs.length }) }),
      };
      try {
        const result = inFile(file, () => deps.runExercise(run.input, control));
        used += result.steps ?? 0;
        runs.push({ ...run, result });
      } catch (error) {
        if (!isWorkBudgetError(error)) throw error;
        const details = { ...error.details, maxSteps, reason: `while running ${run.label}: ${error.details.reason}` };
        throw new CliFailure(budgetMessage(details, compareRemedies(run.label, i), `${file}: comparing`), { cause: error });
      }
    });
  } finally {
    watch.stop();
  }
  if (options.json) {
    await writeJson(compareJson(workload, runs), io.writeOut, io.drained);
    return;
  }
  io.writeOut(renderCompareText(workload, runs, { color: io.color, file }));
}

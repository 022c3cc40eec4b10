// The work of `strata sched`: parse the flags, run the exercise (or the group experiment of
// --spec) within the work budget, and print text, JSON or an SVG file.

import { isWorkBudgetError } from '@strata/core-scheduler';
import type { ExerciseResult, RunControl } from '@strata/core-scheduler';
import { ValidationError } from '@strata/shared-types';
import { defaultDeps } from '../cli-deps.js';
import type { CliDeps } from '../cli-deps.js';
import { CliFailure } from '../error-report.js';
import { renderGanttSvg } from '../gantt-svg.js';
import { groupJson, renderGroupText } from '../group-report.js';
import type { GroupExperimentReport } from '../group-report.js';
import { inFile, readDataFile } from '../input-file.js';
import { writeJson } from '../json-stream.js';
import { watchRun } from '../progress-display.js';
import { EXERCISE_FLAG_NAMES, parseSchedFlags } from '../sched-flags.js';
import type { SchedFlags, SchedOptions } from '../sched-flags.js';
import { cpuCount, renderSchedText, schedJson } from '../sched-report.js';
import { SCHED_REMEDIES, budgetMessage, parseMaxSlices } from '../work-budget-flags.js';
import type { CommandContext } from './context.js';

/** The most segments `--svg` draws (one <rect> each); beyond that a browser chokes on the file. */
export const SVG_MAX_SEGMENTS = 50_000;

/** Run `strata sched` with commander's parsed options. Throws ValidationError for bad flags. */
export async function runSched(options: SchedOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const deps = context.deps ?? defaultDeps;
  const maxSteps = parseMaxSlices(options.maxSlices);
  if (options.spec !== undefined) {
    await runSpec(options.spec, options, context, deps, maxSteps);
    return;
  }
  const input = parseSchedFlags(options);
  const result = withinBudget(context, 'strata sched', (control) => deps.runExercise(input, { ...control, ...(maxSteps === undefined ? {} : { maxSteps }) }));
  if (options.svg !== undefined) {
    if (result.timeline.length > SVG_MAX_SEGMENTS) {
      throw new ValidationError(
        `--svg: the timeline has ${result.timeline.length} segments, more than the ${SVG_MAX_SEGMENTS} an SVG chart can show; use a larger --quantum, fewer ticks, or --json`,
        { path: '--svg', segments: result.timeline.length },
      );
    }
    const cpus = cpuCount(input, result);
    const svg = renderGanttSvg(result.timeline, { cpus, title: `strata sched: ${input.policy}, ${input.jobs.length} jobs` });
    try {
      io.writeFile(options.svg, svg);
    } catch (error) {
      throw new CliFailure(`--svg: cannot write ${JSON.stringify(options.svg)} (${(error as Error).message})`, { cause: error });
    }
  }
  if (options.json) {
    await writeJson(schedJson(result), io.writeOut, io.drained);
    return;
  }
  io.writeOut(renderSchedText(input, result));
  if (options.svg !== undefined) io.writeOut(`\nSVG Gantt chart written to ${options.svg}\n`);
}

/**
 * Run `work` with a progress display on a terminal; a run refused or stopped by its budget
 * becomes a one-line failure (exit 1) naming what was too big and the flags that help.
 */
export function withinBudget<T extends ExerciseResult | GroupExperimentReport>(
  context: CommandContext,
  label: string,
  work: (control: Pick<RunControl, 'onProgress'>) => T,
  subject = 'this run',
): T {
  const watch = watchRun(context.io.progress?.(label));
  try {
    return work(watch.onProgress === undefined ? {} : { onProgress: watch.onProgress });
  } catch (error) {
    if (isWorkBudgetError(error)) throw new CliFailure(budgetMessage(error.details, SCHED_REMEDIES, subject), { cause: error });
    throw error;
  } finally {
    watch.stop();
  }
}

async function runSpec(file: string, options: SchedOptions, context: CommandContext, deps: CliDeps, maxSteps: number | undefined): Promise<void> {
  const io = context.io;
  const clashing = (Object.keys(EXERCISE_FLAG_NAMES) as (keyof SchedFlags)[])
    .filter((key) => options[key] !== undefined)
    .map((key) => EXERCISE_FLAG_NAMES[key]);
  if (options.svg !== undefined) clashing.push('--svg');
  if (clashing.length > 0) {
    throw new ValidationError(
      `--spec: cannot be combined with ${clashing.join(', ')}; use either --spec FILE (group experiment) or --policy NAME --jobs LIST (exercise)`,
      { path: '--spec', conflicts: clashing },
    );
  }
  const document = await readDataFile(io, file);
  const result = inFile(file, () =>
    withinBudget(context, 'strata sched', (control) => deps.runGroupSpec(document, { ...control, ...(maxSteps === undefined ? {} : { maxSteps }) }), `${file}: this experiment`),
  );
  for (const warning of result.warnings) io.writeErr(`strata: warning: ${warning}\n`);
  if (options.json) {
    await writeJson(groupJson(result), io.writeOut, io.drained);
    return;
  }
  io.writeOut(renderGroupText(result, { file }));
}

// The work of `strata kernel run FILE`: read and validate the experiment (@strata/shared-types),
// run it on the kernel model (@strata/core-container) with a progress bar on a terminal, and
// print text or JSON. Bad files exit 2 naming the field; a run over its budget exits 1.

import { DEFAULT_EXPERIMENT_MAX_STEPS, runKernelExperiment } from '@strata/core-container';
import type { KernelExperimentResult } from '@strata/core-container';
import { isStrataError, parseKernelExperiment } from '@strata/shared-types';
import type { KernelExperiment } from '@strata/shared-types';
import { CliFailure } from '../error-report.js';
import { inFile, readDataFile } from '../input-file.js';
import { writeJson } from '../json-stream.js';
import { formatMicros, kernelJson, renderKernelText } from '../kernel-report.js';
import { writeLines } from '../cli-io.js';
import { parseMaxSteps } from '../work-budget-flags.js';
import type { CommandContext } from './context.js';

/** Options of `strata kernel run` as commander gives them. */
export interface KernelRunOptions {
  readonly json?: boolean;
  readonly maxSteps?: string;
}

/** Wall time (ms) a run must last before its progress bar is drawn. */
const PROGRESS_DELAY_MS = 300;

/** The largest `--max-steps` (the kernel's own bound). */
const MAX_MAX_STEPS = 1e12;

/**
 * Run `strata kernel run FILE`. A bad flag, file or field is a ValidationError (exit 2) naming the
 * file and the field's path; a run stopped by its budget is a CliFailure (exit 1) naming the remedy.
 * Nothing is printed on stdout unless the run finished.
 */
export async function runKernel(file: string, options: KernelRunOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const maxSteps = parseMaxSteps(options.maxSteps);
  const document = await readDataFile(io, file);
  const experiment = inFile(file, () => parseKernelExperiment(document));

  // The bar appears only once a run has lasted PROGRESS_DELAY_MS: a quick run leaves the terminal untouched.
  const display = io.progress?.('strata kernel run');
  const started = performance.now();
  let fraction = 0;
  const onProgress = (done: number): void => {
    fraction = done;
    if (display === undefined || performance.now() - started < PROGRESS_DELAY_MS) return;
    display.update(done, `${formatMicros(Math.round(done * experiment.duration))} of ${formatMicros(experiment.duration)} simulated`);
  };
  let result: KernelExperimentResult;
  try {
    result = runKernelExperiment(experiment, { onProgress, ...(maxSteps === undefined ? {} : { maxSteps }) });
  } catch (error) {
    throw explainRunError(error, file, experiment, maxSteps ?? DEFAULT_EXPERIMENT_MAX_STEPS, fraction);
  } finally {
    display?.stop();
  }

  if (options.json) {
    await writeJson(kernelJson(result), io.writeOut, io.drained);
    return;
  }
  const lines = renderKernelText(result, { file, cpus: experiment.cpus, memory: experiment.memory, fidelity: experiment.fidelity, cgroups: experiment.cgroups });
  await writeLines(lines, io.writeOut, io.drained);
}

/**
 * The error a failed run reports, the file named first (the core names the `cgroups["/A"]["cpu.max"]`
 * entry of a refused write and the `processes[0].program[...]` step it cannot run); a spent budget
 * says how far the run got and what to change.
 */
function explainRunError(error: unknown, file: string, experiment: KernelExperiment, maxSteps: number, fraction: number): unknown {
  if (!isStrataError(error)) return error;
  const details = error.details as { limit?: unknown };
  if (error.code === 'E_LIMIT_EXCEEDED' && details.limit === 'maxSteps') {
    const raise = maxSteps < MAX_MAX_STEPS ? `raise the budget with --max-steps (now ${maxSteps}), ` : '';
    return new CliFailure(
      `${file}: this experiment took more than ${maxSteps.toLocaleString('en-US')} steps (program steps and CPU scheduling work: the budget of the whole run) ` +
        `and was stopped after ${formatMicros(Math.round(fraction * experiment.duration))} of ${formatMicros(experiment.duration)}; nothing was printed; ` +
        `${raise}shorten the duration, or give a loop that should take time a sleep or cpu step`,
      { cause: error },
    );
  }
  if (error.code === 'E_VALIDATION') {
    return inFile(file, () => {
      throw error;
    });
  }
  return new CliFailure(`${file}: ${error.message}`, { cause: error });
}


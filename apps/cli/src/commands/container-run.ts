// The work of `strata container run FILE`: read and validate the session (@strata/shared-types),
// run it on the container engine (@strata/core-container) with a progress bar on a terminal, and
// print text or JSON. Bad files exit 2 naming the field; a run over its budget exits 1; a docker
// command the engine refuses is part of the result, not a failure.

import { ADVANCE_COST_STEPS, DEFAULT_EXPERIMENT_MAX_STEPS, OUTPUT_ROW_COST_STEPS, START_COST_STEPS, runContainerSession } from '@strata/core-container';
import type { ContainerSessionResult } from '@strata/core-container';
import { isStrataError, parseContainerSession } from '@strata/shared-types';
import type { ContainerSession } from '@strata/shared-types';
import { containerJson, renderContainerText } from '../container-report.js';
import { CliFailure } from '../error-report.js';
import { inFile, readDataFile } from '../input-file.js';
import { writeJson } from '../json-stream.js';
import { formatMicros } from '../kernel-report.js';
import { writeLines } from '../cli-io.js';
import { parseMaxSteps } from '../work-budget-flags.js';
import type { CommandContext } from './context.js';

/** Options of `strata container run` as commander gives them. */
export interface ContainerRunOptions {
  readonly json?: boolean;
  readonly maxSteps?: string;
}

/** Wall time (ms) a run must last before its progress bar is drawn. */
const PROGRESS_DELAY_MS = 300;

/** The largest `--max-steps`. */
const MAX_MAX_STEPS = 1e12;

/**
 * Run `strata container run FILE`. A bad flag or file is a ValidationError (exit 2) naming the file
 * and the field's path; a run stopped by its budget is a CliFailure (exit 1) naming the remedy.
 * Nothing is printed on stdout unless the run finished.
 */
export async function runContainer(file: string, options: ContainerRunOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const maxSteps = parseMaxSteps(options.maxSteps);
  const document = await readDataFile(io, file);
  const session = inFile(file, () => parseContainerSession(document));

  const display = io.progress?.('strata container run');
  const started = performance.now();
  let fraction = 0;
  const onProgress = (done: number): void => {
    fraction = done;
    if (display === undefined || performance.now() - started < PROGRESS_DELAY_MS) return;
    display.update(done, `${formatMicros(Math.round(done * session.duration))} of ${formatMicros(session.duration)} simulated`);
  };
  let result: ContainerSessionResult;
  try {
    result = runContainerSession(session, { onProgress, ...(maxSteps === undefined ? {} : { maxSteps }) });
  } catch (error) {
    throw explainRunError(error, file, session, maxSteps ?? DEFAULT_EXPERIMENT_MAX_STEPS, fraction);
  } finally {
    display?.stop();
  }

  if (options.json) {
    await writeJson(containerJson(result), io.writeOut, io.drained);
    return;
  }
  const lines = renderContainerText(result, {
    file,
    cpus: session.host.cpus,
    memory: session.host.memory,
    fidelity: session.host.fidelity,
    seed: session.host.seed,
    commands: session.commands.map((s) => s.command),
  });
  await writeLines(lines, io.writeOut, io.drained);
}

/** The error a failed run reports, the file named first; a spent budget says how far the run got and what to change. */
function explainRunError(error: unknown, file: string, session: ContainerSession, maxSteps: number, fraction: number): unknown {
  if (!isStrataError(error)) return error;
  const details = error.details as { limit?: unknown; when?: unknown };
  if (error.code === 'E_LIMIT_EXCEEDED' && details.limit === 'maxSteps') {
    const raise = maxSteps < MAX_MAX_STEPS ? `raise the budget with --max-steps (now ${maxSteps}), ` : '';
    const when = typeof details.when === 'number' ? details.when : Math.round(fraction * session.duration);
    return new CliFailure(
      `${file}: this session took more than ${maxSteps.toLocaleString('en-US')} steps (program steps and CPU scheduling work: the budget of the whole run; a container start or exec counts ${START_COST_STEPS.toLocaleString('en-US')}, an advance of the kernel ${ADVANCE_COST_STEPS}, a row of output ${OUTPUT_ROW_COST_STEPS}) ` +
        `and was stopped after ${formatMicros(when)} of ${formatMicros(session.duration)}; nothing was printed; ` +
        `${raise}shorten the duration, limit restarts (on-failure:N), or give a loop that should take time a sleep or cpu step`,
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

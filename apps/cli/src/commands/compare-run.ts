// The work of `strata compare`: read and validate the workload file, run every policy, print.

import { defaultDeps } from '../cli-deps.js';
import type { CompareRun } from '../compare-report.js';
import { compareJson, renderCompareText } from '../compare-report.js';
import { parseCompareWorkload } from '../compare-workload.js';
import { inFile, readDataFile } from '../input-file.js';
import type { CommandContext } from './context.js';

/** Run `strata compare FILE`. Throws ValidationError (file-prefixed) for a bad file. */
export async function runCompare(file: string, options: { json?: boolean }, context: CommandContext): Promise<void> {
  const io = context.io;
  const deps = context.deps ?? defaultDeps;
  const document = await readDataFile(io, file);
  const workload = inFile(file, () => parseCompareWorkload(document));
  const runs: CompareRun[] = workload.runs.map((run) => ({ ...run, result: inFile(file, () => deps.runExercise(run.input)) }));
  if (options.json) {
    io.writeOut(`${JSON.stringify(compareJson(workload, runs), null, 2)}\n`);
    return;
  }
  io.writeOut(renderCompareText(workload, runs, { color: io.color, file }));
}

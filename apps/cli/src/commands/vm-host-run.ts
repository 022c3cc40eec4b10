// The work of `strata vm host FILE`: read the nested host spec (YAML or JSON), run it with core-vmm's
// runNestedExperiment in one fidelity or both, within the work budget and with a progress bar on a
// terminal, and print the tables or JSON. Bad flags and files exit 2; a spent budget exits 1.

import { isWorkBudgetError } from '@strata/core-scheduler';
import { runNestedExperiment } from '@strata/core-vmm';
import { ValidationError } from '@strata/shared-types';
import type { NestedExperimentOptions, NestedExperimentResult } from '@strata/core-vmm';
import { writeLines } from '../cli-io.js';
import { CliFailure } from '../error-report.js';
import { inFile, readDataFile } from '../input-file.js';
import { writeJson } from '../json-stream.js';
import { invalid } from '../parse-numbers.js';
import { watchRun } from '../progress-display.js';
import { renderVmHostBothText, renderVmHostText, vmHostBothJson } from '../vm-host-report.js';
import { MAX_STEPS_FLAG, budgetMessage, parseMaxSteps, vmHostRemedies } from '../work-budget-flags.js';
import type { CommandContext } from './context.js';

/** Options of `strata vm host` as commander gives them. */
export interface VmHostOptions {
  readonly fidelity?: string;
  readonly json?: boolean;
  readonly maxSteps?: string;
}

/** The values `--fidelity` takes: one of the core's fidelities, or both of them side by side. */
export const VM_HOST_FIDELITIES = ['exact', 'fluid', 'both'] as const;

type FidelityChoice = (typeof VM_HOST_FIDELITIES)[number];

function parseFidelity(text: string | undefined): FidelityChoice | undefined {
  if (text === undefined) return undefined;
  const found = VM_HOST_FIDELITIES.find((f) => f === text.trim());
  if (found === undefined) throw invalid('--fidelity', `one of ${VM_HOST_FIDELITIES.join(', ')}`, text);
  return found;
}

/** What a nested host spec is, for the message of a file that holds none. */
const SPEC_SHAPE = 'a nested host spec: a mapping with cpus, duration and vms (see strata vm host --help)';

/** An empty file (YAML reads it as null) is told as empty; the rest of the document is the core's to check. */
function checkNotEmpty(file: string, document: unknown): void {
  if (document === null || document === undefined) {
    throw new ValidationError(`${file}: the file is empty (or only comments); expected ${SPEC_SHAPE}`, { path: file });
  }
}

/**
 * Run `strata vm host FILE`. Bad flags and a bad file are ValidationErrors (exit 2) naming the flag
 * or the file and every bad field's path; a run stopped by its budget is a CliFailure (exit 1)
 * naming what was too big and the flags and fields that help. Nothing reaches stdout unless every
 * run finished; the spec's warnings go to stderr as `strata: warning: ...`.
 */
export async function runVmHost(file: string, options: VmHostOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const fidelity = parseFidelity(options.fidelity);
  const maxSteps = parseMaxSteps(options.maxSteps);
  if (file.trim() === '') throw invalid('FILE', 'the path of a nested host spec (YAML, or JSON for .json)', file);
  const document = await readDataFile(io, file);
  checkNotEmpty(file, document);
  const runNested = context.deps?.runNestedHost ?? runNestedExperiment;

  // `subject` names the run in a budget message ("this experiment", "the exact run").
  const runOnce = (override: 'exact' | 'fluid' | undefined, label: string, subject: string): NestedExperimentResult =>
    inFile(file, () => {
      const watch = watchRun(io.progress?.(label), 'steps');
      const control: NestedExperimentOptions = {
        ...(override === undefined ? {} : { fidelity: override }),
        ...(maxSteps === undefined ? {} : { maxSteps }),
        ...(watch.onProgress === undefined ? {} : { onProgress: watch.onProgress }),
      };
      try {
        return runNested(document, control);
      } catch (error) {
        if (isWorkBudgetError(error)) {
          throw new CliFailure(budgetMessage(error.details, vmHostRemedies(fidelity !== undefined), `${file}: ${subject}`, MAX_STEPS_FLAG), { cause: error });
        }
        throw error;
      } finally {
        watch.stop();
      }
    });

  if (fidelity === 'both') {
    // Exact first: it is the run that may spend the budget, and then the fluid run is not wasted.
    const exact = runOnce('exact', 'strata vm host (exact)', 'the exact run');
    const fluid = runOnce('fluid', 'strata vm host (fluid)', 'the fluid run');
    // The warnings come from the spec, not the run: the same in both.
    for (const warning of new Set([...exact.warnings, ...fluid.warnings])) io.writeErr(`strata: warning: ${warning}\n`);
    if (options.json === true) await writeJson(vmHostBothJson(exact, fluid), io.writeOut, io.drained);
    else await writeLines(renderVmHostBothText(exact, fluid, { file }), io.writeOut, io.drained);
    return;
  }
  const result = runOnce(fidelity, 'strata vm host', 'this experiment');
  for (const warning of result.warnings) io.writeErr(`strata: warning: ${warning}\n`);
  if (options.json === true) await writeJson({ ...result }, io.writeOut, io.drained);
  else await writeLines(renderVmHostText(result, { file }), io.writeOut, io.drained);
}

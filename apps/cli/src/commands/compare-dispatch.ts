// `strata compare FILE` reads FILE once to learn which form it is: a datacenter scenario (it has
// `hosts:`) goes to the scenario comparison, anything else to the scheduler workload comparison.

import { ValidationError } from '@strata/shared-types';
import { parseDataText, readInputText } from '../input-file.js';
import { isScenarioDocument } from '../scenario-kind.js';
import type { CompareOptions } from './compare-options.js';
import type { CommandContext } from './context.js';

/** Run the comparison FILE calls for; flags of the other form are usage errors naming the form. */
export async function runCompareFile(file: string, options: CompareOptions, context: CommandContext): Promise<void> {
  const text = readInputText(context.io, file);
  const document = await parseDataText(file, text);
  if (isScenarioDocument(document)) {
    if (options.maxSlices !== undefined) {
      throw new ValidationError(`--max-slices: applies to scheduler workloads; ${file} is a datacenter scenario (it has hosts:), compared with --set`, { path: '--max-slices' });
    }
    const { runCompareScenario } = await import('./compare-scenario-run.js');
    await runCompareScenario(file, text, options, context);
    return;
  }
  if (options.set !== undefined) {
    throw new ValidationError(`--set: applies to datacenter scenarios (files with hosts:); ${file} is a scheduler workload, whose policies are listed in the file`, { path: '--set' });
  }
  const { runCompare } = await import('./compare-run.js');
  await runCompare(file, options, context);
}

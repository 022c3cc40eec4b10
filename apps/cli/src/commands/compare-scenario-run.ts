// The work of `strata compare SCENARIO --set KEY=V1,V2 ...`: every variant is written into the
// scenario and validated before any runs, then each runs to its end; one table, a column per variant.

import type { RunReport } from '@strata/core-cluster';
import { ValidationError, isStrataError } from '@strata/shared-types';
import { batchJson, batchRows } from '../batch-summary.js';
import type { BatchJson } from '../batch-summary.js';
import { loadClusterDeps } from '../cluster-deps.js';
import type { LoadedScenario } from '../cluster-deps.js';
import { formatMicros, renderVariantTable } from '../cluster-summary.js';
import { isBatchOnly } from '../scenario-kind.js';
import { renderTable } from '../text-table.js';
import { writeJson } from '../json-stream.js';
import { applyVariant, parseSettings, variantLabel, variantsOf } from '../scenario-settings.js';
import type { ScenarioVariant } from '../scenario-settings.js';
import { readScenarioSource } from '../scenario-source.js';
import type { CompareOptions } from './compare-options.js';
import type { CommandContext } from './context.js';

/** The JSON `strata compare SCENARIO --json` prints. */
export interface ScenarioCompareJson {
  readonly scenario: string;
  readonly settings: Record<string, readonly (string | number | boolean)[]>;
  /** Each variant's run report (a batch summary when every variant is batch-only). */
  readonly variants: { readonly label: string; readonly set: Record<string, string | number | boolean>; readonly report: RunReport | BatchJson }[];
}

/**
 * Compare `file` (whose text is `text`) under every combination of `--set` values. A bad flag or a
 * value the scenario schema refuses is a ValidationError naming the flag and the field (exit 2),
 * raised before any variant runs.
 */
export async function runCompareScenario(file: string, text: string, options: CompareOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const settings = parseSettings(options.set ?? []);
  const variants = variantsOf(settings);
  const cluster = context.deps?.cluster ?? (await loadClusterDeps());
  const source = { ...readScenarioSource(io, file), text };

  const loaded: { variant: ScenarioVariant; label: string; scenario: LoadedScenario }[] = variants.map((variant) => {
    const label = variantLabel(variant);
    try {
      const variantText = applyVariant(source.text, file, variant);
      return { variant, label, scenario: cluster.loadScenario(variantText, { path: file, readFile: source.readFile }) };
    } catch (error) {
      if (!isStrataError(error) || error.code !== 'E_VALIDATION' || variant.length === 0) throw error;
      // Name the values that made the scenario invalid; the loader's message names the field.
      throw new ValidationError(`--set ${label}: ${error.message}`, { ...error.details, path: '--set', variant: label }, { cause: error });
    }
  });

  if (loaded.every((l) => isBatchOnly(l.scenario.scenario))) {
    const reports = loaded.map((l) => batchJson(l.scenario.scenario, cluster.runBatch(l.scenario.scenario, l.scenario.files, {})));
    await print(reports, (header) => {
      const rows = reports.map(batchRows);
      const table = renderTable(
        [{ header: '', align: 'left' }, { header: 'metric', align: 'left' }, ...loaded.map((l) => ({ header: l.label, align: 'right' as const }))],
        rows[0]!.map((row, r) => [r > 0 && rows[0]![r - 1]!.section === row.section ? '' : row.section, row.label, ...rows.map((v) => v[r]!.value)]),
      );
      return `${header}\n\n${table.join('\n')}\n`;
    });
    return;
  }

  const display = io.progress?.('strata compare');
  const reports: RunReport[] = [];
  try {
    loaded.forEach(({ scenario }, i) => {
      const onProgress =
        display === undefined
          ? undefined
          : (done: number, total: number) => display.update((i + (total > 0 ? done / total : 1)) / loaded.length, `variant ${i + 1} of ${loaded.length}, ${formatMicros(done)} simulated`);
      const dc = cluster.createDatacenter(scenario.scenario, { files: scenario.files, onEvent: () => undefined, ...(onProgress === undefined ? {} : { onProgress }) });
      reports.push(dc.run());
    });
  } finally {
    display?.stop();
  }
  await print(reports, (header) => `${header}\n\n${renderVariantTable(loaded.map((l) => l.label), reports)}`);

  /** Print `reports` as JSON, or as the text `table` renders under the header line. */
  async function print(reports: readonly (RunReport | BatchJson)[], table: (header: string) => string): Promise<void> {
    if (options.json) {
      const json: ScenarioCompareJson = {
        scenario: file,
        settings: Object.fromEntries(settings.map((s) => [s.key, s.values])),
        variants: loaded.map((l, i) => ({ label: l.label, set: Object.fromEntries(l.variant), report: reports[i]! })),
      };
      await writeJson(json, io.writeOut, io.drained);
      return;
    }
    const header = `${reports[0]!.name} (${file}) · ${loaded.length} variant${loaded.length === 1 ? '' : 's'}`;
    io.writeOut(table(header));
  }
}

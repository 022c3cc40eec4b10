// The work of `strata run`: read and validate the scenario, then run it: a batch-only scenario on the
// batch engine (the fast path: only the loader and the engine are imported), anything else on the
// datacenter (with a progress bar); write the requested files and print the summary or the JSON.

import type { ClusterEvent, RunReport } from '@strata/core-cluster';
import type { Scenario } from '@strata/shared-types';
import { ValidationError } from '@strata/shared-types';
import { batchJson, renderBatchSummary } from '../batch-summary.js';
import type { FileSink } from '../cli-io.js';
import { openFileSink, writeFileBytes } from '../cli-io.js';
import { loadBatchDeps, loadClusterDeps } from '../cluster-deps.js';
import type { BatchDeps, ClusterDeps } from '../cluster-deps.js';
import { formatMicros, renderRunSummary } from '../cluster-summary.js';
import { jobRowsOf } from '../job-results.js';
import { writeJson } from '../json-stream.js';
import type { ReportInput } from '../report/report-data.js';
import { parseSeed, parseUntil } from '../scenario-flags.js';
import { loadOrListIssues } from '../scenario-issues.js';
import { hasBatchWorkload, isBatchOnly } from '../scenario-kind.js';
import { checkOutputPaths, writeOutput } from '../scenario-outputs.js';
import { readScenarioSource } from '../scenario-source.js';
import type { CommandContext } from './context.js';

/** The flags of `strata run`, as commander hands them over (declared here, beside the work, so run.ts and this file do not import each other). */
export interface RunOptions {
  readonly json?: boolean;
  readonly trace?: string;
  readonly report?: string;
  readonly results?: string;
  readonly until?: string;
  readonly seed?: string;
}

/**
 * Run `strata run SCENARIO`. Flags are checked before anything runs (ValidationError, exit 2); a bad
 * scenario lists every problem on its own line (`file:line:col path: message`) on stderr, then exits 2;
 * an output file that cannot be written is a CliFailure (exit 1). A batch-only scenario (hosts, VMs,
 * batch workloads; no --trace) runs on the batch engine; anything else on the datacenter.
 */
export async function runScenario(file: string, options: RunOptions, context: CommandContext): Promise<void> {
  const until = options.until === undefined ? undefined : parseUntil(options.until);
  const seed = options.seed === undefined ? undefined : parseSeed(options.seed);
  checkOutputPaths(file, { '--trace': options.trace, '--results': options.results, '--report': options.report });
  const loader: BatchDeps = context.deps?.cluster ?? (await loadBatchDeps());

  const source = readScenarioSource(context.io, file);
  let text = source.text;
  if (seed !== undefined) {
    const { applyVariant } = await import('../scenario-settings.js');
    text = applyVariant(source.text, file, [['seed', seed]]);
  }
  const { scenario, files } = loadOrListIssues(file, () => loader.loadScenario(text, { path: file, readFile: source.readFile }), context.io.writeErr);
  const run = { file, options, context, scenario, files, until };
  if (isBatchOnly(scenario) && options.trace === undefined) await runBatch(run, loader);
  else await runDatacenter(run, context.deps?.cluster ?? (await loadClusterDeps()));
}

interface Run {
  readonly file: string;
  readonly options: RunOptions;
  readonly context: CommandContext;
  readonly scenario: Scenario;
  readonly files: ReadonlyMap<string, string>;
  readonly until: number | undefined;
}

/** Write the --report page of `input` (its modules and the charting library load only then). */
async function writeReport(run: Run, input: () => Omit<ReportInput, 'source'>): Promise<void> {
  const path = run.options.report;
  if (path === undefined) return;
  const [{ renderReportHtml }, { readEchartsSource }] = await Promise.all([import('../report/report-page.js'), import('../report/echarts-source.js')]);
  const html = renderReportHtml({ ...input(), source: run.file }, { echarts: readEchartsSource() });
  writeOutput('--report', path, () => run.context.io.writeFile(path, html));
}

/** Write --results: `jobs.csv` bytes. */
function writeResults(run: Run, bytes: () => Uint8Array): void {
  const path = run.options.results;
  if (path === undefined) return;
  writeOutput('--results', path, () => writeFileBytes(run.context.io, path, bytes()));
}

/** A batch-only scenario on the batch engine: to the scenario's duration (or --until), else until every job is done. */
async function runBatch(run: Run, engine: BatchDeps): Promise<void> {
  const { file, options, scenario, context } = run;
  const until = run.until ?? scenario.duration;
  const started = performance.now();
  const outcome = engine.runBatch(scenario, run.files, until === undefined ? {} : { until });
  const wallMs = performance.now() - started;
  const json = batchJson(scenario, outcome);
  writeResults(run, () => outcome.csvBytes());
  await writeReport(run, () => ({ batch: json, series: [], events: [], jobs: jobRowsOf(outcome.rows(), outcome.vmNames) }));
  if (options.json) {
    await writeJson(json, context.io.writeOut, context.io.drained);
    return;
  }
  context.io.writeOut(renderBatchSummary(json, { file, wallMs }));
}

/** A datacenter scenario, run to its duration (or --until) with a progress bar on a terminal. */
async function runDatacenter(run: Run, cluster: ClusterDeps): Promise<void> {
  const { file, options, context } = run;
  const io = context.io;
  if (options.results !== undefined && !hasBatchWorkload(run.scenario)) {
    throw new ValidationError(`--results: ${file} has no batch workload to report jobs of (workloads: [{ kind: batch, file: jobs.csv }])`, { path: '--results' });
  }
  const eventLimit = options.report === undefined ? 0 : (await import('../report/report-data.js')).REPORT_LIMITS.events;
  let trace: FileSink | undefined;
  if (options.trace !== undefined) {
    const path = options.trace;
    writeOutput('--trace', path, () => {
      trace = openFileSink(io, path);
    });
  }
  const kept: ClusterEvent[] = [];
  let omitted = 0;
  const onEvent = (event: ClusterEvent): void => {
    if (trace !== undefined) {
      const sink = trace;
      writeOutput('--trace', options.trace!, () => sink.write(`${JSON.stringify(event)}\n`));
    }
    if (options.report !== undefined) {
      if (kept.length < eventLimit) kept.push(event);
      else omitted += 1;
    }
  };
  const display = io.progress?.('strata run');
  const onProgress =
    display === undefined ? undefined : (done: number, total: number) => display.update(total > 0 ? done / total : 1, `${formatMicros(done)} of ${formatMicros(total)} simulated`);

  const started = performance.now();
  let report: RunReport;
  let dc;
  let vmNames: string[] = [];
  try {
    dc = cluster.createDatacenter(run.scenario, { files: run.files, onEvent, ...(onProgress === undefined ? {} : { onProgress }) });
    // The declared VMs in creation order: a batch job's `vm` index names one of them.
    if (options.report !== undefined) vmNames = dc.vms().map((v) => v.name);
    report = dc.run(run.until === undefined ? {} : { until: run.until });
  } finally {
    display?.stop();
    if (trace !== undefined) {
      const sink = trace;
      writeOutput('--trace', options.trace!, () => sink.close());
    }
  }
  const wallMs = performance.now() - started;
  const datacenter = dc;
  writeResults(run, () => datacenter.jobsCsvBytes());
  await writeReport(run, () => ({ report, series: datacenter.metrics(), events: kept, eventsOmitted: omitted, ...(report.jobs === undefined ? {} : { jobs: jobRowsOf(datacenter.jobRows(), vmNames) }) }));
  if (options.json) {
    await writeJson(report, io.writeOut, io.drained);
    return;
  }
  io.writeOut(renderRunSummary(report, dc.hosts(), { file, wallMs }));
}

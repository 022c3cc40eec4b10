// The work of `strata run`: read and validate the scenario, then run it: a datacenter (with a
// progress bar) or, for CloudSim-style batch workloads, the batch engine; write the requested
// files and print the summary or the JSON.

import type { ClusterEvent, RunReport } from '@strata/core-cluster';
import type { Scenario } from '@strata/shared-types';
import { ValidationError } from '@strata/shared-types';
import { batchJson, renderBatchSummary } from '../batch-summary.js';
import type { FileSink } from '../cli-io.js';
import { openFileSink } from '../cli-io.js';
import { loadClusterDeps } from '../cluster-deps.js';
import type { ClusterDeps } from '../cluster-deps.js';
import { formatMicros, renderRunSummary } from '../cluster-summary.js';
import { jobRowsOf } from '../job-results.js';
import { writeJson } from '../json-stream.js';
import { readEchartsSource } from '../report/echarts-source.js';
import { REPORT_LIMITS } from '../report/report-data.js';
import type { ReportInput } from '../report/report-data.js';
import { renderReportHtml } from '../report/report-page.js';
import { parseSeed, parseUntil } from '../scenario-flags.js';
import { hasBatchWorkload } from '../scenario-kind.js';
import { checkOutputPaths, writeOutput } from '../scenario-outputs.js';
import { applyVariant } from '../scenario-settings.js';
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
 * scenario is a ValidationError naming its file, line, column and field; an output file that cannot
 * be written is a CliFailure (exit 1).
 */
export async function runScenario(file: string, options: RunOptions, context: CommandContext): Promise<void> {
  const until = options.until === undefined ? undefined : parseUntil(options.until);
  const seed = options.seed === undefined ? undefined : parseSeed(options.seed);
  checkOutputPaths(file, { '--trace': options.trace, '--results': options.results, '--report': options.report });
  const cluster = context.deps?.cluster ?? (await loadClusterDeps());

  const source = readScenarioSource(context.io, file);
  const text = seed === undefined ? source.text : applyVariant(source.text, file, [['seed', seed]]);
  const { scenario, files } = cluster.loadScenario(text, { path: file, readFile: source.readFile });
  const run = { file, options, context, cluster, scenario, files, until };
  if (hasBatchWorkload(scenario)) await runBatch(run);
  else await runDatacenter(run);
}

interface Run {
  readonly file: string;
  readonly options: RunOptions;
  readonly context: CommandContext;
  readonly cluster: ClusterDeps;
  readonly scenario: Scenario;
  readonly files: ReadonlyMap<string, string>;
  readonly until: number | undefined;
}

/** Write the --report page of `input`. */
function writeReport(run: Run, input: Omit<ReportInput, 'source'>): void {
  const path = run.options.report;
  if (path === undefined) return;
  const html = renderReportHtml({ ...input, source: run.file }, { echarts: readEchartsSource() });
  writeOutput('--report', path, () => run.context.io.writeFile(path, html));
}

/** A scenario of CloudSim-style batch workloads, on the batch engine (no containers, actions or faults). */
async function runBatch(run: Run): Promise<void> {
  const { file, options, scenario, context } = run;
  const others = [scenario.containers.length > 0 ? 'containers' : '', scenario.actions.length > 0 ? 'actions' : '', scenario.faults === undefined ? '' : 'faults'].filter((k) => k !== '');
  if (others.length > 0) {
    throw new ValidationError(`${file}: batch workloads run on the batch engine, which does not run ${others.join(', ')}; put those in a scenario without workloads`, { path: others[0] });
  }
  if (options.trace !== undefined) {
    throw new ValidationError(`--trace: ${file} has batch workloads, which the batch engine runs without an event trace; use --results FILE for every job's host, start and finish`, { path: '--trace' });
  }
  const started = performance.now();
  const outcome = run.cluster.runBatch(scenario, run.files, run.until === undefined ? {} : { until: run.until });
  const wallMs = performance.now() - started;
  const json = batchJson(scenario, outcome);
  if (options.results !== undefined) {
    const path = options.results;
    writeOutput('--results', path, () => context.io.writeFile(path, outcome.csv()));
  }
  writeReport(run, { batch: json, series: [], events: [], jobs: jobRowsOf(outcome.rows(), outcome.vmNames) });
  if (options.json) {
    await writeJson(json, context.io.writeOut, context.io.drained);
    return;
  }
  context.io.writeOut(renderBatchSummary(json, { file, wallMs }));
}

/** A datacenter scenario, run to its duration (or --until) with a progress bar on a terminal. */
async function runDatacenter(run: Run): Promise<void> {
  const { file, options, context } = run;
  const io = context.io;
  if (options.results !== undefined) {
    throw new ValidationError(`--results: ${file} has no batch workload to report jobs of (workloads: [{ kind: batch, file: jobs.csv }])`, { path: '--results' });
  }
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
      if (kept.length < REPORT_LIMITS.events) kept.push(event);
      else omitted += 1;
    }
  };
  const display = io.progress?.('strata run');
  const onProgress =
    display === undefined ? undefined : (done: number, total: number) => display.update(total > 0 ? done / total : 1, `${formatMicros(done)} of ${formatMicros(total)} simulated`);

  const started = performance.now();
  let report: RunReport;
  let dc;
  try {
    dc = run.cluster.createDatacenter(run.scenario, { files: run.files, onEvent, ...(onProgress === undefined ? {} : { onProgress }) });
    report = dc.run(run.until === undefined ? {} : { until: run.until });
  } finally {
    display?.stop();
    if (trace !== undefined) {
      const sink = trace;
      writeOutput('--trace', options.trace!, () => sink.close());
    }
  }
  const wallMs = performance.now() - started;
  writeReport(run, { report, series: dc.metrics(), events: kept, eventsOmitted: omitted });
  if (options.json) {
    await writeJson(report, io.writeOut, io.drained);
    return;
  }
  io.writeOut(renderRunSummary(report, dc.hosts(), { file, wallMs }));
}

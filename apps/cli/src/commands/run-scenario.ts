// The work of `strata run`: read and validate the scenario, build the datacenter, run it with a
// progress bar, then write the requested files and print the summary or the JSON report.

import type { ClusterEvent } from '@strata/core-cluster';
import { ValidationError } from '@strata/shared-types';
import type { FileSink } from '../cli-io.js';
import { openFileSink, writeLines } from '../cli-io.js';
import { loadClusterDeps } from '../cluster-deps.js';
import { formatMicros, renderRunSummary } from '../cluster-summary.js';
import { jobCollector, jobsCsvLines } from '../job-results.js';
import { writeJson } from '../json-stream.js';
import { readEchartsSource } from '../report/echarts-source.js';
import { REPORT_LIMITS } from '../report/report-data.js';
import { renderReportHtml } from '../report/report-page.js';
import { parseSeed, parseUntil } from '../scenario-flags.js';
import { checkOutputPaths, writeOutput } from '../scenario-outputs.js';
import { hasBatchWorkload } from '../scenario-kind.js';
import { applyVariant } from '../scenario-settings.js';
import { readScenarioSource } from '../scenario-source.js';
import type { CommandContext } from './context.js';
import type { RunOptions } from './run.js';

/**
 * Run `strata run SCENARIO`. Flags are checked before anything runs (ValidationError, exit 2); a bad
 * scenario is a ValidationError naming its file, line, column and field; an output file that cannot
 * be written is a CliFailure (exit 1).
 */
export async function runScenario(file: string, options: RunOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const until = options.until === undefined ? undefined : parseUntil(options.until);
  const seed = options.seed === undefined ? undefined : parseSeed(options.seed);
  checkOutputPaths(file, { '--trace': options.trace, '--results': options.results, '--report': options.report });
  const cluster = context.deps?.cluster ?? (await loadClusterDeps());

  const source = readScenarioSource(io, file);
  const text = seed === undefined ? source.text : applyVariant(source.text, file, [['seed', seed]]);
  const { scenario, files } = cluster.loadScenario(text, { path: file, readFile: source.readFile });
  if (options.results !== undefined && !hasBatchWorkload(scenario)) {
    throw new ValidationError(`--results: ${file} has no batch workload to report jobs of (workloads: [{ kind: batch, file: jobs.csv }])`, { path: '--results' });
  }

  let trace: FileSink | undefined;
  if (options.trace !== undefined) {
    const path = options.trace;
    writeOutput('--trace', path, () => {
      trace = openFileSink(io, path);
    });
  }
  const jobs = options.results !== undefined || options.report !== undefined ? jobCollector() : undefined;
  const kept: ClusterEvent[] = [];
  let omitted = 0;
  const onEvent = (event: ClusterEvent): void => {
    if (trace !== undefined) {
      const sink = trace;
      writeOutput('--trace', options.trace!, () => sink.write(`${JSON.stringify(event)}\n`));
    }
    jobs?.onEvent(event);
    if (options.report !== undefined) {
      if (kept.length < REPORT_LIMITS.events) kept.push(event);
      else omitted += 1;
    }
  };
  const display = io.progress?.('strata run');
  const onProgress =
    display === undefined ? undefined : (done: number, total: number) => display.update(total > 0 ? done / total : 1, `${formatMicros(done)} of ${formatMicros(total)} simulated`);

  const started = performance.now();
  let report;
  let dc;
  try {
    dc = cluster.createDatacenter(scenario, { files, onEvent, ...(onProgress === undefined ? {} : { onProgress }) });
    report = dc.run(until === undefined ? {} : { until });
  } finally {
    display?.stop();
    if (trace !== undefined) {
      const sink = trace;
      writeOutput('--trace', options.trace!, () => sink.close());
    }
  }
  const wallMs = performance.now() - started;

  if (options.results !== undefined && jobs !== undefined) {
    const path = options.results;
    const sink = openResults(io, path);
    await writeLines(jobsCsvLines(jobs.rows()), (t) => writeOutput('--results', path, () => sink.write(t)));
    writeOutput('--results', path, () => sink.close());
  }
  if (options.report !== undefined) {
    const path = options.report;
    const html = renderReportHtml(
      { report, series: dc.metrics(), events: kept, eventsOmitted: omitted, ...(jobs === undefined ? {} : { jobs: jobs.rows() }), source: file },
      { echarts: readEchartsSource() },
    );
    writeOutput('--report', path, () => io.writeFile(path, html));
  }
  if (options.json) {
    await writeJson(report, io.writeOut, io.drained);
    return;
  }
  io.writeOut(renderRunSummary(report, dc.hosts(), { file, wallMs }));
}

/** Open the --results file (a CliFailure when it cannot be created). */
function openResults(io: CommandContext['io'], path: string): FileSink {
  let sink: FileSink | undefined;
  writeOutput('--results', path, () => {
    sink = openFileSink(io, path);
  });
  return sink!;
}

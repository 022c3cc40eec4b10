// The work of `strata vm migrate-estimate`: parse the quantities with shared-types' parsers (a bad
// one exits 2 naming the flag and the accepted forms), call core-vmm's estimateMigration, and print
// the rounds table or the JSON object. No model here: the numbers are the core's.

import { estimateMigration } from '@strata/core-vmm';
import type { MigrationEstimate } from '@strata/core-vmm';
import { isStrataError, parseBandwidth, parseDuration, parseMemory, ValidationError } from '@strata/shared-types';
import { CliFailure } from '../error-report.js';
import { formatFixed } from '../format-fixed.js';
import { writeJson } from '../json-stream.js';
import { writeLines } from '../cli-io.js';
import { invalid, parseIntegerText } from '../parse-numbers.js';
import { renderTable } from '../text-table.js';
import type { CommandContext } from './context.js';

/** Options of `strata vm migrate-estimate` as commander gives them. */
export interface MigrateEstimateOptions {
  readonly memory: string;
  readonly dirtyRate: string;
  readonly wss: string;
  readonly bandwidth: string;
  readonly downtimeLimit?: string;
  readonly maxRounds?: string;
  readonly autoConverge?: boolean;
  readonly json?: boolean;
}

const MiB = 1024 * 1024;

/** The flag that carries each input field of estimateMigration, for its error messages. */
const FLAG_OF: Readonly<Record<string, string>> = {
  memoryBytes: '--memory',
  dirtyBytesPerSecond: '--dirty-rate',
  wssBytes: '--wss',
  bandwidthBytesPerSecond: '--bandwidth',
  downtimeLimitSeconds: '--downtime-limit',
  maxRounds: '--max-rounds',
};

/** What each flag accepts beyond its parser's own forms, for the messages of values the model refuses. */
const AT_LEAST_ONE_BYTE = 'a memory size > 0, at least 1 byte (4Gi, 512Mi, 1G, or 1 for one byte)';
const AT_LEAST_ONE_BYTE_PER_SECOND = 'a bandwidth > 0, at least 1 byte per second (8bit, 1B/s; 1Gbit, 128MiB/s)';

/** The JSON `--json` prints. */
export interface MigrateEstimateJson {
  readonly converged: boolean;
  readonly rounds: readonly { readonly round: number; readonly bytes: number; readonly seconds: number }[];
  readonly totalSeconds: number;
  readonly downtimeSeconds: number;
  readonly bytesSent: number;
}

/** Parse `text` of `flag` with `parse`; a failure becomes a ValidationError led by the flag's name. */
function flag<T>(name: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    if (isStrataError(error) && error.code === 'E_VALIDATION') {
      throw new ValidationError(`${name}: ${error.message}`, { ...error.details, path: name }, { cause: error });
    }
    throw error;
  }
}

/** Run `strata vm migrate-estimate`. Bad flags are ValidationErrors (exit 2) naming the flag. */
export async function runMigrateEstimate(options: MigrateEstimateOptions, context: CommandContext): Promise<void> {
  const memoryBytes = flag('--memory', options.memory, parseMemory);
  // The parsers take 0 and the core refuses it in its own terms (memoryBytes, bytes/s): say it with the flag.
  if (memoryBytes < 1) throw invalid('--memory', AT_LEAST_ONE_BYTE, options.memory);
  const dirtyBytesPerSecond = flag('--dirty-rate', options.dirtyRate, parseBandwidth);
  const wssBytes = flag('--wss', options.wss, parseMemory);
  const bandwidthBytesPerSecond = flag('--bandwidth', options.bandwidth, parseBandwidth);
  if (bandwidthBytesPerSecond < 1) throw invalid('--bandwidth', AT_LEAST_ONE_BYTE_PER_SECOND, options.bandwidth);
  const downtimeUs = options.downtimeLimit === undefined ? undefined : flag('--downtime-limit', options.downtimeLimit, (text) => parseDuration(text));
  const maxRounds =
    options.maxRounds === undefined
      ? undefined
      : parseIntegerText('--max-rounds', options.maxRounds, { min: 0, max: 100_000, phrase: 'an integer from 0 to 100000', plural: 'integers from 0 to 100000' });
  let result: MigrationEstimate;
  try {
    result = estimateMigration({
      memoryBytes,
      dirtyBytesPerSecond,
      wssBytes,
      bandwidthBytesPerSecond,
      ...(downtimeUs === undefined ? {} : { downtimeLimitSeconds: downtimeUs / 1e6 }),
      ...(maxRounds === undefined ? {} : { maxRounds }),
      ...(options.autoConverge === true ? { autoConverge: true } : {}),
    });
  } catch (error) {
    throw renameField(error, options);
  }

  if (options.json === true) {
    await writeJson(migrateEstimateJson(result), context.io.writeOut, context.io.drained);
    return;
  }
  const lines = renderMigrateEstimate(result, { bandwidthBytesPerSecond, options });
  await writeLines(lines, context.io.writeOut, context.io.drained);
}

/** A core ValidationError about an input field, told in terms of the flag that gave it. */
function renameField(error: unknown, options: MigrateEstimateOptions): unknown {
  if (!isStrataError(error)) return error;
  if (error.code === 'E_LIMIT_EXCEEDED') {
    const also = options.autoConverge === true ? '' : ', or --auto-converge to throttle the guest as QEMU does';
    return new CliFailure(
      `this migration has not converged after 100,000 pre-copy rounds (its dirty set shrinks too slowly); give --max-rounds N to stop and copy after N rounds${also}`,
      { cause: error },
    );
  }
  const path = (error.details as { path?: unknown }).path;
  const name = typeof path === 'string' ? FLAG_OF[path] : undefined;
  if (error.code === 'E_VALIDATION' && name === '--wss') {
    return new ValidationError(`--wss: the writable working set (${options.wss}) must not exceed --memory (${options.memory})`, { path: '--wss' }, { cause: error });
  }
  if (error.code === 'E_VALIDATION' && name !== undefined) {
    // The core's message names its own field ("estimateMigration: memoryBytes must be ..."): keep what it says, under the flag's name.
    const said = error.message.replace(/^estimateMigration: \S+ /, '');
    return new ValidationError(`${name}: ${said}`, { ...error.details, path: name }, { cause: error });
  }
  return error;
}

/** The `--json` object: exactly converged, rounds [{round, bytes, seconds}], totalSeconds, downtimeSeconds, bytesSent. */
export function migrateEstimateJson(result: MigrationEstimate): MigrateEstimateJson {
  return {
    converged: result.converged,
    rounds: result.rounds.map((r) => ({ round: r.round, bytes: r.bytes, seconds: r.seconds })),
    totalSeconds: result.totalSeconds,
    downtimeSeconds: result.downtimeSeconds,
    bytesSent: result.bytesSent,
  };
}

const mib = (bytes: number): string => formatFixed(bytes / MiB, 2);
const seconds = (value: number): string => formatFixed(value, 3);

/** The text report: the rounds, the stop-and-copy, and the verdict. */
export function renderMigrateEstimate(
  result: MigrationEstimate,
  setup: { bandwidthBytesPerSecond: number; options: MigrateEstimateOptions },
): string[] {
  const { options } = setup;
  const throttled = result.rounds.some((r) => r.throttlePercent > 0);
  const columns = [
    { header: 'round', align: 'right' as const },
    { header: 'MiB', align: 'right' as const },
    { header: 'seconds', align: 'right' as const },
    ...(throttled ? [{ header: 'throttle', align: 'right' as const }] : []),
  ];
  const rows = result.rounds.map((r) => [String(r.round), mib(r.bytes), seconds(r.seconds), ...(throttled ? [`${r.throttlePercent}%`] : [])]);
  rows.push(['stop', mib(result.finalBytes), seconds(result.downtimeSeconds), ...(throttled ? [''] : [])]);
  const preCopy = result.totalSeconds - result.downtimeSeconds;
  const verdict = verdictLine(result);
  return [
    `pre-copy live migration estimate: memory ${options.memory}, dirty rate ${options.dirtyRate}, WSS ${options.wss}, bandwidth ${options.bandwidth} (${formatFixed(setup.bandwidthBytesPerSecond / MiB, 3)} MiB/s), downtime limit ${options.downtimeLimit ?? '300ms'}${options.autoConverge === true ? ', auto-converge' : ''}`,
    '',
    ...renderTable(columns, rows),
    '',
    verdict,
    `pre-copy ${seconds(preCopy)} s, downtime ${seconds(result.downtimeSeconds)} s, total ${seconds(result.totalSeconds)} s, sent ${mib(result.bytesSent)} MiB`,
  ];
}

/** Whether the migration converges, and why it stopped. */
function verdictLine(result: MigrationEstimate): string {
  const left = mib(result.finalBytes);
  const limit = mib(result.thresholdBytes);
  switch (result.stop) {
    case 'converged':
      return result.rounds.length === 0
        ? `converges at once: all ${left} MiB fit the limit (${limit} MiB at the bandwidth), a stop-and-copy with no pre-copy round`
        : `converges: ${left} MiB left after round ${result.rounds.length - 1} fits the limit (${limit} MiB at the bandwidth)`;
    case 'max-rounds':
      return `does not converge: stopped after ${result.rounds.length} rounds (--max-rounds) with ${left} MiB left, over the limit of ${limit} MiB`;
    case 'no-progress':
      return `does not converge: round ${result.rounds.length - 1} repeats the last (${left} MiB dirtied each round, over the limit of ${limit} MiB); QEMU would iterate forever, the downtime shown is a forced stop-and-copy's`;
    default: {
      const never: never = result.stop;
      return never;
    }
  }
}

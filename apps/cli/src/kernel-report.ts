// What `strata kernel run FILE` prints: the JSON document of a kernel experiment's result, or
// text: a table of counters per cgroup, a process table, the event log and the processes' output.

import type { KernelEvent, KernelExperimentResult, ProcessReport } from '@strata/core-container';
import { formatFixed } from './format-fixed.js';
import { renderTable } from './text-table.js';

/** The experiment's setup as the text header shows it (from the validated file). */
export interface KernelRunSetup {
  readonly file: string;
  readonly cpus: number;
  /** Bytes. */
  readonly memory: number;
  readonly fidelity: string;
  /** Each listed cgroup's files as written in the file, shown beside its counters. */
  readonly cgroups: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
}

/** One process in the JSON output: the keys, any other field the kernel reports, and `output` (the lines it printed). */
export interface KernelProcessJson {
  readonly name: string;
  readonly pid: number;
  readonly cgroup: string;
  readonly cpuUsec: number;
  readonly exit: ProcessReport['exit'];
  readonly forks: ProcessReport['forks'];
  readonly output: ProcessReport['output'];
}

/** The JSON document `strata kernel run --json` prints; `cgroups` and `events` are the kernel's, passed through whole. */
export interface KernelRunJson {
  readonly duration_us: number;
  readonly cgroups: KernelExperimentResult['cgroups'];
  readonly processes: readonly KernelProcessJson[];
  readonly events: readonly KernelEvent[];
}

/** The result as printed by --json: keys in a fixed order, every cgroup file and process field the kernel reported. */
export function kernelJson(result: KernelExperimentResult): KernelRunJson {
  return {
    duration_us: result.duration_us,
    cgroups: result.cgroups,
    // The keys first, in its order; whatever else the kernel reports of a process follows, and its output last.
    processes: result.processes.map(({ name, pid, cgroup, cpuUsec, exit, forks, output, ...more }) => ({ name, pid, cgroup, cpuUsec, exit, forks, ...more, output })),
    events: result.events,
  };
}

/** What a process's `serve` steps did, as the kernel reports it (µs); read structurally so that a kernel without it still type-checks. */
interface ServeSummary {
  readonly arrived: number;
  readonly completed: number;
  readonly dropped: number;
  readonly latencyUs: { readonly mean: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number } | null;
}

/** Fields of keyed files shown in text (the JSON has them all); files not listed show every field. */
const TEXT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'cpu.stat': ['usage_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'],
  'memory.stat': ['anon', 'file'],
};

/** Files (and memory.stat fields) that count bytes: the text adds KiB/MiB/GiB beside them. */
const BYTE_FILES = new Set(['memory.current', 'memory.peak', 'memory.swap.current', 'memory.swap.peak', 'memory.stat']);

/** `usec` as seconds with six decimals, exactly (`1500` → `0.001500`). */
export function formatSeconds(usec: number): string {
  return `${Math.floor(usec / 1_000_000)}.${String(usec % 1_000_000).padStart(6, '0')}`;
}

/** A duration in µs for people, without trailing zeros: `0 s`, `750 µs`, `1.5 ms`, `400 ms`, `2.000001 s`, `5 min`, `100 h`. */
export function formatMicros(usec: number): string {
  const trim = (text: string): string => text.replace(/\.?0+$/, '');
  if (usec === 0) return '0 s';
  if (usec >= 3_600_000_000 && usec % 3_600_000_000 === 0) return `${usec / 3_600_000_000} h`;
  if (usec >= 60_000_000 && usec % 60_000_000 === 0) return `${usec / 60_000_000} min`;
  if (usec < 1000) return `${usec} µs`;
  if (usec < 1_000_000) return `${trim(formatFixed(usec / 1000, 3))} ms`;
  return `${trim(formatSeconds(usec))} s`;
}

/** Bytes for people in binary units: `4096 B` stays exact below 1 KiB, then `64 MiB`, `1.5 GiB` (one decimal unless exact). */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? String(value) : formatFixed(value, 1)} ${units[unit]!}`;
}

/** The unit note beside a counter: a duration for `_usec` fields, a size for byte counters, else nothing. */
function humanValue(file: string, field: string | undefined, value: number): string {
  if ((field ?? file).endsWith('_usec')) return value === 0 ? '' : formatMicros(value);
  if (BYTE_FILES.has(file)) return value === 0 ? '' : formatBytes(value);
  return '';
}

/** One cgroup's counters as table rows: `file field`, value, unit note. */
function counterRows(report: KernelExperimentResult['cgroups'][string]): string[][] {
  const rows: string[][] = [];
  for (const [file, value] of Object.entries(report)) {
    if (typeof value === 'number') {
      rows.push([file, String(value), humanValue(file, undefined, value)]);
      continue;
    }
    const fields = TEXT_FIELDS[file] ?? Object.keys(value);
    for (const field of fields) {
      const n = value[field];
      if (n !== undefined) rows.push([`${file} ${field}`, String(n), humanValue(file, field, n)]);
    }
  }
  return rows;
}

/** How a process ended, for the table. */
function exitText(exit: ProcessReport['exit']): string {
  if (exit === null) return 'alive';
  return 'code' in exit ? `code ${exit.code}` : exit.signal;
}

/** A process as `name[pid]`. */
function processLabel(name: string, pid: number): string {
  return `${name}[${pid}]`;
}

/** What an event says, in words; kinds this CLI does not know print their fields as `key=value`. */
export function describeEvent(event: KernelEvent, names: ReadonlyMap<number, string>): string {
  const e = event as unknown as Record<string, unknown> & { type: string };
  const who = (pid: unknown): string => (typeof pid === 'number' ? processLabel(names.get(pid) ?? '?', pid) : String(pid));
  switch (e.type) {
    case 'process.exited': {
      const exit = e['exit'] as ProcessReport['exit'];
      const how = exit === null ? 'exited' : 'code' in exit ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
      return `${who(e['pid'])} in ${String(e['cgroup'])} ${how}`;
    }
    case 'pids.fork_failed':
      return `${who(e['pid'])} in ${String(e['cgroup'])}: fork failed with EAGAIN (pids.max reached)`;
    case 'cgroup.throttled':
      return `${String(e['cgroup'])} used up its cpu.max quota; throttled until the next period`;
    case 'memory.oom_kill':
      return `${who(e['pid'])} killed by the OOM killer of ${String(e['cgroup'])} (badness ${String(e['points'])}${e['group'] === true ? ', memory.oom.group' : ''})`;
    case 'memory.high_exceeded':
      return `${who(e['pid'])} took ${String(e['cgroup'])} over memory.high; throttled for ${typeof e['delayUs'] === 'number' ? formatMicros(e['delayUs']) : String(e['delayUs'])}`;
    default:
      return Object.entries(e)
        .filter(([key]) => key !== 'type' && key !== 'time')
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
  }
}

/** The event log as rows (time, event, details); a run of identical events at one time is one row with `×N`. */
function eventRows(events: readonly KernelEvent[], names: ReadonlyMap<number, string>): string[][] {
  const rows: string[][] = [];
  let last: { time: number; type: string; details: string; count: number } | undefined;
  const flush = (): void => {
    if (last !== undefined) rows.push([formatSeconds(last.time), last.type, last.count > 1 ? `${last.details} ×${last.count}` : last.details]);
  };
  for (const event of events) {
    const details = describeEvent(event, names);
    if (last !== undefined && last.time === event.time && last.type === event.type && last.details === details) {
      last.count += 1;
      continue;
    }
    flush();
    last = { time: event.time, type: event.type, details, count: 1 };
  }
  flush();
  return rows;
}

/** A cgroup's settings from the file, on one line: `cpu.weight 100 · pids.max 5`. */
function settingsText(files: Readonly<Record<string, string | undefined>> | undefined): string {
  if (files === undefined) return '';
  return Object.entries(files)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([file, value]) => `${file} ${value}`)
    .join(' · ');
}

/**
 * The text report as lines, section by section: a header, one counter table per cgroup (the
 * files the kernel reported, keyed ones by field), the process table, the request servers' counts
 * and latencies (when a process served requests), the event log and the processes' output in time order.
 */
export function renderKernelText(result: KernelExperimentResult, setup: KernelRunSetup): string[] {
  const lines: string[] = [];
  const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  lines.push(
    `${setup.file}: ${formatMicros(result.duration_us)} simulated, ${plural(setup.cpus, 'CPU')}, ${formatBytes(setup.memory)} memory, ${setup.fidelity} fidelity, ${plural(result.processes.length, 'process', 'processes')}`,
  );

  for (const [path, report] of Object.entries(result.cgroups)) {
    const settings = settingsText(setup.cgroups[path]);
    lines.push('', settings === '' ? `cgroup ${path}` : `cgroup ${path}  (${settings})`);
    const rows = counterRows(report);
    if (rows.length === 0) lines.push('  (no counters: no controller is enabled here)');
    else
      lines.push(
        ...renderTable(
          [
            { header: 'counter', align: 'left' },
            { header: 'value', align: 'right' },
            { header: '', align: 'left' },
          ],
          rows,
        ).map((line) => `  ${line}`.trimEnd()),
      );
  }

  lines.push('', 'processes');
  lines.push(
    ...renderTable(
      [
        { header: 'pid', align: 'right' },
        { header: 'name', align: 'left' },
        { header: 'cgroup', align: 'left' },
        { header: 'CPU (ms)', align: 'right' },
        { header: 'exit', align: 'left' },
        { header: 'forks ok', align: 'right' },
        { header: 'failed', align: 'right' },
      ],
      result.processes.map((p) => [
        String(p.pid),
        p.name,
        p.cgroup,
        formatFixed(p.cpuUsec / 1000, 1),
        exitText(p.exit),
        String(p.forks.ok),
        p.forks.failed === 0 || p.forks.errno === null ? String(p.forks.failed) : `${p.forks.failed} ${p.forks.errno}`,
      ]),
    ).map((line) => `  ${line}`),
  );

  const servers = result.processes.flatMap((p) => {
    const serve = (p as { readonly serve?: ServeSummary | null }).serve;
    return serve === undefined || serve === null ? [] : [{ p, serve }];
  });
  if (servers.length > 0) {
    const ms = (usec: number | undefined): string => (usec === undefined ? '-' : formatFixed(usec / 1000, 3));
    lines.push('', 'request servers (latency in ms: arrival to completion)');
    lines.push(
      ...renderTable(
        [
          { header: 'pid', align: 'right' },
          { header: 'name', align: 'left' },
          { header: 'arrived', align: 'right' },
          { header: 'completed', align: 'right' },
          { header: 'dropped', align: 'right' },
          { header: 'mean', align: 'right' },
          { header: 'p50', align: 'right' },
          { header: 'p90', align: 'right' },
          { header: 'p99', align: 'right' },
          { header: 'max', align: 'right' },
        ],
        servers.map(({ p, serve }) => {
          const l = serve.latencyUs;
          return [String(p.pid), p.name, String(serve.arrived), String(serve.completed), String(serve.dropped), ms(l?.mean), ms(l?.p50), ms(l?.p90), ms(l?.p99), ms(l?.max)];
        }),
      ).map((line) => `  ${line}`),
    );
  }

  const names = new Map(result.processes.map((p) => [p.pid, p.name]));
  lines.push('', 'events');
  const events = eventRows(result.events, names);
  if (events.length === 0) lines.push('  (none)');
  else
    lines.push(
      ...renderTable(
        [
          { header: 'time (s)', align: 'right' },
          { header: 'event', align: 'left' },
          { header: 'details', align: 'left' },
        ],
        events,
      ).map((line) => `  ${line}`),
    );

  const output = result.processes
    .flatMap((p) => p.output.map((line) => ({ ...line, from: line.stream === 'stderr' ? `${processLabel(p.name, p.pid)} (stderr)` : processLabel(p.name, p.pid) })))
    // Stable: lines at one time keep process order, then print order.
    .sort((a, b) => a.time - b.time);
  if (output.length > 0) {
    lines.push('', 'output');
    lines.push(
      ...renderTable(
        [
          { header: 'time (s)', align: 'right' },
          { header: 'process', align: 'left' },
          { header: 'line', align: 'left' },
        ],
        output.map((o) => [formatSeconds(o.time), o.from, o.text]),
      ).map((line) => `  ${line}`),
    );
  }

  lines.push('', 'counters as the kernel prints them (cpu.stat in µs, memory in bytes); CPU (ms) = CPU time used; times in seconds from the start');
  return lines;
}

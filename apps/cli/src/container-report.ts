// What `strata container run FILE` prints: the JSON document of a session's result, or text in
// Docker's own shapes: `docker events` lines (the wall-clock timestamp replaced by the simulated
// time, `+12.345678s`), each command as a `$ docker ...` line followed by what the docker CLI
// would print for it, then `docker ps -a` and a summary of `docker inspect` per container.

import { formatBinarySize, formatDecimalSize, formatPercent, humanDuration } from '@strata/core-container';
import type { ContainerCommandOutcome, ContainerCommandOutput, ContainerEvent, ContainerInspect, ContainerSessionResult, ContainerStats, ContainerSummary, ContainerTopRow } from '@strata/core-container';
import { bytes, cpuMillis, formatDockerCpus, formatDockerMemory, formatDuration, formatRestartPolicy, micros } from '@strata/shared-types';
import type { ContainerSessionCommand, ContainerSpec, ContainerSpecUpdate } from '@strata/shared-types';
import { formatBytes, formatMicros, formatSeconds } from './kernel-report.js';

/** The session's setup as the text header shows it (from the validated file). */
export interface ContainerRunSetup {
  readonly file: string;
  readonly cpus: number;
  /** Bytes. */
  readonly memory: number;
  readonly fidelity: string;
  readonly seed: number | string;
  /** The file's commands, in order (the outcomes point at them by index). */
  readonly commands: readonly ContainerSessionCommand[];
}

/** The JSON document `strata container run --json` prints: the core's result, keys in a fixed order. */
export interface ContainerRunJson {
  readonly duration_us: number;
  readonly events: ContainerSessionResult['events'];
  readonly outcomes: ContainerSessionResult['outcomes'];
  readonly ps: ContainerSessionResult['ps'];
  readonly inspect: ContainerSessionResult['inspect'];
  readonly eventsDropped: number;
  readonly outputsOmitted: number;
}

/** The result as --json prints it. */
export function containerJson(result: ContainerSessionResult): ContainerRunJson {
  return { duration_us: result.duration_us, events: result.events, outcomes: result.outcomes, ps: result.ps, inspect: result.inspect, eventsDropped: result.eventsDropped, outputsOmitted: result.outputsOmitted };
}

/** A simulated time as the text prints it: `+12.345678s` from the start of the session. */
export function formatAt(us: number): string {
  return `+${formatSeconds(us)}s`;
}

/**
 * One `docker events` line with the simulated time for the timestamp:
 * `+12.345678s container die <full id> (exitCode=137, image=web, name=w1)`, attributes sorted by
 * key as the docker CLI sorts them (image labels included, as Docker includes them).
 */
export function formatEvent(event: ContainerEvent): string {
  const attributes = Object.keys(event.attributes)
    .sort()
    .map((key) => `${key}=${event.attributes[key] ?? ''}`)
    .join(', ');
  return `${formatAt(event.time)} ${event.type} ${event.action} ${event.id}${attributes === '' ? '' : ` (${attributes})`}`;
}

/**
 * A table as the docker CLI prints it (Go's tabwriter with minwidth 10, padding 3): each column but
 * the last is as wide as its widest cell plus 3 and at least 10; no rule; trailing spaces dropped.
 */
export function dockerTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, c) => Math.max(10, Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)) + 3));
  const line = (cells: readonly string[]): string =>
    headers
      .map((_, c) => (c === headers.length - 1 ? (cells[c] ?? '') : (cells[c] ?? '').padEnd(widths[c]!)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** `docker ps -a`'s rows: 12-digit id, image, quoted command (20 characters, `…` when cut), CREATED at `now`, STATUS, PORTS, NAMES. */
export function psTable(rows: readonly ContainerSummary[], now: number): string[] {
  const command = (c: string): string => {
    const quoted = `"${c}"`;
    return quoted.length > 20 ? `${quoted.slice(0, 19)}…` : quoted;
  };
  return dockerTable(
    ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
    rows.map((r) => [r.id.slice(0, 12), r.image, command(r.command), `${humanDuration(now - r.created)} ago`, r.statusText, r.ports, r.name]),
  );
}

/** `docker stats --no-stream`'s columns for samples, with docker's number formats. */
export function statsTable(samples: readonly ContainerStats[]): string[] {
  return dockerTable(
    ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'],
    samples.map((s) => [
      s.id.slice(0, 12),
      s.name,
      formatPercent(s.cpuPercent),
      `${formatBinarySize(s.memoryUsage)} / ${formatBinarySize(s.memoryLimit)}`,
      formatPercent(s.memoryPercent),
      `${formatDecimalSize(s.netRx)} / ${formatDecimalSize(s.netTx)}`,
      `${formatDecimalSize(s.blockRead)} / ${formatDecimalSize(s.blockWrite)}`,
      String(s.pids),
    ]),
  );
}

/** CPU time as ps's TIME column: `[DD-]HH:MM:SS`. */
export function psTime(us: number): string {
  const total = Math.floor(us / 1_000_000);
  const days = Math.floor(total / 86_400);
  const hms = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${String(days).padStart(2, '0')}-${hms}` : hms;
}

/** `docker top CONTAINER -eo uid,pid,ppid,stat,time,comm`. */
export function topTable(rows: readonly ContainerTopRow[]): string[] {
  return dockerTable(
    ['UID', 'PID', 'PPID', 'STAT', 'TIME', 'COMMAND'],
    rows.map((r) => [String(r.uid), String(r.pid), String(r.ppid), r.stat, psTime(r.cpuUsec), r.cmd]),
  );
}

const memoryWord = (n: number): string => (n < 0 ? String(n) : formatDockerMemory(bytes(n)));

/** Flags of `docker update` for a patch, in the order docker's help lists them. */
function updateFlags(u: ContainerSpecUpdate): string[] {
  const out: string[] = [];
  if (u.cpus !== undefined) out.push('--cpus', formatDockerCpus(cpuMillis(u.cpus)));
  if (u.cpuShares !== undefined) out.push('--cpu-shares', String(u.cpuShares));
  if (u.cpusetCpus !== undefined) out.push('--cpuset-cpus', u.cpusetCpus);
  if (u.memory !== undefined) out.push('-m', memoryWord(u.memory));
  if (u.memoryReservation !== undefined) out.push('--memory-reservation', memoryWord(u.memoryReservation));
  if (u.memorySwap !== undefined) out.push('--memory-swap', memoryWord(u.memorySwap));
  if (u.pidsLimit !== undefined) out.push('--pids-limit', String(u.pidsLimit));
  if (u.restart !== undefined) out.push('--restart', formatRestartPolicy(u.restart));
  return out;
}

/** A word for the shell line: quoted when it holds anything but plain characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const PROGRAM_NOTE = /^<program of \d+ steps?>$/;

/** The command part of a run line: a program name of the image, or a note that the file gives steps. */
function programWord(command: ContainerSpec['command']): string[] {
  if (command === undefined) return [];
  return typeof command === 'string' ? [command] : [`<program of ${command.length} step${command.length === 1 ? '' : 's'}>`];
}

/** `docker run -d` / `docker create` flags of a spec, in docker run's flag words. */
function runFlags(s: ContainerSpec): string[] {
  const out: string[] = [];
  const flag = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) out.push(name, String(value));
  };
  flag('--name', s.name);
  if (s.autoRemove === true) out.push('--rm');
  if (s.restart !== undefined && s.restart.name !== 'no') flag('--restart', formatRestartPolicy(s.restart));
  if (s.memory !== undefined) flag('-m', memoryWord(s.memory));
  if (s.memorySwap !== undefined) flag('--memory-swap', memoryWord(s.memorySwap));
  if (s.memoryReservation !== undefined) flag('--memory-reservation', memoryWord(s.memoryReservation));
  if (s.cpus !== undefined) flag('--cpus', formatDockerCpus(cpuMillis(s.cpus)));
  flag('--cpu-shares', s.cpuShares);
  flag('--cpuset-cpus', s.cpusetCpus);
  flag('--pids-limit', s.pidsLimit);
  flag('--oom-score-adj', s.oomScoreAdj);
  for (const d of s.deviceIo ?? []) flag(`--device-${{ rbps: 'read-bps', wbps: 'write-bps', riops: 'read-iops', wiops: 'write-iops' }[d.kind]}`, `${d.device}:${d.value}`);
  for (const n of s.networks ?? []) {
    flag('--network', n.name);
    for (const a of n.aliases ?? []) flag('--network-alias', a);
  }
  flag('--network', s.networkMode);
  for (const p of s.ports ?? []) flag('-p', p);
  for (const m of s.mounts ?? []) flag('-v', `${m.source === '' ? '' : `${m.source}:`}${m.destination}${m.readOnly ? ':ro' : ''}`);
  for (const [k, v] of Object.entries(s.env ?? {})) flag('-e', `${k}=${v}`);
  for (const [k, v] of Object.entries(s.labels ?? {})) flag('--label', `${k}=${v}`);
  if (s.user !== undefined) flag('-u', `${s.user.uid}:${s.user.gid}`);
  flag('-w', s.workingDir);
  flag('--hostname', s.hostname);
  flag('--pid', s.pidMode);
  flag('--ipc', s.ipcMode);
  flag('--uts', s.utsMode);
  flag('--stop-signal', s.stopSignal);
  flag('--stop-timeout', s.stopTimeout);
  return out;
}

/** The docker CLI line a session command stands for (`docker run -d --name w1 -m 64m web`). */
export function dockerCommandLine(c: ContainerSessionCommand): string {
  const words = ((): string[] => {
    switch (c.type) {
      case 'create':
        return ['create', ...runFlags(c.spec), c.spec.image, ...programWord(c.spec.command)];
      case 'run':
        return ['run', '-d', ...runFlags(c.spec), c.spec.image, ...programWord(c.spec.command)];
      case 'start':
      case 'pause':
      case 'unpause':
      case 'inspect':
        return [c.type, c.container];
      case 'top':
        return ['top', c.container, '-eo', 'uid,pid,ppid,stat,time,comm'];
      case 'stats':
        return ['stats', '--no-stream', c.container];
      case 'stop':
        return ['stop', ...(c.time === undefined ? [] : ['-t', String(c.time)]), ...(c.signal === undefined ? [] : ['-s', c.signal]), c.container];
      case 'kill':
        return ['kill', ...(c.signal === 'SIGKILL' ? [] : ['-s', c.signal]), c.container];
      case 'restart':
        return ['restart', ...(c.time === undefined ? [] : ['-t', String(c.time)]), c.container];
      case 'exec': {
        const user = c.user === undefined ? [] : ['-u', `${c.user.uid}:${c.user.gid}`];
        const env = Object.entries(c.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
        return ['exec', '-d', ...user, ...env, c.container, ...programWord(c.command)];
      }
      case 'update':
        return ['update', ...updateFlags(c.update), c.container];
      case 'wait':
        return ['wait', c.container];
      case 'rename':
        return ['rename', c.container, c.name];
      case 'rm':
        return ['rm', ...(c.force ? ['-f'] : []), c.container];
      case 'logs':
        return ['logs', ...(c.tail === undefined ? [] : ['--tail', String(c.tail)]), ...(c.since === undefined ? [] : ['--since', formatDuration(micros(c.since))]), c.container];
      case 'ps':
        return ['ps', ...(c.all ? ['-a'] : [])];
      default: {
        const never: never = c;
        return [String(never)];
      }
    }
  })();
  return ['docker', ...words.map((w) => (PROGRAM_NOTE.test(w) ? w : shellWord(w)))].join(' ');
}

/** What the docker CLI prints for an output (lines starting `# ` are the simulator's notes, not docker's). */
export function outputLines(output: ContainerCommandOutput, outcome: ContainerCommandOutcome): string[] {
  switch (output.type) {
    case 'id':
      return [output.id];
    case 'ack':
      return output.notModified === undefined ? [output.container] : [output.container, `# the daemon answered 304 (${output.notModified}); the docker CLI reports success`];
    case 'none':
      return [];
    case 'exec':
      return [`# exec ${output.execId} started: pid ${output.pid} in the container, ${output.globalPid} on the host (docker exec -d prints nothing)`];
    case 'wait':
      return output.statusCode === null
        ? [`# still waiting at the end of the session (condition ${output.condition})`]
        : [
            String(output.statusCode),
            ...(output.at !== null && output.at !== outcome.at ? [`# returned at ${formatAt(output.at)}`] : []),
            ...(output.condition === 'not-running' ? [] : [`# condition ${output.condition} (the API's; the docker CLI waits for not-running)`]),
          ];
    case 'logs':
      return output.lines.map((l) => l.text);
    case 'top':
      return topTable(output.processes);
    case 'inspect':
      return inspectJson([output.inspect]);
    case 'stats':
      return statsTable([output.stats]);
    case 'ps':
      return psTable(output.rows, outcome.at);
    case 'omitted':
      return [`# ${output.rows} rows not kept (the report keeps 1,000,000 rows of output)`];
    default: {
      const never: never = output;
      return [String(never)];
    }
  }
}

/** `docker inspect`'s JSON: an array, four-space indented as docker prints it. */
function inspectJson(items: readonly ContainerInspect[]): string[] {
  return JSON.stringify(items, null, 4).split('\n');
}

/** The inspect summary of the end: one row per container. */
function inspectSummary(items: readonly ContainerInspect[]): string[] {
  const time = (t: number | null): string => (t === null ? '-' : formatAt(t));
  return dockerTable(
    ['NAME', 'STATUS', 'EXITCODE', 'OOMKILLED', 'RESTARTCOUNT', 'PID', 'STARTEDAT', 'FINISHEDAT', 'RESTARTPOLICY', 'MEMORY', 'IPADDRESS'],
    items.map((i) => [
      i.Name,
      i.State.Status,
      String(i.State.ExitCode),
      String(i.State.OOMKilled),
      String(i.RestartCount),
      String(i.State.Pid),
      time(i.State.StartedAt),
      time(i.State.FinishedAt),
      i.HostConfig.RestartPolicy.Name === 'on-failure' ? `on-failure:${i.HostConfig.RestartPolicy.MaximumRetryCount}` : i.HostConfig.RestartPolicy.Name,
      i.HostConfig.Memory === 0 ? '0' : formatBytes(i.HostConfig.Memory).replace(' ', ''),
      Object.values(i.NetworkSettings.Networks).map((n) => n.IPAddress).filter((a) => a !== '').join(',') || '-',
    ]),
  );
}

/** The text report: a header, the events, each command with its output, `docker ps -a` at the end and the inspect summary. */
export function renderContainerText(result: ContainerSessionResult, setup: ContainerRunSetup): string[] {
  const refused = result.outcomes.filter((o) => o.status === 'error').length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines: string[] = [
    `${setup.file}: ${formatMicros(result.duration_us)} simulated, ${plural(setup.cpus, 'CPU')}, ${formatBytes(setup.memory)} memory, ${setup.fidelity} fidelity, seed ${String(setup.seed)}; ${plural(result.outcomes.length, 'command')}, ${refused} refused`,
    '',
    `events (docker events; +seconds of simulated time stand for the timestamp)`,
  ];
  for (const e of result.events) lines.push(formatEvent(e));
  if (result.events.length === 0) lines.push('(none)');
  if (result.eventsDropped > 0) lines.push(`# ${result.eventsDropped} later events not kept (the report keeps the first ${result.events.length})`);
  lines.push('', 'commands ($ the docker command at its time, then what docker prints)');
  for (const outcome of result.outcomes) {
    const command = setup.commands[outcome.index];
    lines.push(`${formatAt(outcome.at)} $ ${command === undefined ? `docker ${outcome.command}` : dockerCommandLine(command)}`);
    const out = outcome.status === 'ok' ? outputLines(outcome.output, outcome) : [outcome.error.message];
    for (const l of out) lines.push(l === '' ? '' : `  ${l}`);
  }
  if (result.outcomes.length === 0) lines.push('(none)');
  lines.push('', `docker ps -a (at ${formatAt(result.duration_us)})`, ...psTable(result.ps, result.duration_us));
  lines.push('', 'docker inspect (summary; --json has every field)');
  lines.push(...(result.inspect.length === 0 ? ['(no containers)'] : inspectSummary(result.inspect)));
  lines.push('', 'times are simulated: +seconds from the start of the session; exit codes 128+N are deaths by signal N (137: SIGKILL)');
  return lines;
}

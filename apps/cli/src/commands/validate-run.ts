// The work of `strata validate`: load the scenario through core-cluster's loader (files read by
// node:fs, confined to the scenario's folder), then print its summary or its located problems.

import type { LoadedScenario } from '@strata/core-cluster';
import { formatDuration, formatMemory, micros, bytes } from '@strata/shared-types';
import { loadOrListIssues, locatedIssues, notValidError } from '../scenario-issues.js';
import { pad } from '../text-table.js';
import { readScenarioSource } from '../scenario-source.js';
import type { CommandContext } from './context.js';

/** The flags of `strata validate`, as commander hands them over (declared here, beside the work, so validate.ts and this file do not import each other). */
export interface ValidateOptions {
  readonly json?: boolean;
}

/** The counts `strata validate --json` prints for a valid scenario. */
export interface ValidateSummaryJson {
  readonly valid: true;
  readonly path: string;
  readonly name: string;
  readonly version: number;
  readonly seed: number | string;
  readonly fidelity: 'fluid' | 'exact';
  readonly hosts: { readonly templates: number; readonly instances: number; readonly cpus: number; readonly memoryBytes: number };
  readonly vms: { readonly templates: number; readonly instances: number; readonly vcpus: number; readonly memoryBytes: number };
  readonly containers: { readonly templates: number; readonly instances: number };
  readonly networks: number;
  readonly workloads: readonly { readonly kind: 'batch'; readonly file: string; readonly jobs: number; readonly guestScheduler: string }[];
  readonly actions: { readonly count: number; readonly firstUs: number | null; readonly lastUs: number | null; readonly byCommand: Readonly<Record<string, number>> };
  /** Null: until no work is left. */
  readonly durationUs: number | null;
  readonly placement: string;
  readonly files: readonly string[];
}

/** Lines of a CSV after its header, ignoring blank lines. */
function dataRows(text: string): number {
  let rows = 0;
  let start = 0;
  let first = true;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text.slice(start, end).trim() !== '') {
      if (first) first = false;
      else rows += 1;
    }
    start = end + 1;
  }
  return rows;
}

/** The summary of a loaded scenario. */
export async function summarize(path: string, loaded: LoadedScenario): Promise<ValidateSummaryJson> {
  const { indexMachines } = await import('@strata/core-cluster');
  const { scenario, files, sources } = loaded;
  const count = (t: { count?: number | undefined }) => t.count ?? 1;
  const index = indexMachines(scenario);
  const slash = path.lastIndexOf('/');
  const folder = slash < 0 ? '' : path.slice(0, slash);
  let containers = 0;
  for (const c of scenario.containers) {
    const target = index.resolve(c.on);
    if (target === undefined) continue;
    const machine = target.kind === 'vm' ? scenario.vms[target.template] : scenario.hosts[target.template];
    containers += (target.instance === undefined && machine !== undefined ? count(machine) : 1) * c.count;
  }
  const byCommand: Record<string, number> = {};
  for (const a of scenario.actions) byCommand[a.do] = (byCommand[a.do] ?? 0) + 1;
  const times = scenario.actions.map((a) => a.at);
  return {
    valid: true,
    path,
    name: scenario.name,
    version: scenario.version,
    seed: scenario.seed,
    fidelity: scenario.fidelity,
    hosts: {
      templates: scenario.hosts.length,
      instances: scenario.hosts.reduce((s, h) => s + count(h), 0),
      cpus: scenario.hosts.reduce((s, h) => s + count(h) * h.cpus, 0),
      memoryBytes: scenario.hosts.reduce((s, h) => s + count(h) * h.memory, 0),
    },
    vms: {
      templates: scenario.vms.length,
      instances: scenario.vms.reduce((s, v) => s + count(v), 0),
      vcpus: scenario.vms.reduce((s, v) => s + count(v) * v.vcpus, 0),
      memoryBytes: scenario.vms.reduce((s, v) => s + count(v) * v.memory, 0),
    },
    containers: { templates: scenario.containers.length, instances: containers },
    networks: scenario.networks.length,
    workloads: scenario.workloads.map((w) => ({ kind: w.kind, file: w.file, jobs: dataRows(files.get(w.file) ?? ''), guestScheduler: w.guestScheduler })),
    actions: { count: times.length, firstUs: times.length === 0 ? null : Math.min(...times), lastUs: times.length === 0 ? null : Math.max(...times), byCommand },
    durationUs: scenario.duration ?? null,
    placement: typeof scenario.placement === 'string' ? scenario.placement : `profile ${scenario.placement.profile}`,
    files: [...sources.keys(), ...[...files.keys()].map((f) => (folder === '' ? f : `${folder}/${f}`))],
  };
}

const dur = (us: number): string => formatDuration(micros(us));
const mem = (b: number): string => (Number.isSafeInteger(b) ? formatMemory(bytes(b)) : `${(b / 2 ** 30).toFixed(0)}Gi`);
const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The text summary: a heading and one row per part. */
export function renderSummary(s: ValidateSummaryJson): string[] {
  const commands = Object.entries(s.actions.byCommand).map(([k, n]) => `${k} ${n}`).join(', ');
  const rows: string[][] = [
    ['hosts', `${plural(s.hosts.instances, 'host')} from ${plural(s.hosts.templates, 'template')}: ${s.hosts.cpus.toLocaleString('en-US')} CPUs, ${mem(s.hosts.memoryBytes)} memory`],
    ['VMs', `${plural(s.vms.instances, 'VM')} from ${plural(s.vms.templates, 'template')}: ${s.vms.vcpus.toLocaleString('en-US')} vCPUs, ${mem(s.vms.memoryBytes)} memory; placement ${s.placement}`],
    ['containers', `${plural(s.containers.instances, 'container')} from ${plural(s.containers.templates, 'template')}`],
    ['networks', String(s.networks)],
    ['workloads', s.workloads.length === 0 ? 'none' : s.workloads.map((w) => `${w.kind} ${w.file} (${plural(w.jobs, 'job')}, ${w.guestScheduler})`).join('; ')],
    ['actions', s.actions.count === 0 ? 'none' : `${s.actions.count} from ${dur(s.actions.firstUs ?? 0)} to ${dur(s.actions.lastUs ?? 0)} (${commands})`],
    ['duration', s.durationUs === null ? 'until no work is left' : dur(s.durationUs)],
  ];
  const heading = `${s.path}: valid — scenario "${s.name}" (version ${s.version}, seed ${String(s.seed)}, ${s.fidelity}; ${plural(s.files.length, 'file')} read)`;
  return [heading, ...rows.map(([label = '', value = '']) => `  ${pad(label, 10, 'left')}  ${value}`)];
}

/**
 * Run `strata validate SCENARIO`: the summary on stdout (exit 0), or each problem on its own line on
 * stderr followed by a ValidationError counting them (exit 2). With --json the result goes to stdout
 * either way.
 */
export async function validateScenario(file: string, options: ValidateOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const { loadScenario } = await import('@strata/core-cluster');
  const source = readScenarioSource(io, file);
  const load = (): LoadedScenario => loadScenario(source.text, { path: file, readFile: source.readFile });
  let loaded: LoadedScenario;
  if (options.json === true) {
    try {
      loaded = load();
    } catch (error) {
      const issues = locatedIssues(error);
      if (issues === undefined) throw error;
      io.writeOut(`${JSON.stringify({ valid: false, path: file, issues }, null, 2)}\n`);
      throw notValidError(file, issues.length, false);
    }
  } else {
    loaded = loadOrListIssues(file, load, io.writeErr);
  }
  const summary = await summarize(file, loaded);
  if (options.json === true) io.writeOut(`${JSON.stringify(summary, null, 2)}\n`);
  else io.writeOut(`${renderSummary(summary).join('\n')}\n`);
}

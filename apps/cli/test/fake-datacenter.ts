// A small stand-in for @strata/core-cluster in the CLI's in-process tests: loadScenario validates
// with the real ScenarioSchema (errors as `file: path: message`), and the datacenter emits a
// seeded, deterministic set of events, series and a report derived from the scenario.

import type { ClusterEvent, DatacenterOptions, HostView, RunReport, Series, Summary } from '@strata/core-cluster';
import { ScenarioSchema, ValidationError, formatIssuePath } from '@strata/shared-types';
import type { Micros, Scenario } from '@strata/shared-types';
import { parse } from 'yaml';
import type { BatchOutcome, CliDatacenter, ClusterDeps } from '../src/cluster-deps.js';

/** What the fake was asked: the scenarios it loaded and the files it read. */
export interface FakeCluster extends ClusterDeps {
  readonly loaded: Scenario[];
  readonly reads: string[];
}

const summary = (values: readonly number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { count: values.length, mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, p50: at(50), p95: at(95), p99: at(99) };
};

const us = (n: number): Micros => n as Micros;

/** A tiny deterministic PRNG (mulberry32) seeded from the scenario seed. */
function rng(seed: number | string): () => number {
  let a = typeof seed === 'number' ? seed >>> 0 : [...seed].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const instances = (templates: readonly { name: string; count?: number | undefined }[]): string[] =>
  templates.flatMap((t) => (t.count === undefined ? [t.name] : Array.from({ length: t.count }, (_, i) => `${t.name}-${i}`)));

/** A fake datacenter over `scenario`: one sample per simulated second, a few events per host and VM. */
export function fakeDatacenter(scenario: Scenario, options: DatacenterOptions): CliDatacenter {
  const hosts = instances(scenario.hosts);
  const vms = instances(scenario.vms);
  const random = rng(scenario.seed);
  let now = 0;
  const buffered: ClusterEvent[] = [];
  const emit = (e: ClusterEvent): void => (options.onEvent === undefined ? void buffered.push(e) : options.onEvent(e));
  const series: Series[] = [];
  let report: RunReport | undefined;
  const reported = (): RunReport => {
    if (report === undefined) throw new Error('the fake reports only after run()');
    return report;
  };
  const hostViews = (): HostView[] =>
    hosts.map((name, i) => ({
      name,
      template: name.replace(/-\d+$/, ''),
      state: 'up',
      cpus: 8,
      cpuMips: 1000,
      memory: 32 * 2 ** 30,
      hypervisor: 'credit',
      vms: vms.filter((_, v) => v % hosts.length === i),
      cpuUtilization: 0.5,
      allocated: { vcpus: 2, memory: 2 ** 32 },
      powerWatts: 175,
    }));
  const dc: CliDatacenter = {
    scenario,
    now: () => us(now),
    step(dt) {
      now += dt;
      return [];
    },
    run(opts) {
      const total = opts?.until ?? scenario.duration ?? 10_000_000;
      const seconds = Math.max(1, Math.floor(total / 1_000_000));
      hosts.forEach((h) => emit({ type: 'host.started', time: us(0), subject: `host:${h}` }));
      vms.forEach((v, i) => emit({ type: 'vm.state_changed', time: us(1000 * (i + 1)), subject: `vm:${v}`, from: 'shut off', to: 'running', host: hosts[i % hosts.length] }));
      const cpu = hosts.map(() => [] as number[]);
      const times: Micros[] = [];
      for (let s = 0; s <= seconds; s++) {
        times.push(us(s * 1_000_000));
        hosts.forEach((_, i) => cpu[i]!.push(Math.round(random() * 1000) / 1000));
        if (s > 0) emit({ type: 'sample.taken', time: us(s * 1_000_000), subject: `host:${hosts[s % hosts.length]}`, note: `</script><!-- ${scenario.placement === 'best-fit' ? 'b' : 'f'}`, draw: random() });
        options.onProgress?.(us(s * 1_000_000), us(seconds * 1_000_000));
      }
      now = seconds * 1_000_000;
      hosts.forEach((h, i) => series.push({ name: `host:${h} cpu`, unit: 'fraction', times, values: cpu[i]! }));
      vms.forEach((v, i) => series.push({ name: `vm:${v} steal`, unit: '%', times, values: times.map((_, k) => (k * (i + 1)) % 7) }));
      series.push({ name: 'container:web memory', unit: 'bytes', times, values: times.map((_, k) => 1e6 * (k + 1)) });
      const all = cpu.flat();
      report = {
        name: scenario.name,
        seed: scenario.seed,
        fidelity: scenario.fidelity,
        simulatedUs: us(now),
        events: hosts.length + vms.length + seconds,
        hosts: { count: hosts.length, failures: 0, cpuUtilization: summary(all) },
        vms: { count: vms.length, running: vms.length, migrations: scenario.placement === 'best-fit' ? 1 : 0, haRestarts: 0, stealPercent: summary([1, 2, 3]) },
        containers: { count: 2, running: 2, restarts: 0, oomKills: 0 },
        requests: { served: 1234, latencyMs: summary([1, 2, 4]) },
        energy: { totalKWh: 0.0125 * hosts.length, perHostKWh: Object.fromEntries(hosts.map((h, i) => [h, 0.01 + 0.005 * i])) },
      };
      return report;
    },
    execute() {},
    hosts: hostViews,
    host: (name) => hostViews().find((h) => h.name === name)!,
    vms: () => [],
    vm: () => {
      throw new Error('not in the fake');
    },
    containers: () => [],
    container: () => {
      throw new Error('not in the fake');
    },
    metrics: () => series,
    summary: reported,
    takeEvents: () => buffered.splice(0),
    // With batch workloads: the fake batch run's jobs, as of now.
    jobRows: () => (scenario.workloads.length === 0 ? [] : fakeBatch(scenario, now).rows()),
    jobsCsvBytes: () => (scenario.workloads.length === 0 ? new TextEncoder().encode('id,vm,host,start_s,finish_s\n') : fakeBatch(scenario, now).csvBytes()),
  };
  return dc;
}

/** A fake batch run: three jobs on the first three VMs of `scenario`, finishing at 3 s, 4.5 s and 1.5 s (+7 µs); `until` cuts them off. */
export function fakeBatch(scenario: Scenario, until?: number): BatchOutcome {
  const vmNames = instances(scenario.vms);
  const hosts = instances(scenario.hosts);
  const finishes = [3_000_007, 4_500_007, 1_500_007].map((f) => (until !== undefined && f > until ? Number.NaN : f));
  const done = finishes.filter((f) => !Number.isNaN(f));
  const rows = finishes.map((f, i) => ({ id: i, vm: i, host: hosts[0]!, start_s: 0, finish_s: f / 1e6 }));
  return {
    scheduler: scenario.workloads[0]?.guestScheduler ?? 'time-shared',
    vmHost: vmNames.map(() => hosts[0]!),
    vmNames,
    oversubscribedHosts: [],
    summary: { count: 3, completed: done.length, makespan_s: Math.max(0, ...done) / 1e6, meanFinish_s: done.reduce((a, b) => a + b, 0) / Math.max(1, done.length) / 1e6 },
    events: 3 + done.length,
    simulatedUs: until ?? 4_500_007,
    rows: () => rows,
    csvBytes: () => new TextEncoder().encode(`id,vm,host,start_s,finish_s\n${rows.map((r) => `${r.id},${r.vm},${r.host},${r.start_s},${Number.isNaN(r.finish_s) ? '' : r.finish_s}`).join('\n')}\n`),
  };
}

/** Fake cluster functions: the real schema, the fake datacenter; include paths are read through the CLI's reader. */
export function fakeCluster(): FakeCluster {
  const loaded: Scenario[] = [];
  const reads: string[] = [];
  return {
    loaded,
    reads,
    loadScenario(text, { path, readFile }) {
      const document: unknown = /\.json$/.test(path) ? JSON.parse(text) : parse(text);
      const result = ScenarioSchema.safeParse(document);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        throw new ValidationError(`${path}: ${formatIssuePath(issue.path)}: ${issue.message}`, { path: formatIssuePath(issue.path) });
      }
      const files = new Map<string, string>();
      for (const name of [...result.data.include, ...result.data.workloads.map((w) => w.file)]) {
        reads.push(name);
        files.set(name, readFile(name));
      }
      loaded.push(result.data);
      return { scenario: result.data, files };
    },
    createDatacenter: (scenario, options) => fakeDatacenter(scenario, options),
    runBatch: (scenario, _files, options) => fakeBatch(scenario, options.until),
  };
}

// A batch-only scenario end to end: instances, first-fit (or the scenario's policy) placement of VMs
// on hosts, the batch model, and core-vmm nested hosts for any host whose VMs oversubscribe its CPUs.
import { ValidationError } from '@strata/shared-types';
import type { BatchWorkloadSpec, Scenario, VmTemplate } from '@strata/shared-types';
import { createNestedHost } from '@strata/core-vmm';
import type { NestedHost, VcpuPolicy, VmCpuSpec } from '@strata/core-vmm';
import { expandInstances } from '../scenario/instances.js';
import { parseBatchCsv } from './batch-csv.js';
import { placeBatchVms } from './batch-placement.js';
import { createBatchModel } from './batch-model.js';
import { concatBatchJobs, formatJobsCsv, formatJobsCsvBytes, jobRows } from './job-results.js';
import type { BatchJobRow, BatchJobs, BatchModel, BatchSummary, GuestScheduler } from './types.js';

/** What `runBatchScenario` produced. */
export interface BatchRun {
  readonly scheduler: GuestScheduler;
  readonly jobs: BatchJobs;
  readonly model: BatchModel;
  /** Host instance name of each VM (index in creation order). */
  readonly vmHost: readonly string[];
  /** VM instance names in creation order. */
  readonly vmNames: readonly string[];
  /** Hosts whose VMs oversubscribe their CPUs (run through core-vmm nested scheduling). */
  readonly oversubscribedHosts: readonly string[];
  readonly summary: BatchSummary;
  /** Job arrivals and completions processed. */
  readonly events: number;
  /** Simulated time at the end, µs: `until` when given, else the makespan (at the µs). */
  readonly simulatedUs: number;
  /** One row per job in file order (objects: use `csv()` for large runs). */
  rows(): BatchJobRow[];
  /** `jobs.csv`: header `id,vm,host,start_s,finish_s`, one line per job in file order. */
  csv(): string;
  /** The same as ASCII bytes, cheaper for large runs (write them to the file as they are). */
  csvBytes(): Uint8Array;
}

/** Options of `runBatchScenario`. */
export interface RunBatchScenarioOptions {
  /** Stop at this time, µs (default: when every job is done). */
  readonly until?: number;
}

/** The fields of a VM template's `cpu` that its host's policy has. */
function cpuSpec(policy: VcpuPolicy, template: VmTemplate): VmCpuSpec {
  const cpu = template.cpu ?? {};
  switch (policy) {
    case 'credit':
      return { vcpus: template.vcpus, weight: cpu.weight, cap: cpu.cap };
    case 'cfs':
      return { vcpus: template.vcpus, shares: cpu.shares, period: cpu.period, quota: cpu.quota };
    case 'priority':
      return { vcpus: template.vcpus, priority: cpu.priority };
    case 'rr':
      return { vcpus: template.vcpus };
    default: {
      const never: never = policy;
      throw new ValidationError(`unknown hypervisor ${String(never)}`);
    }
  }
}

/**
 * Run a scenario's batch workloads to completion (or `until`): hosts and VMs expanded in creation
 * order, VMs placed by the scenario's policy (first-fit: the first host with enough free vCPU
 * allowance — cpus × 4 — and memory × overcommit; a template's `host` restricts the choice), each VM's
 * vCPUs at min(vcpuMips, host cpuMips), jobs from `files` (keyed by the path written in the scenario).
 * Hosts carrying more vCPUs than CPUs share them by core-vmm's nested scheduling under their
 * `hypervisor` policy and the scenario's fidelity. Several batch workloads must share one
 * guestScheduler (their ids must be unique across files). ValidationError for a missing file or bad
 * rows; InsufficientResourcesError when a VM fits no host.
 */
export function runBatchScenario(scenario: Scenario, files: ReadonlyMap<string, string>, options: RunBatchScenarioOptions = {}): BatchRun {
  const workloads = scenario.workloads.filter((w): w is BatchWorkloadSpec => w.kind === 'batch');
  if (workloads.length === 0) throw new ValidationError(`scenario ${scenario.name} has no batch workload; add workloads: [{ kind: batch, file: jobs.csv }]`, { path: 'workloads' });
  const scheduler = workloads[0]!.guestScheduler;
  const parts: BatchJobs[] = [];
  workloads.forEach((w, i) => {
    if (w.guestScheduler !== scheduler) {
      throw new ValidationError(`workloads[${i}].guestScheduler is ${w.guestScheduler} but workloads[0]'s is ${scheduler}; a VM runs one guest scheduler, so every batch workload must use the same`, { path: `workloads[${i}].guestScheduler` });
    }
    const text = files.get(w.file);
    if (text === undefined) throw new ValidationError(`workloads[${i}].file ${w.file} was not provided; pass its text in files under the path the scenario names`, { path: `workloads[${i}].file`, value: w.file });
    parts.push(parseBatchCsv(text, w.file));
  });
  const jobs = parts.length === 1 ? parts[0]! : concatBatchJobs(parts);

  const { hosts, vms } = expandInstances(scenario);
  const vmHostIndex = placeBatchVms(scenario.placement, hosts, vms);
  const vmSpecs = vms.map((vm, v) => {
    const h = vmHostIndex[v]!;
    const host = hosts[h]!.template;
    return { vcpus: vm.template.vcpus, mips: Math.min(vm.template.vcpuMips ?? host.cpuMips, host.cpuMips) };
  });
  const model = createBatchModel({ vms: vmSpecs, jobs, scheduler });

  // Oversubscribed hosts: their VMs' vCPUs are tasks of a nested host.
  const vcpusOn = new Float64Array(hosts.length);
  for (let v = 0; v < vms.length; v++) vcpusOn[vmHostIndex[v]!]! += vms[v]!.template.vcpus;
  const nested: NestedHost[] = [];
  const oversubscribedHosts: string[] = [];
  const nestedOf = new Map<number, NestedHost>();
  for (let h = 0; h < hosts.length; h++) {
    const t = hosts[h]!.template;
    if (vcpusOn[h]! <= t.cpus || t.hypervisor === 'none') continue;
    const nh = createNestedHost({ cpus: t.cpus, policy: t.hypervisor, fidelity: scenario.fidelity });
    nested.push(nh);
    nestedOf.set(h, nh);
    oversubscribedHosts.push(hosts[h]!.name);
  }
  for (let v = 0; v < vms.length; v++) {
    const nh = nestedOf.get(vmHostIndex[v]!);
    if (nh === undefined) continue;
    const host = hosts[vmHostIndex[v]!]!.template;
    const demand = Math.min(1, (vms[v]!.template.vcpuMips ?? host.cpuMips) / host.cpuMips);
    nh.addVm(vms[v]!.name, cpuSpec(nh.policy, vms[v]!.template), model.guestCpus(v, { demand }));
  }

  const until = options.until ?? Number.MAX_SAFE_INTEGER;
  if (nested.length === 0) model.advanceTo(until);
  else {
    for (;;) {
      let t = model.nextEventTime();
      for (const nh of nested) t = Math.min(t, nh.nextEventTime());
      if (!(t <= until)) break;
      model.advanceTo(t);
      for (const nh of nested) if (nh.nextEventTime() <= t) nh.advanceTo(t);
    }
  }

  const summary = model.summary();
  const vmNames = vms.map((vm) => vm.name);
  const vmHost = Array.from(vmHostIndex, (h) => hosts[h]!.name);
  return {
    scheduler,
    jobs,
    model,
    vmHost,
    vmNames,
    oversubscribedHosts,
    summary,
    events: model.events(),
    simulatedUs: options.until ?? Math.round(summary.makespan_s * 1e6),
    rows: () => jobRows(jobs, model, vmHost),
    csv: () => formatJobsCsv(jobs, model, vmHost),
    csvBytes: () => formatJobsCsvBytes(jobs, model, vmHost),
  };
}

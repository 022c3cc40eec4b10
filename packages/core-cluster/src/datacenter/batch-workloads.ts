// Batch workloads in the datacenter: the jobs of `workloads: [{ kind: batch }]` run on the
// scenario's VMs through issue 13's passive batch model (its semantics are that model's: this file
// only plugs it in). Each VM with jobs runs the model's guest (`guestCpus`) on its vCPUs, so its
// host's hypervisor schedules it beside everything else; the model itself keeps one ModelSlot for
// the VMs it drives alone (those without jobs have no events).
import { ValidationError } from '@strata/shared-types';
import type { BatchWorkloadSpec } from '@strata/shared-types';
import { concatBatchJobs, createBatchModel, formatJobsCsvBytes, jobRows, parseBatchCsv } from '../batch/index.js';
import type { BatchJobRow, BatchJobs, BatchModel } from '../batch/index.js';
import { ensureHypervisor } from './hosts.js';
import { ModelSlot } from './model-slot.js';
import type { DcState, VmRec } from './state.js';

/** The batch model the datacenter drives, with the per-job queries over it. */
export interface AttachedBatch {
  readonly model: BatchModel;
  /** One row per job in file order; `host` is the host the job's VM is on now ('' when on none). */
  rows(): BatchJobRow[];
  /** `jobs.csv` as ASCII bytes, the format of `runBatchScenario`'s `csvBytes()`, hosts as in `rows()`. */
  csvBytes(): Uint8Array;
}

/**
 * Build the batch model over the declared VMs (creation order = the CSV's `vm` index) and hand each VM
 * with jobs its guest. A VM's MIPS is min(vcpuMips, its host's cpuMips) as CloudSim has it; since the
 * host's capacities already carry its speed (cpuMips / reference), the model is given MIPS in units of
 * the reference CPU. ValidationError for a missing file, bad rows, mixed guest schedulers.
 */
export function attachBatch(dc: DcState, files: ReadonlyMap<string, string>, vms: readonly VmRec[]): AttachedBatch | null {
  const workloads = dc.scenario.workloads.filter((w): w is BatchWorkloadSpec => w.kind === 'batch');
  if (workloads.length === 0) return null;
  const scheduler = workloads[0]!.guestScheduler;
  const parts: BatchJobs[] = workloads.map((w, i) => {
    if (w.guestScheduler !== scheduler) throw new ValidationError(`workloads[${i}].guestScheduler is ${w.guestScheduler}, workloads[0]'s ${scheduler}: every batch workload must use the same`, { path: `workloads[${i}].guestScheduler` });
    const text = files.get(w.file);
    if (text === undefined) throw new ValidationError(`workloads[${i}].file ${w.file} was not given; pass its text in options.files under that path (loadScenario returns it)`, { path: `workloads[${i}].file` });
    return parseBatchCsv(text, w.file);
  });
  const jobs = parts.length === 1 ? parts[0]! : concatBatchJobs(parts);
  const withJobs = new Uint8Array(vms.length);
  for (let j = 0; j < jobs.count; j++) {
    const v = jobs.vm[j]!;
    if (v < 0 || v >= vms.length) throw new ValidationError(`batch job ${jobs.id[j]} names VM ${v}, but the scenario has VMs 0..${vms.length - 1}`, { path: 'workloads' });
    withJobs[v] = 1;
  }
  const specs = vms.map((vm) => {
    const host = dc.hosts.get(vm.host!)!;
    const ratio = Math.min(vm.body.vcpuMips ?? host.cpuMips, host.cpuMips) / host.cpuMips;
    return { vcpus: vm.body.vcpus, mips: dc.referenceMips * ratio };
  });
  // job.started / job.finished events at the datacenter time that processed them (the model's exact
  // time, rounded to the µs as in jobs.csv, is `atUs`: a VM's guest may catch up on past instants).
  const onJob = (kind: 'started' | 'finished', j: number, t: number): void => {
    const vm = vms[jobs.vm[j]!]!;
    dc.sink.emit({ type: `job.${kind}`, time: dc.sim.now(), subject: `job:${jobs.id[j]!}`, vm: vm.name, host: vm.host, atUs: Math.round(t) });
  };
  const model = createBatchModel({ vms: specs, jobs, scheduler, start: dc.sim.now(), onJob });
  vms.forEach((vm, v) => {
    if (withJobs[v] === 0) return;
    const host = dc.hosts.get(vm.host!)!;
    const demand = Math.min(vm.body.vcpuMips ?? host.cpuMips, host.cpuMips) / host.cpuMips;
    const guest = model.guestCpus(v, { demand });
    vm.batch = { model, jobs, index: v, guest };
    vm.guest.runInner(guest);
    const hv = ensureHypervisor(dc, host);
    hv.advanceTo(dc.sim.now());
  });
  const slot = new ModelSlot(dc.sim, { nextEventTime: () => model.nextEventTime(), advanceTo: (t) => void model.advanceTo(t) }, 'batch');
  slot.rearm();
  const vmHost = (): string[] => vms.map((vm) => vm.host ?? '');
  return { model, rows: () => jobRows(jobs, model, vmHost()), csvBytes: () => formatJobsCsvBytes(jobs, model, vmHost()) };
}

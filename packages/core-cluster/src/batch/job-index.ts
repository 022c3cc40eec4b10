// Jobs grouped by VM in arrival order (counting sort by VM, then (arrival, id) within a VM), checked
// against the VMs first. Each pass is a function of its own so that it is optimized on its own.
import { ValidationError } from '@strata/shared-types';
import type { BatchJobs } from './types.js';

/** Work unit: 10⁻⁶ MI, so that a vCPU of `mips` MIPS does exactly `mips` units per µs. */
export const UNITS_PER_MI = 1_000_000;

/** Jobs by VM: VM v's jobs are `order[off[v] .. off[v+1])`, in (arrival, id) order. */
export interface JobIndex {
  readonly off: Int32Array;
  readonly order: Int32Array;
  /** max(submit, start), µs. */
  readonly arrival: Float64Array;
  /** length_mi in units of 10⁻⁶ MI. */
  readonly work: Float64Array;
}

function checkAndCount(jobs: BatchJobs, vcpus: Int32Array, spaceShared: boolean, off: Int32Array): void {
  const vmCount = vcpus.length;
  for (let j = 0; j < jobs.count; j++) {
    const v = jobs.vm[j]!;
    if (!(v >= 0 && v < vmCount)) {
      throw new ValidationError(`job id ${jobs.id[j]!} (data row ${j + 1}): vm ${v} does not exist; VM indices are 0..${vmCount - 1} in creation order`, { path: 'vm', value: v, row: j + 1 });
    }
    if (spaceShared && jobs.pes[j]! > vcpus[v]!) {
      throw new ValidationError(`job id ${jobs.id[j]!} (data row ${j + 1}): pes ${jobs.pes[j]!} exceeds vm ${v}'s ${vcpus[v]!} vCPUs; under space-shared a job needs pes ≤ vcpus`, { path: 'pes', value: jobs.pes[j]!, row: j + 1 });
    }
    if (!(jobs.lengthMi[j]! > 0) || !(jobs.pes[j]! >= 1) || !(jobs.submitUs[j]! >= 0)) {
      throw new ValidationError(`job id ${jobs.id[j]!} (data row ${j + 1}): length_mi > 0, pes ≥ 1 and submit ≥ 0 are required`, { row: j + 1 });
    }
    off[v + 1]!++;
  }
  for (let v = 0; v < vmCount; v++) off[v + 1]! += off[v]!;
}

function arrivalsAndWork(jobs: BatchJobs, start: number, arrival: Float64Array, work: Float64Array): void {
  const submit = jobs.submitUs;
  const length = jobs.lengthMi;
  for (let j = 0; j < jobs.count; j++) {
    const s = submit[j]!;
    arrival[j] = s > start ? s : start;
    work[j] = length[j]! * UNITS_PER_MI;
  }
}

function bucketByVm(vm: Int32Array, count: number, off: Int32Array, order: Int32Array): void {
  const fill = off.slice(0, off.length - 1);
  for (let j = 0; j < count; j++) order[fill[vm[j]!]!++] = j;
}

function sortWithinVms(off: Int32Array, order: Int32Array, arrival: Float64Array, ids: Float64Array): void {
  for (let v = 0; v + 1 < off.length; v++) {
    const a = off[v]!;
    const b = off[v + 1]!;
    let sorted = true;
    for (let k = a + 1; k < b && sorted; k++) {
      const p = order[k - 1]!;
      const q = order[k]!;
      if (arrival[p]! > arrival[q]! || (arrival[p] === arrival[q] && ids[p]! > ids[q]!)) sorted = false;
    }
    if (!sorted) order.subarray(a, b).sort((p, q) => arrival[p]! - arrival[q]! || ids[p]! - ids[q]!);
  }
}

/**
 * Check every job against the VMs (`vcpus[v]` per VM) and group them. ValidationError naming the
 * job's id and data row: a VM index out of range, under space-shared more pes than the VM's vCPUs,
 * a non-positive length or pes, a negative submit time.
 */
export function indexJobs(jobs: BatchJobs, vcpus: Int32Array, spaceShared: boolean, start: number): JobIndex {
  const n = jobs.count;
  const off = new Int32Array(vcpus.length + 1);
  checkAndCount(jobs, vcpus, spaceShared, off);
  const arrival = new Float64Array(n);
  const work = new Float64Array(n);
  arrivalsAndWork(jobs, start, arrival, work);
  const order = new Int32Array(n);
  bucketByVm(jobs.vm, n, off, order);
  sortWithinVms(off, order, arrival, jobs.id);
  return { off, order, arrival, work };
}

// How each hypervisor policy's VM settings become cgroup-style limits of core-scheduler's group
// scheduler: a VM is a group, each vCPU a child group holding one task (libvirt's vcpuN layout).
import { shownValue, ValidationError, VCPU_POLICY_FIELDS } from '@strata/shared-types';
import type { GroupCpuLimits } from '@strata/core-scheduler';
import type { VcpuPolicy, VmCpuSpec } from './types.js';

/** Xen credit1's default domain weight. */
export const CREDIT_DEFAULT_WEIGHT = 256;
/** Xen credit1's timeslice, µs: the exact host's slice under `credit`. */
export const CREDIT_TIMESLICE_US = 30_000;
/**
 * Credit weight → cgroup v1 shares: × 4, so the default 256 is 1024, one nice-0 task's load weight;
 * every ratio between domains is kept (weight 1..65535 → shares 4..262140, inside the kernel's range).
 */
export const CREDIT_SHARES_PER_WEIGHT = 4;
/** Period of the quota that renders a credit cap, µs (the kernel default; 1% of it is cgroups' 1 ms minimum quota). */
export const CREDIT_CAP_PERIOD_US = 100_000;
/** cgroup v2's default `cpu.weight` (libvirt `<shares>` omitted). */
export const CFS_DEFAULT_WEIGHT = 100;
/** Most vCPUs per VM. */
export const MAX_VCPUS = 256;


function bad(path: string, message: string, value: unknown): never {
  throw new ValidationError(`vm cpu spec: ${path} ${message}, got ${shownValue(value)}`, { path, value });
}

function intIn(spec: Record<string, unknown>, key: string, min: number, max: number): void {
  const v = spec[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(key, `must be an integer ${min}..${max}`, v);
}

/** Validate a VM's settings for `policy` on a host of `hostCpus` pCPUs; throws ValidationError naming the field. */
export function validateVmCpuSpec(policy: VcpuPolicy, spec: VmCpuSpec, hostCpus: number): void {
  const rec = spec as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (rec[key] === undefined) continue;
    if (!VCPU_POLICY_FIELDS[policy].includes(key)) bad(key, `is not a setting of the ${policy} policy (accepted: ${VCPU_POLICY_FIELDS[policy].join(', ')})`, rec[key]);
  }
  if (rec.vcpus === undefined) bad('vcpus', `is required (an integer 1..${MAX_VCPUS})`, undefined);
  intIn(rec, 'vcpus', 1, MAX_VCPUS);
  intIn(rec, 'weight', 1, 65535);
  intIn(rec, 'cap', 0, 100 * spec.vcpus);
  intIn(rec, 'shares', 1, 10000);
  intIn(rec, 'period', 1000, 1_000_000);
  intIn(rec, 'globalPeriod', 1000, 1_000_000);
  intIn(rec, 'quota', 1000, 2 ** 44 - 1);
  intIn(rec, 'globalQuota', 1000, 2 ** 44 - 1);
  intIn(rec, 'priority', -1_000_000, 1_000_000);
  if (spec.pin !== undefined) {
    if (!Array.isArray(spec.pin) || spec.pin.length > spec.vcpus) bad('pin', `must be an array of at most ${spec.vcpus} entries`, spec.pin);
    spec.pin.forEach((cpus, i) => {
      if (cpus === null || cpus === undefined) return;
      if (!Array.isArray(cpus) || cpus.length === 0) bad(`pin[${i}]`, 'must list at least one pCPU', cpus);
      for (const c of cpus) if (!Number.isInteger(c) || c < 0 || c >= hostCpus) bad(`pin[${i}]`, `must list pCPUs 0..${hostCpus - 1}`, c);
    });
  }
}

/**
 * The VM group's limits. credit: shares = weight × 4; cap → quota cap% × 100 ms per 100 ms (the
 * whole domain). cfs: `cpu.weight` = `<shares>` verbatim (default 100); `<global_quota>` → the VM
 * group's quota. rr and priority: the default weight (every VM equal).
 */
export function vmGroupLimits(policy: VcpuPolicy, spec: Partial<VmCpuSpec>): GroupCpuLimits {
  return { ...policyLimits(policy, spec), cpus: sharedPin(spec) };
}

/**
 * The pCPUs every vCPU of the VM is pinned to, when they are all pinned to one set (it then also
 * bounds the VM group: fluid treats a cpuset as a cap, so this keeps a VM's vCPUs on one pCPU
 * from summing to more than that pCPU); else null.
 */
function sharedPin(spec: Partial<VmCpuSpec>): readonly number[] | null {
  const pin = spec.pin;
  if (pin === undefined || spec.vcpus === undefined || pin.length !== spec.vcpus) return null;
  const first = pin[0];
  if (first === null || first === undefined) return null;
  const key = [...first].sort((a, b) => a - b).join(',');
  for (const p of pin) if (p === null || p === undefined || [...p].sort((a, b) => a - b).join(',') !== key) return null;
  return first;
}

function policyLimits(policy: VcpuPolicy, spec: Partial<VmCpuSpec>): GroupCpuLimits {
  switch (policy) {
    case 'credit': {
      const cap = spec.cap ?? 0;
      return {
        shares: (spec.weight ?? CREDIT_DEFAULT_WEIGHT) * CREDIT_SHARES_PER_WEIGHT,
        quota: cap > 0 ? (cap * CREDIT_CAP_PERIOD_US) / 100 : null,
        period: CREDIT_CAP_PERIOD_US,
      };
    }
    case 'cfs':
      return {
        weight: spec.shares ?? CFS_DEFAULT_WEIGHT,
        quota: spec.globalQuota ?? null,
        period: spec.globalPeriod ?? CREDIT_CAP_PERIOD_US,
      };
    case 'rr':
    case 'priority':
      return { weight: CFS_DEFAULT_WEIGHT };
    default: {
      const never: never = policy;
      throw new Error(`unknown policy ${String(never)}`);
    }
  }
}

/**
 * A vCPU's own group (`/vm/vcpuN`): equal weight among its VM's vCPUs, so the VM's weight is split
 * among its runnable vCPUs; cfs `<period>/<quota>` → its `cpu.max` (libvirt writes it to each
 * vcpuN cgroup); `pin[i]` → its cpuset.
 */
export function vcpuGroupLimits(policy: VcpuPolicy, spec: Partial<VmCpuSpec>, vcpu: number): GroupCpuLimits {
  const pin = spec.pin?.[vcpu] ?? null;
  if (policy === 'cfs') return { weight: CFS_DEFAULT_WEIGHT, quota: spec.quota ?? null, period: spec.period ?? CREDIT_CAP_PERIOD_US, cpus: pin };
  return { weight: CFS_DEFAULT_WEIGHT, cpus: pin };
}

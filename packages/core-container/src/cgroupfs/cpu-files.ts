// The cpu controller's files. cpu.weight and cpu.weight.nice are two views of one number, the group's
// load weight (v1 shares: 1024 = a nice-0 task), as in kernel/sched/core.c; cpu.max is quota/period.
import { NICE_TO_WEIGHT, weightToShares } from '@strata/core-scheduler';
import { CGROUP_CPU_LIMITS, micros, type Micros } from '@strata/shared-types';
import { kstrtoll, kstrtoull, scanUnsigned, scanWord, skipSpaces } from './kernel-integers.js';
import { formatKeyedLines, parseKeyedLines, type KeyedLayout } from './keyed-lines.js';
import { rejectedWrite, unreadableText, valueOrReject } from './write-error.js';

const L = CGROUP_CPU_LIMITS;

/** `cpu.max`: the quota per period in µs (null = "max", no limit) and the period in µs. */
export interface CpuMax {
  readonly quota: Micros | null;
  readonly period: Micros;
}

/** A new cgroup's `cpu.max`: "max 100000". */
export const DEFAULT_CPU_MAX: CpuMax = { quota: null, period: micros(L.periodDefaultUsec) };

/** What cpu.max accepts, for error messages. */
export const CPU_MAX_ACCEPTS = 'write "max" or a quota in µs >= 1000, optionally followed by a period 1000..1000000';

/**
 * A write to `cpu.max`, as `cpu_period_quota_parse()` and the bandwidth setter take it: sscanf
 * "%20s %llu" (so "$MAX" alone keeps the current period, trailing junk after a number is ignored and
 * numbers wrap modulo 2^64, as sscanf does), the quota "max" or 1000..2^44 − 1 µs, the period
 * 1000..1000000 µs; anything else is EINVAL.
 */
export function parseCpuMaxWrite(text: string, current: CpuMax): CpuMax {
  const reject = () => rejectedWrite('cpu.max', text, 'EINVAL', CPU_MAX_ACCEPTS);
  const token = scanWord(text, 0, 20);
  if (token === undefined) throw reject();
  const afterToken = skipSpaces(text, token.end);
  const period = (afterToken < text.length ? scanUnsigned(text, afterToken, 64)?.value : undefined) ?? BigInt(current.period);
  const scannedQuota = scanUnsigned(token.value, 0, 64);
  if (scannedQuota === undefined && token.value !== 'max') throw reject();
  const quota = scannedQuota?.value ?? null;
  if (period < BigInt(L.periodMinUsec) || period > BigInt(L.periodMaxUsec)) throw reject();
  if (quota !== null && (quota < BigInt(L.quotaMinUsec) || quota > BigInt(L.quotaMaxUsec))) throw reject();
  return { quota: quota === null ? null : micros(Number(quota)), period: micros(Number(period)) };
}

/** `cpu.max` as read: "max 100000\n" or "50000 100000\n". */
export function formatCpuMax(value: CpuMax): string {
  return `${value.quota === null ? 'max' : value.quota} ${value.period}\n`;
}

/** A new cgroup's load weight: 1024, which reads as cpu.weight 100 and cpu.weight.nice 0. */
export const DEFAULT_CPU_SHARES = 1024;

const CPU_WEIGHT_ACCEPTS = `write an integer ${L.weightMin}..${L.weightMax} (default ${L.weightDefault})`;

/**
 * A write to `cpu.weight` → the group's load weight. The text goes to kstrtoull unstripped (one
 * trailing newline only); 1..10000, else ERANGE; the weight becomes round(weight × 1024 / 100).
 */
export function parseCpuWeightWrite(text: string): number {
  const weight = valueOrReject(kstrtoull(text), 'cpu.weight', text, CPU_WEIGHT_ACCEPTS);
  if (weight < BigInt(L.weightMin) || weight > BigInt(L.weightMax)) throw rejectedWrite('cpu.weight', text, 'ERANGE', CPU_WEIGHT_ACCEPTS);
  return weightToShares(Number(weight));
}

/** `cpu.weight` as read from a load weight: round(shares × 100 / 1024) clamped to 1..10000 (`sched_weight_to_cgroup`). */
export function formatCpuWeight(shares: number): string {
  const weight = Math.floor((shares * 100 + 512) / 1024);
  return `${Math.min(L.weightMax, Math.max(L.weightMin, weight))}\n`;
}

const CPU_WEIGHT_NICE_ACCEPTS = 'write an integer nice value -20..19';

/** A write to `cpu.weight.nice` → the group's load weight `sched_prio_to_weight[nice + 20]`; outside −20..19 is ERANGE. */
export function parseCpuWeightNiceWrite(text: string): number {
  const nice = valueOrReject(kstrtoll(text), 'cpu.weight.nice', text, CPU_WEIGHT_NICE_ACCEPTS);
  if (nice < -20n || nice > 19n) throw rejectedWrite('cpu.weight.nice', text, 'ERANGE', CPU_WEIGHT_NICE_ACCEPTS);
  return NICE_TO_WEIGHT[Number(nice) + 20]!;
}

/**
 * The nice value `cpu.weight.nice` reads for a load weight: the kernel walks the weight table from
 * nice −20 and stops at the first entry no closer than the one before, so ties go to the lower nice.
 */
export function niceOfShares(shares: number): number {
  let lastDelta = Infinity;
  let index = 0;
  for (; index < NICE_TO_WEIGHT.length; index++) {
    const delta = Math.abs(NICE_TO_WEIGHT[index]! - shares);
    if (delta >= lastDelta) break;
    lastDelta = delta;
  }
  return index - 1 - 20;
}

/** `cpu.weight.nice` as read from a load weight. */
export function formatCpuWeightNice(shares: number): string {
  return `${niceOfShares(shares)}\n`;
}

/** `cpu.stat` fields every cgroup has (hierarchical CPU time, µs). */
export interface CpuUsageStat {
  readonly usage_usec: number;
  readonly user_usec: number;
  readonly system_usec: number;
  /** Printed only by kernels built with CONFIG_SCHED_CORE (many distribution kernels). */
  readonly 'core_sched.force_idle_usec'?: number;
}

/** `cpu.stat` bandwidth fields, present when the cpu controller is enabled on the cgroup (its own limit only). */
export interface CpuBandwidthStat {
  readonly nr_periods: number;
  readonly nr_throttled: number;
  readonly throttled_usec: number;
  readonly nr_bursts: number;
  readonly burst_usec: number;
}

/** `cpu.stat`: usage always, the bandwidth block only with the cpu controller enabled. */
export type CpuStat = CpuUsageStat | (CpuUsageStat & CpuBandwidthStat);

const BANDWIDTH_KEYS = ['nr_periods', 'nr_throttled', 'throttled_usec', 'nr_bursts', 'burst_usec'] as const;

/** cpu.stat's layout: the base lines of cgroup_base_stat_cputime_show(), then cpu_extra_stat_show(). */
export const CPU_STAT_LAYOUT: KeyedLayout = {
  file: 'cpu.stat',
  keys: ['usage_usec', 'user_usec', 'system_usec', 'core_sched.force_idle_usec', ...BANDWIDTH_KEYS],
  optional: ['core_sched.force_idle_usec', ...BANDWIDTH_KEYS],
};

/** `cpu.stat` as read. */
export function formatCpuStat(stat: CpuStat): string {
  return formatKeyedLines(CPU_STAT_LAYOUT, stat);
}

/** Read captured `cpu.stat` text; the five bandwidth fields come all together or not at all. */
export function parseCpuStatRead(text: string): CpuStat {
  const record = parseKeyedLines<Record<string, number | undefined>>(CPU_STAT_LAYOUT, text);
  const present = BANDWIDTH_KEYS.filter((k) => record[k] !== undefined).length;
  if (present !== 0 && present !== BANDWIDTH_KEYS.length) {
    throw unreadableText('cpu.stat', text, `all of ${BANDWIDTH_KEYS.join(', ')} or none of them`);
  }
  return record as unknown as CpuStat; // the layout's keys are CpuStat's; the block check above makes it one of its two shapes
}

// Validation of the memory model's inputs, done before any state changes so a refused command
// changes nothing. Every error names the argument and what is accepted.
import { NotFoundError, ValidationError } from '@strata/shared-types';
import { isCgroupPath } from '../cgroupfs/cgroup-path.js';
import { PAGE_COUNTER_MAX_PAGES, PAGE_SIZE, type MemoryLimit } from '../cgroupfs/memparse.js';
import { DEFAULT_HZ, KERNEL_HZ_CHOICES, OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN } from './kernel-constants.js';
import type { MemcgNode, MemoryState, ProcessRecord } from './memcg-state.js';
import type { MemoryChargeKind, MemoryLimitsPatch } from './types.js';

/** A cgroup path: "/" or "/name(/name)*" with no empty, "." or ".." component. */
export function checkCgroupPath(path: unknown, what = 'path'): string {
  if (!isCgroupPath(path)) throw new ValidationError(`${what} must be an absolute cgroup path like "/" or "/A/B", got ${JSON.stringify(path)}`, { [what]: path });
  return path;
}

/** The node at a path, or NotFoundError. */
export function nodeAt(state: MemoryState, path: unknown): MemcgNode {
  const node = state.nodes.get(checkCgroupPath(path));
  if (node === undefined) throw new NotFoundError('cgroup', path as string);
  return node;
}

/** A process id: a positive safe integer. */
export function checkPid(pid: unknown): number {
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) {
    throw new ValidationError(`pid must be a positive integer, got ${String(pid)}`, { pid });
  }
  return pid;
}

/** The record of a known process, or NotFoundError. */
export function processOf(state: MemoryState, pid: unknown): ProcessRecord {
  const proc = state.processes.get(checkPid(pid));
  if (proc === undefined) throw new NotFoundError('process', String(pid));
  return proc;
}

/** 'anon' or 'file'. */
export function checkKind(kind: unknown): MemoryChargeKind {
  if (kind !== 'anon' && kind !== 'file') throw new ValidationError(`kind must be "anon" or "file", got ${JSON.stringify(kind)}`, { kind });
  return kind;
}

/** A byte count for charge/uncharge: a non-negative safe integer, a whole number of pages. Returns pages. */
export function checkChargeBytes(bytes: unknown): number {
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0 || bytes % PAGE_SIZE !== 0) {
    throw new ValidationError(`bytes must be a non-negative integer multiple of the page size (${PAGE_SIZE}), got ${String(bytes)}`, { bytes });
  }
  return bytes / PAGE_SIZE;
}

/** oom_score_adj: an integer −1000..1000. */
export function checkOomScoreAdj(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < OOM_SCORE_ADJ_MIN || value > OOM_SCORE_ADJ_MAX) {
    throw new ValidationError(`oomScoreAdj must be an integer from ${OOM_SCORE_ADJ_MIN} to ${OOM_SCORE_ADJ_MAX}, got ${String(value)}`, { oomScoreAdj: value });
  }
  return value;
}

/**
 * A limit in bytes or 'max' → pages (rounded down, as page_counter_memparse does) or Infinity. Any
 * integer, not only a safe one: cgroupfs hands over what memory.max "4E" parses to (2^62 bytes).
 */
export function limitPages(field: string, value: unknown): number {
  if (value === 'max') return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValidationError(`${field} must be "max" or a non-negative integer number of bytes, got ${JSON.stringify(value)}`, { [field]: value });
  }
  const pages = Math.floor(value / PAGE_SIZE);
  return pages >= PAGE_COUNTER_MAX_PAGES ? Infinity : pages;
}

/** Pages or Infinity → the MemoryLimit a cgroupfs read shows. */
export function limitValue(pages: number): MemoryLimit {
  return (pages === Infinity ? 'max' : pages * PAGE_SIZE) as MemoryLimit;
}

const PATCH_KEYS = new Set(['min', 'low', 'high', 'max', 'swapMax', 'oomGroup']);

/** A limits patch, checked whole: known keys only, sizes as limitPages, oomGroup a boolean. */
export function checkLimitsPatch(patch: unknown): { readonly pages: Partial<Record<'min' | 'low' | 'high' | 'max' | 'swapMax', number>>; readonly oomGroup?: boolean } {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new ValidationError('limits must be an object { min?, low?, high?, max?, swapMax?, oomGroup? }', { patch });
  }
  const p = patch as MemoryLimitsPatch & Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!PATCH_KEYS.has(key)) throw new ValidationError(`unknown memory limit "${key}": use min, low, high, max, swapMax or oomGroup`, { key });
  }
  const pages: Partial<Record<'min' | 'low' | 'high' | 'max' | 'swapMax', number>> = {};
  for (const key of ['min', 'low', 'high', 'max', 'swapMax'] as const) {
    if (p[key] !== undefined) pages[key] = limitPages(key, p[key]);
  }
  if (p.oomGroup !== undefined && typeof p.oomGroup !== 'boolean') {
    throw new ValidationError(`oomGroup must be true or false, got ${JSON.stringify(p.oomGroup)}`, { oomGroup: p.oomGroup });
  }
  return p.oomGroup === undefined ? { pages } : { pages, oomGroup: p.oomGroup };
}

/** Memory sizes of the machine (bytes → pages) and the timer frequency. */
export function checkModelOptions(options: unknown): { ramPages: number; swapPages: number; hz: number; recursiveProtection: boolean } {
  if (options === null || typeof options !== 'object') throw new ValidationError('memory model options must be an object { ram, swap?, hz?, recursiveProtection? }', { options });
  const o = options as Record<string, unknown>;
  const size = (field: string, value: unknown, least: number): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least) {
      throw new ValidationError(`${field} must be an integer number of bytes ≥ ${least}, got ${String(value)}`, { [field]: value });
    }
    return Math.floor(value / PAGE_SIZE);
  };
  const hz = o.hz ?? DEFAULT_HZ;
  if (typeof hz !== 'number' || !KERNEL_HZ_CHOICES.includes(hz)) throw new ValidationError(`hz must be one of ${KERNEL_HZ_CHOICES.join(', ')}, got ${JSON.stringify(hz)}`, { hz });
  if (o.recursiveProtection !== undefined && typeof o.recursiveProtection !== 'boolean') {
    throw new ValidationError('recursiveProtection must be true or false', { recursiveProtection: o.recursiveProtection });
  }
  return { ramPages: size('ram', o.ram, PAGE_SIZE), swapPages: size('swap', o.swap ?? 0, 0), hz, recursiveProtection: o.recursiveProtection === true };
}

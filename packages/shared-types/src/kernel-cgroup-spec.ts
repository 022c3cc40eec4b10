// The cgroups of a kernel experiment: absolute cgroupfs paths, each with the interface files to
// write, as text exactly as one would write them; the kernel model parses the values with the
// kernel's own rules, so only names, types and lengths are checked here.
import { z } from 'zod';

/** The cgroup v2 interface files a kernel experiment may write. */
export const WRITABLE_CGROUP_FILES = [
  'cgroup.subtree_control',
  'cgroup.freeze',
  'cpu.weight',
  'cpu.weight.nice',
  'cpu.max',
  'cpuset.cpus',
  'cpuset.mems',
  'memory.min',
  'memory.low',
  'memory.high',
  'memory.max',
  'memory.swap.max',
  'memory.oom.group',
  'pids.max',
  'io.weight',
  'io.max',
] as const;

/** A writable cgroup v2 interface file name. */
export type WritableCgroupFile = (typeof WRITABLE_CGROUP_FILES)[number];

/** The files the root cgroup has among `WRITABLE_CGROUP_FILES`: controllers' limits exist only below the root. */
export const ROOT_WRITABLE_CGROUP_FILES: readonly WritableCgroupFile[] = ['cgroup.subtree_control'];

/** The longest value written to one file: one page, what a cgroupfs write accepts. */
export const MAX_CGROUP_VALUE_LENGTH = 4096;
/** The most cgroups of one experiment, counting ancestors that are only implied by a deeper path. */
export const MAX_KERNEL_CGROUPS = 10_000;
/** The deepest cgroup path: `/A` is at depth 1. */
export const MAX_KERNEL_CGROUP_DEPTH = 64;

const VALUE = z
  .string({
    error: (issue) =>
      issue.code !== 'invalid_type' || issue.input === undefined
        ? undefined
        : `expected a string such as "100" (values are written to the kernel as text; quote numbers in YAML), got ${typeof issue.input === 'number' ? String(issue.input) : typeof issue.input}`,
  })
  .max(MAX_CGROUP_VALUE_LENGTH);

/** The files of one cgroup, in writing order: file name → value as text (`"64M"`, `"30000 100000"`, `"+cpu +memory"`). */
export const CgroupFilesSchema = z.strictObject(
  Object.fromEntries(WRITABLE_CGROUP_FILES.map((file) => [file, VALUE.optional()])) as Record<WritableCgroupFile, z.ZodOptional<typeof VALUE>>,
);

/** One path segment: a directory name (NAME_MAX 255) that cannot be `.`/`..` and does not start like an interface file. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;
const INTERFACE_PREFIX = /^(cgroup|cpu|cpuset|memory|pids|io|hugetlb|rdma|misc)\./;

/**
 * Check a cgroup path: `/` or `/A/B` (absolute, normalized: no empty, `.` or `..` segments, no trailing
 * slash), at most `MAX_KERNEL_CGROUP_DEPTH` deep. Returns its segments, or a message saying what to change.
 */
export function parseCgroupPath(path: string): string[] | string {
  const accepted = 'expected an absolute, normalized cgroup path such as "/" or "/A/B" (names of letters, digits, ".", "_", "-", not starting with ".")';
  if (path === '/') return [];
  if (!path.startsWith('/')) return `${accepted}, got ${JSON.stringify(path)}`;
  const segments = path.slice(1).split('/');
  if (segments.length > MAX_KERNEL_CGROUP_DEPTH) return `expected a cgroup path at most ${MAX_KERNEL_CGROUP_DEPTH} deep, got ${segments.length}`;
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) return `${accepted}, got ${JSON.stringify(path)}`;
    // mkdir of a name the parent already holds as an interface file fails (EEXIST): refuse the look-alikes.
    if (INTERFACE_PREFIX.test(segment)) return `the cgroup name ${JSON.stringify(segment)} looks like an interface file; choose a name without a controller prefix`;
  }
  return segments;
}

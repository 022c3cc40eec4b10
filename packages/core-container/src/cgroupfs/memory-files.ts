// The memory controller's files: the four limits and swap.max (memparse, whole pages, "max"),
// oom.group, and the read-only current, peak, events and stat in mm/memcontrol.c's formats.
import { decimal, kstrtoint, strstrip } from './kernel-integers.js';
import { formatKeyedLines, parseKeyedLines, type KeyedLayout } from './keyed-lines.js';
import { pageCounterMemparse, type MemoryLimit } from './memparse.js';
import { rejectedWrite, unreadableText, valueOrReject } from './write-error.js';

/** The files whose value is a MemoryLimit. */
export type MemoryLimitFile = 'memory.min' | 'memory.low' | 'memory.high' | 'memory.max' | 'memory.swap.max';

const LIMIT_ACCEPTS = 'write "max" or a size in bytes with an optional K, M, G, T, P or E suffix (powers of 1024), such as "64M"; it is rounded down to whole 4096-byte pages';

/** A write to a memory limit file: stripped, "max" or a memparse size with nothing after it (EINVAL), rounded down to pages. */
export function parseMemoryLimitWrite(file: MemoryLimitFile, text: string): MemoryLimit {
  return valueOrReject(pageCounterMemparse(strstrip(text)), file, text, LIMIT_ACCEPTS);
}

const OOM_GROUP_ACCEPTS = 'write 0 or 1';

/** A write to `memory.oom.group`: stripped, kstrtoint, then 0 or 1 (anything else EINVAL). */
export function parseOomGroupWrite(text: string): boolean {
  const value = valueOrReject(kstrtoint(strstrip(text)), 'memory.oom.group', text, OOM_GROUP_ACCEPTS);
  if (value !== 0 && value !== 1) throw rejectedWrite('memory.oom.group', text, 'EINVAL', OOM_GROUP_ACCEPTS);
  return value === 1;
}

/** A 0/1 flag as the kernel prints it with "%d\n". */
export function formatFlag(value: boolean): string {
  return value ? '1\n' : '0\n';
}

/** Read a captured "0\n" / "1\n" flag file. */
export function parseFlagRead(file: string, text: string): boolean {
  if (text === '0\n' || text === '1\n') return text === '1\n';
  throw unreadableText(file, text, '"0\\n" or "1\\n"');
}

/** A byte or count file as read: the number and "\n" (memory.current, memory.peak, pids.current, pids.peak). */
export function formatCount(value: number): string {
  return `${decimal(value)}\n`;
}

/** Read a captured single-number file. */
export function parseCountRead(file: string, text: string): number {
  const m = /^(\d+)\n$/.exec(text);
  const value = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(value)) throw unreadableText(file, text, 'a non-negative integer and "\\n"');
  return value;
}

/** `memory.events` (hierarchical counters). */
export interface MemoryEvents {
  readonly low: number;
  readonly high: number;
  readonly max: number;
  readonly oom: number;
  readonly oom_kill: number;
  readonly oom_group_kill: number;
  /** Printed only by kernels that have it (it came after oom_group_kill, in 2025); absent here by default. */
  readonly sock_throttled?: number;
}

/** A new cgroup's `memory.events`: every counter 0. */
export const EMPTY_MEMORY_EVENTS: MemoryEvents = { low: 0, high: 0, max: 0, oom: 0, oom_kill: 0, oom_group_kill: 0 };

/** memory.events' layout, in `__memory_events_show()` order. */
export const MEMORY_EVENTS_LAYOUT: KeyedLayout = {
  file: 'memory.events',
  keys: ['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill', 'sock_throttled'],
  optional: ['sock_throttled'],
};

/** `memory.events` as read: "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n". */
export function formatMemoryEvents(events: MemoryEvents): string {
  return formatKeyedLines(MEMORY_EVENTS_LAYOUT, events);
}

/** Read captured `memory.events` text. */
export function parseMemoryEventsRead(text: string): MemoryEvents {
  return parseKeyedLines<MemoryEvents>(MEMORY_EVENTS_LAYOUT, text);
}

/**
 * The `memory.stat` fields the model keeps, bytes except the pgfault/pgmajfault event counts: anon
 * (anonymous memory), file (page cache, tmpfs included), kernel and its parts, shmem, the file cache's
 * mapped/dirty/writeback parts, slab, and page faults.
 */
export interface MemoryStat {
  readonly anon: number;
  readonly file: number;
  readonly kernel: number;
  readonly kernel_stack: number;
  readonly pagetables: number;
  readonly sock: number;
  readonly shmem: number;
  readonly file_mapped: number;
  readonly file_dirty: number;
  readonly file_writeback: number;
  readonly slab: number;
  readonly pgfault: number;
  readonly pgmajfault: number;
}

/** A new cgroup's `memory.stat`: everything 0. */
export const EMPTY_MEMORY_STAT: MemoryStat = {
  anon: 0,
  file: 0,
  kernel: 0,
  kernel_stack: 0,
  pagetables: 0,
  sock: 0,
  shmem: 0,
  file_mapped: 0,
  file_dirty: 0,
  file_writeback: 0,
  slab: 0,
  pgfault: 0,
  pgmajfault: 0,
};

/**
 * memory.stat's layout: the kept keys in the order memory_stats[] and memcg_stat_format() print them
 * (slab after slab_unreclaimable, then the event counters). A real kernel's extra keys are skipped on read.
 */
export const MEMORY_STAT_LAYOUT: KeyedLayout = {
  file: 'memory.stat',
  keys: ['anon', 'file', 'kernel', 'kernel_stack', 'pagetables', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback', 'slab', 'pgfault', 'pgmajfault'],
  ignoreUnknown: true,
};

/** `memory.stat` as the model prints it: the kernel's lines for the kept keys, in the kernel's order. */
export function formatMemoryStat(stat: MemoryStat): string {
  return formatKeyedLines(MEMORY_STAT_LAYOUT, stat);
}

/** Read captured `memory.stat` text (a real kernel's full output too: unknown keys are skipped). */
export function parseMemoryStatRead(text: string): MemoryStat {
  return parseKeyedLines<MemoryStat>(MEMORY_STAT_LAYOUT, text);
}

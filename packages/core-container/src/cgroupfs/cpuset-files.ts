// cpuset.cpus and cpuset.mems: the kernel's list format ("0-3,5", strides "0-7:2/4", "N" = last,
// "all"), parsed as bitmap_parselist() does and printed as "%*pbl" prints (compact ranges).
import { formatCpuList } from '@strata/shared-types';
import { isKernelSpace, strstrip } from './kernel-integers.js';
import { fail, ok, rejectedWrite, type KernelResult } from './write-error.js';

/** The most memory nodes a kernel may name (`MAX_NUMNODES` with NODES_SHIFT 10, as distribution kernels build). */
export const MAX_NUMNODES = 1024;

const endOfString = (ch: string | undefined) => ch === undefined || ch === '\n';
const endOfRegion = (ch: string | undefined) => endOfString(ch) || ch === ',' || isKernelSpace(ch);

interface Region {
  start: number;
  end: number;
  used: number;
  group: number;
}

// `bitmap_getnum()`: "N" is the last bit; else decimal digits that must fit an unsigned int.
function getNumber(text: string, i: number, lastBit: number): KernelResult<{ value: number; end: number }> {
  if (text[i] === 'N') return ok({ value: lastBit, end: i + 1 });
  let end = i;
  while (end < text.length && text[end]! >= '0' && text[end]! <= '9') end++;
  if (end === i) return fail('EINVAL');
  const value = Number(text.slice(i, end));
  return value > 0xffff_ffff ? fail('EOVERFLOW') : ok({ value, end });
}

// `bitmap_parse_region()`: "a", "a-b", "a-b:used/group" or "all[:used/group]".
function parseRegion(text: string, i: number, lastBit: number): KernelResult<{ region: Region; end: number }> {
  const region: Region = { start: 0, end: lastBit, used: 0, group: 0 };
  if (text.slice(i, i + 3).toLowerCase() === 'all') {
    i += 3;
  } else {
    const start = getNumber(text, i, lastBit);
    if (!start.ok) return start;
    region.start = start.value.value;
    region.end = region.start;
    i = start.value.end;
    if (!endOfRegion(text[i])) {
      if (text[i] !== '-') return fail('EINVAL');
      const end = getNumber(text, i + 1, lastBit);
      if (!end.ok) return end;
      region.end = end.value.value;
      i = end.value.end;
    }
  }
  if (endOfRegion(text[i])) {
    region.used = region.end + 1;
    region.group = region.end + 1;
    return ok({ region, end: i });
  }
  if (text[i] !== ':') return fail('EINVAL');
  const used = getNumber(text, i + 1, lastBit);
  if (!used.ok) return used;
  if (text[used.value.end] !== '/') return fail('EINVAL');
  const group = getNumber(text, used.value.end + 1, lastBit);
  if (!group.ok) return group;
  region.used = used.value.value;
  region.group = group.value.value;
  return ok({ region, end: group.value.end });
}

/**
 * The kernel's `bitmap_parselist(text, bits)`: regions separated by commas or whitespace, stopping at
 * the end or a newline. A reversed range, a zero group or used > group is EINVAL; a bit ≥ `bits` ERANGE.
 * Returns the set bits, ascending.
 */
export function parseBitmapList(text: string, bits: number): KernelResult<number[]> {
  const set = new Set<number>();
  let i = 0;
  for (;;) {
    while (!endOfString(text[i]) && endOfRegion(text[i])) i++;
    if (endOfString(text[i])) break;
    const parsed = parseRegion(text, i, bits - 1);
    if (!parsed.ok) return parsed;
    const { region } = parsed.value;
    if (region.start > region.end || region.group === 0 || region.used > region.group) return fail('EINVAL');
    if (region.end >= bits) return fail('ERANGE');
    for (let first = region.start; first <= region.end; first += region.group) {
      for (let bit = first; bit < first + region.used && bit <= region.end; bit++) set.add(bit);
    }
    i = parsed.value.end;
  }
  return ok([...set].sort((a, b) => a - b));
}

/** A cpuset list as read ("%*pbl\n"): compact ranges, and an empty set reads as a lone "\n". */
export function formatBitmapList(members: readonly number[]): string {
  return `${formatCpuList(members)}\n`;
}

const CPUS_ACCEPTS = (cpus: number) => `write a CPU list such as "0-3,5" using CPUs 0..${cpus - 1}, or nothing to inherit the parent's CPUs`;

/**
 * A write to `cpuset.cpus` on a kernel with `cpus` CPUs (nr_cpu_ids): stripped, then empty (inherit)
 * or a list; a CPU ≥ `cpus` is ERANGE. Checks against the parent's CPUs belong to the kernel model.
 */
export function parseCpusetCpusWrite(text: string, cpus: number): number[] {
  const stripped = strstrip(text);
  if (stripped === '') return [];
  const parsed = parseBitmapList(stripped, cpus);
  if (!parsed.ok) throw rejectedWrite('cpuset.cpus', text, parsed.errno, CPUS_ACCEPTS(cpus));
  return parsed.value;
}

const MEMS_ACCEPTS = (nodes: number) => `write a memory node list such as "0-1" using nodes 0..${nodes - 1}, or nothing to inherit the parent's nodes`;

/**
 * A write to `cpuset.mems` on a kernel with `nodes` online memory nodes: parsed over MAX_NUMNODES bits
 * (ERANGE beyond), then EINVAL for a node that is not online, as update_nodemask() checks.
 */
export function parseCpusetMemsWrite(text: string, nodes: number): number[] {
  const stripped = strstrip(text);
  if (stripped === '') return [];
  const parsed = parseBitmapList(stripped, MAX_NUMNODES);
  if (!parsed.ok) throw rejectedWrite('cpuset.mems', text, parsed.errno, MEMS_ACCEPTS(nodes));
  if (parsed.value.some((node) => node >= nodes)) throw rejectedWrite('cpuset.mems', text, 'EINVAL', MEMS_ACCEPTS(nodes));
  return parsed.value;
}

// Memory sizes as the kernel reads them: memparse() ("64M" is 64 MiB; K M G T P E, either case, are
// powers of 1024), then page_counter_memparse(), which counts whole 4 KiB pages and maps "max" and
// anything at or past PAGE_COUNTER_MAX to no limit. Reads print pages × PAGE_SIZE, or "max".
import type { Bytes } from '@strata/shared-types';
import { decimal, U64_MAX } from './kernel-integers.js';
import { fail, ok, type KernelResult } from './write-error.js';

/** The page size of the modelled kernel (x86-64, arm64 with 4 KiB pages), in bytes. */
export const PAGE_SIZE = 4096;

/** `PAGE_COUNTER_MAX` on 64-bit: LONG_MAX / PAGE_SIZE pages. A limit this large reads back as "max". */
export const PAGE_COUNTER_MAX_PAGES = 2_251_799_813_685_247;

/** A memory limit file's value: bytes (a multiple of PAGE_SIZE) or no limit. */
export type MemoryLimit = Bytes | 'max';

const SUFFIX_SHIFTS: Readonly<Record<string, bigint>> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };

/**
 * The kernel's `memparse()`: a number (0x hex and leading-0 octal too, as simple_strtoull reads it,
 * wrapping past 2^64) and at most one size suffix. Returns the byte count and the unparsed rest, which
 * the caller must find empty. An empty text or a bare suffix is 0 bytes, as in the kernel.
 */
export function memparse(text: string): { readonly bytes: bigint; readonly rest: string } {
  let base = 10;
  let i = 0;
  if (text[0] === '0') {
    const hex = (text[1] === 'x' || text[1] === 'X') && /^[0-9a-fA-F]$/.test(text[2] ?? '');
    base = hex ? 16 : 8;
    if (hex) i = 2;
  }
  let bytes = 0n;
  for (; i < text.length; i++) {
    const d = Number.parseInt(text[i]!, 16);
    if (Number.isNaN(d) || d >= base) break;
    bytes = (bytes * BigInt(base) + BigInt(d)) & U64_MAX;
  }
  const shift = SUFFIX_SHIFTS[(text[i] ?? '').toLowerCase()];
  if (shift !== undefined) {
    bytes = (bytes << shift) & U64_MAX;
    i++;
  }
  return { bytes, rest: text.slice(i) };
}

/**
 * `page_counter_memparse(buf, "max")` on already-stripped text: "max", or memparse with nothing left
 * over (EINVAL otherwise), rounded down to whole pages; PAGE_COUNTER_MAX pages or more is "max".
 */
export function pageCounterMemparse(text: string): KernelResult<MemoryLimit> {
  if (text === 'max') return ok('max');
  const { bytes, rest } = memparse(text);
  if (rest !== '') return fail('EINVAL');
  const pages = bytes / BigInt(PAGE_SIZE);
  if (pages >= BigInt(PAGE_COUNTER_MAX_PAGES)) return ok('max');
  // pages < 2^51, so pages × 4096 is an integer a double holds exactly (not always a safe integer).
  return ok((Number(pages) * PAGE_SIZE) as Bytes);
}

/** What `seq_puts_memcg_tunable()` prints: "max\n" or the byte count and "\n". */
export function formatMemoryLimit(limit: MemoryLimit): string {
  return limit === 'max' ? 'max\n' : `${decimal(limit)}\n`;
}

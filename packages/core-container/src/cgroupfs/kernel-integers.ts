// The kernel's text-to-integer rules, reproduced so that a write is accepted or refused exactly as
// Linux does: kstrto*() for whole-string numbers (lib/kstrtox.c) and the lenient %u / %llu / %s
// conversions of its sscanf() (lib/vsprintf.c). u64 arithmetic is done in bigint, wrapping as C does.
import { fail, ok, type KernelResult } from './write-error.js';

/** 2^64 − 1, C's `U64_MAX`. */
export const U64_MAX = (1n << 64n) - 1n;
/** 2^32 − 1, C's `UINT_MAX`. */
export const U32_MAX = (1n << 32n) - 1n;
const S64_MIN_MAGNITUDE = 1n << 63n;
const INT_MIN = -(1n << 31n);
const INT_MAX = (1n << 31n) - 1n;

/** The kernel's isspace() for ASCII: space, \t, \n, \v, \f, \r. */
export function isKernelSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

/** Index of the first non-space character at or after `i` (`skip_spaces`). */
export function skipSpaces(text: string, i: number): number {
  while (i < text.length && isKernelSpace(text[i])) i++;
  return i;
}

/** `strstrip()`: the text without leading and trailing whitespace. Most cgroup write handlers start with it. */
export function strstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isKernelSpace(text[end - 1])) end--;
  return text.slice(skipSpaces(text, 0), end);
}

function digitValue(ch: string | undefined): number {
  if (ch === undefined) return 99;
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return 99;
}

interface Digits {
  /** The value modulo 2^64, as C's unsigned long long holds it. */
  readonly value: bigint;
  /** Characters consumed. */
  readonly length: number;
  /** The true value exceeded 2^64 − 1 (`KSTRTOX_OVERFLOW`). */
  readonly overflow: boolean;
}

// `_parse_integer()`: as many digits of `base` as there are from `start`.
function parseDigits(text: string, start: number, base: number): Digits {
  let value = 0n;
  let overflow = false;
  let i = start;
  const b = BigInt(base);
  for (; i < text.length; i++) {
    const d = digitValue(text[i]);
    if (d >= base) break;
    value = value * b + BigInt(d);
    if (value > U64_MAX) {
      overflow = true;
      value &= U64_MAX;
    }
  }
  return { value, length: i - start, overflow };
}

// `_parse_integer_fixup_radix()` for base 0: "0x" + a hex digit is hex, a leading 0 octal, else decimal.
function autoRadix(text: string, start: number): { base: number; start: number } {
  if (text[start] === '0') {
    if ((text[start + 1] === 'x' || text[start + 1] === 'X') && digitValue(text[start + 2]) < 16) return { base: 16, start: start + 2 };
    return { base: 8, start };
  }
  return { base: 10, start };
}

// `_kstrtoull(s, 0)`: the whole text is one number with an optional single trailing newline.
function wholeUnsigned(text: string, from: number): KernelResult<bigint> {
  const { base, start } = autoRadix(text, from);
  const digits = parseDigits(text, start, base);
  if (digits.overflow) return fail('ERANGE');
  if (digits.length === 0) return fail('EINVAL');
  let end = start + digits.length;
  if (text[end] === '\n') end++;
  return end === text.length ? ok(digits.value) : fail('EINVAL');
}

/** `kstrtoull(text, 0)`: optional '+', 0x/0 prefixes, one trailing "\n" allowed, nothing else (EINVAL); beyond u64 is ERANGE. */
export function kstrtoull(text: string): KernelResult<bigint> {
  return wholeUnsigned(text, text.startsWith('+') ? 1 : 0);
}

/** `kstrtoll(text, 0)`: as kstrtoull with an optional '-', ERANGE outside the s64 range. */
export function kstrtoll(text: string): KernelResult<bigint> {
  if (text.startsWith('-')) {
    const magnitude = wholeUnsigned(text, 1);
    if (!magnitude.ok) return magnitude;
    return magnitude.value > S64_MIN_MAGNITUDE ? fail('ERANGE') : ok(-magnitude.value);
  }
  const value = kstrtoull(text);
  if (!value.ok) return value;
  return value.value >= S64_MIN_MAGNITUDE ? fail('ERANGE') : value;
}

/** `kstrtoint(text, 0)`: as kstrtoll, ERANGE outside the int range. Returns a number. */
export function kstrtoint(text: string): KernelResult<number> {
  const value = kstrtoll(text);
  if (!value.ok) return value;
  return value.value < INT_MIN || value.value > INT_MAX ? fail('ERANGE') : ok(Number(value.value));
}

/** One conversion of the kernel's sscanf, with where the text continues. */
export interface Scanned<T> {
  readonly value: T;
  readonly end: number;
}

/**
 * sscanf's `%u` (bits 32) or `%llu` (bits 64) at `i`: skips whitespace, needs a decimal digit (no sign),
 * takes every digit and keeps the value modulo 2^bits as C does; trailing text is left for the caller.
 * Returns undefined when the conversion fails (the kernel's sscanf then stops and reports fewer fields).
 */
export function scanUnsigned(text: string, i: number, bits: 32 | 64): Scanned<bigint> | undefined {
  const start = skipSpaces(text, i);
  const digits = parseDigits(text, start, 10);
  if (digits.length === 0) return undefined;
  const mask = bits === 32 ? U32_MAX : U64_MAX;
  return { value: digits.value & mask, end: start + digits.length };
}

/**
 * sscanf's `%Ns` at `i`: undefined at the end of the text; otherwise skips whitespace and takes up to
 * `width` non-space characters (possibly none, when only whitespace was left).
 */
export function scanWord(text: string, i: number, width: number): Scanned<string> | undefined {
  if (i >= text.length) return undefined;
  let end = skipSpaces(text, i);
  const start = end;
  while (end < text.length && end - start < width && !isKernelSpace(text[end])) end++;
  return { value: text.slice(start, end), end };
}

/** A decimal string of a non-negative integer held exactly in a double (beyond 2^53 too, where String() would round). */
export function decimal(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
}

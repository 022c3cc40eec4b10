// Sizes as the Linux kernel reads them (memparse: `64M` is 64 MiB, every suffix binary, any case),
// for kernel experiments, where a program's `alloc: 64M` must mean what `memory.max: "64M"` means.
import { formatShortest, formatUnit, mulRatio, pow2, ratio, ratioToDecimal, type FormatUnit, type Ratio } from './exact-decimal.js';
import { literalValue, quantityError, quantityText, safeWhole, type QuantityKind } from './quantity-error.js';
import { bytes, type Bytes, type BytesPerSecond } from './units.js';

const LETTERS: readonly (readonly [string, number])[] = [['k', 10], ['m', 20], ['g', 30], ['t', 40], ['p', 50], ['e', 60]];

/** Bytes in one of each suffix, keyed in lower case: `m`, `mi` and `mib` are all MiB, as memparse's `M`. */
const FACTORS = new Map<string, Ratio>([
  ['', ratio(1n)],
  ['b', ratio(1n)],
  ...LETTERS.flatMap(([letter, exponent]) => ['', 'i', 'ib'].map((tail) => [letter + tail, pow2(exponent)] as const)),
]);

/** Upper-case whole mantissas only, the form a kernel interface file would also accept. */
const FORMAT_UNITS: readonly FormatUnit[] = [formatUnit('', ratio(1n)), ...LETTERS.slice(0, 5).map(([l, e]) => formatUnit(l.toUpperCase(), pow2(e)))];

const SIZE: QuantityKind = {
  name: 'kernel size',
  accepted: ['1048576 (bytes)', '64K', '64M', '2G', '1Gi', '512MiB', '1.5G', 'suffixes K M G T P E (x1024, any case, as the kernel\'s memparse), optionally followed by "i" or "iB"'],
};
const RATE: QuantityKind = {
  name: 'byte rate',
  accepted: ['1G/s', '1Gi/s', '512M/s', '4096/s (bytes per second)', 'a kernel size followed by "/s"'],
};

/** The syntax of a kernel size (JSON Schema `pattern`); the parser also checks whole bytes and range. */
export const KERNEL_SIZE_PATTERN = '^(0|[1-9]\\d*)(\\.\\d+)?([bB]|[kKmMgGtTpPeE]([iI][bB]?)?)?$';
/** The syntax of a byte rate: a kernel size, then `/s`. */
export const BYTE_RATE_PATTERN = '^(0|[1-9]\\d*)(\\.\\d+)?([bB]|[kKmMgGtTpPeE]([iI][bB]?)?)?/s$';

const TEXT = /^(\d+(?:\.\d+)?)(.*)$/s;

function parseSizeText(kind: QuantityKind, input: string, body: string): Ratio {
  if (body.startsWith('-')) throw quantityError(kind, input, 'negative', 'negative values are not allowed');
  if (/^0[xX]/.test(body)) throw quantityError(kind, input, 'not-a-number', 'hexadecimal is not accepted: write the size in decimal');
  const match = TEXT.exec(body);
  if (!match) throw quantityError(kind, input, 'not-a-number', 'expected a decimal number with an optional suffix');
  const [, digits = '', unit = ''] = match;
  // The kernel reads "064M" as octal (52 MiB): refuse rather than silently disagree with it.
  if (/^0\d/.test(digits)) throw quantityError(kind, input, 'not-a-number', 'a leading zero makes the kernel read the number as octal: drop it');
  const factor = FACTORS.get(unit.toLowerCase());
  if (factor === undefined) {
    const hint = /^[kmgtpe]b$/i.test(unit)
      ? `"${unit}" reads as decimal to most people; write "${digits}${unit[0]!.toUpperCase()}" or "${digits}${unit[0]!.toUpperCase()}i" (both x1024, as the kernel)`
      : `unknown suffix "${unit}"`;
    throw quantityError(kind, input, 'unknown-suffix', hint);
  }
  return mulRatio(literalValue(kind, input, digits), factor);
}

/**
 * Parse a size as the kernel's memparse reads it: a decimal number and an optional suffix `K M G T P E`
 * in any case, all binary (`"64M"` = 67108864), optionally followed by `i` or `iB` (`"64Mi"`, `"64MiB"`:
 * the same); no suffix (or `B`) is bytes. A fraction must come to whole bytes (`"1.5G"`). Throws
 * `ValidationError` on empty, negative, hexadecimal, leading-zero (octal to the kernel), `MB`-style,
 * unknown-suffix, fractional-byte or beyond-2^53 input.
 */
export function parseKernelSize(text: string): Bytes {
  const input = quantityText(SIZE, text);
  const total = parseSizeText(SIZE, input, input);
  return safeWhole(SIZE, input, total, 'bytes', () => `${ratioToDecimal(total) ?? 'a fraction of'} bytes is not a whole number of bytes`) as Bytes;
}

/**
 * Parse a rate of bytes per second written as a kernel size and `/s` (`"1G/s"`, `"1Gi/s"`, `"512M/s"`,
 * `"4096/s"`). Throws `ValidationError` as `parseKernelSize` does, and when `/s` is missing.
 */
export function parseByteRate(text: string): BytesPerSecond {
  const input = quantityText(RATE, text);
  if (!input.endsWith('/s')) throw quantityError(RATE, input, 'missing-unit', `a rate needs "/s", as in "${input}/s"`);
  const total = parseSizeText(RATE, input, input.slice(0, -2));
  return safeWhole(RATE, input, total, 'bytes per second', () => `${ratioToDecimal(total) ?? 'a fraction of'} bytes per second is not whole`) as BytesPerSecond;
}

/**
 * The shortest kernel spelling of a byte count with a whole mantissa (`67108864` → `"64M"`, `1000` →
 * `"1000"`), which the kernel's memparse reads back exactly. Round-trips through `parseKernelSize`.
 * Throws `ValidationError` unless `value` is a non-negative safe integer.
 */
export function formatKernelSize(value: Bytes): string {
  return formatShortest(BigInt(bytes(value)), FORMAT_UNITS, true);
}

/** The kernel spelling of a byte rate (`1073741824` → `"1G/s"`). Round-trips through `parseByteRate`. */
export function formatByteRate(value: BytesPerSecond): string {
  return `${formatKernelSize(value as number as Bytes)}/s`;
}

/** Accepted kernel size forms, as listed in error messages. */
export const KERNEL_SIZE_FORMS: readonly string[] = SIZE.accepted;
/** Accepted byte rate forms, as listed in error messages. */
export const BYTE_RATE_FORMS: readonly string[] = RATE.accepted;

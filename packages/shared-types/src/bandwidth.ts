// Bandwidth at the edge: "100Mbit", "1Gbps", "10MB/s" to integer bytes per second and back.
// A lower-case `b` is bits and an upper-case `B` is bytes; a bare number (bits? bytes?) is rejected.
import { formatShortest, mulRatio, pow10, pow2, ratio, ratioToDecimal, type FormatUnit, formatUnit, type Ratio } from './exact-decimal.js';
import { literalValue, quantityError, quantityText, rejectNegative, safeWhole, type QuantityKind } from './quantity-error.js';
import { bytesPerSecond, type BytesPerSecond } from './units.js';

const DECIMAL_PREFIXES: readonly (readonly [string, number])[] = [['k', 3], ['m', 6], ['g', 9], ['t', 12]];
const BIT_BASES = ['bit', 'bit/s', 'bps', 'b/s'];
const BYTE_BASES = ['B/s', 'Bps'];
const EIGHTH = ratio(1n, 8n);

/** Every prefix spelling (letters in either case; `i` marks binary) with its multiplier. */
const PREFIXES: readonly (readonly [string, Ratio])[] = [
  ['', ratio(1n)],
  ...DECIMAL_PREFIXES.flatMap(([letter, exponent]) => [
    [letter, pow10(exponent)] as const,
    [letter.toUpperCase(), pow10(exponent)] as const,
    [`${letter}i`, pow2((exponent / 3) * 10)] as const,
    [`${letter.toUpperCase()}i`, pow2((exponent / 3) * 10)] as const,
  ]),
];

/** Bytes per second in one of each unit. */
const BANDWIDTH_FACTORS = new Map<string, Ratio>(
  PREFIXES.flatMap(([prefix, multiplier]) => [
    ...BIT_BASES.map((base) => [prefix + base, mulRatio(multiplier, EIGHTH)] as const),
    ...BYTE_BASES.map((base) => [prefix + base, multiplier] as const),
  ]),
);

/** Formatter units: bits first, so on a tie `80Mbit` beats `10MB/s`. */
const BANDWIDTH_FORMAT_UNITS: readonly FormatUnit[] = [
  ...(['', 'k', 'M', 'G', 'T'] as const).map((prefix, index) => formatUnit(`${prefix}bit`, mulRatio(pow10(index * 3), EIGHTH))),
  ...(['', 'k', 'M', 'G', 'T'] as const).map((prefix, index) => formatUnit(`${prefix}B/s`, pow10(index * 3))),
  ...(['Ki', 'Mi', 'Gi', 'Ti'] as const).map((prefix, index) => formatUnit(`${prefix}B/s`, pow2((index + 1) * 10))),
];

const BANDWIDTH: QuantityKind = {
  name: 'bandwidth',
  accepted: [
    '100Mbit', '1Gbps', '64kbit/s', '10MB/s', '512KiB/s', '1.5Gb/s',
    'bits: bit, bit/s, bps, b/s; bytes: B/s, Bps; prefixes k M G T (x1000, any case) and Ki Mi Gi Ti (x1024)',
  ],
};

/** The syntax of a bandwidth (JSON Schema `pattern`); the parser also checks range and whole bytes per second. */
export const BANDWIDTH_PATTERN = '^\\+?(0+(\\.0*)?|\\.0+|(\\d+(\\.\\d*)?|\\.\\d+) ?([kKmMgGtT]i?)?(bit(/s)?|bps|b/s|B/s|Bps))$';

const RATE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)( ?)(.*)$/s;

function unitHint(digits: string, unit: string): string {
  if (/^[kmgt]?i?b$/i.test(unit)) {
    const prefix = unit.slice(0, -1);
    return `unknown unit "${unit}": a rate needs "/s"; write "${digits}${prefix}B/s" for bytes or "${digits}${prefix}bit" for bits per second`;
  }
  return `unknown unit "${unit}"`;
}

/**
 * Parse a bandwidth into bytes per second. Bits: `"100Mbit"` → 12 500 000, `"1Gbps"` → 125 000 000;
 * bytes: `"10MB/s"` → 10 000 000, `"1MiB/s"` → 1 048 576. A bit rate must come to whole bytes per second.
 * Throws `ValidationError` on empty, negative, non-numeric, unit-less, unknown-unit, fractional or overflowing input.
 */
export function parseBandwidth(text: string): BytesPerSecond {
  const input = quantityText(BANDWIDTH, text);
  const match = RATE.exec(input);
  if (!match) throw quantityError(BANDWIDTH, input, 'not-a-number', 'expected a number followed by a unit');
  const [, sign, digits = '', space, unit = ''] = match;
  rejectNegative(BANDWIDTH, input, sign);
  if (space !== '' && unit === '') throw quantityError(BANDWIDTH, input, 'not-a-number', 'expected a unit after the space');
  const value = literalValue(BANDWIDTH, input, digits);
  if (unit === '' && value.num !== 0n) {
    throw quantityError(BANDWIDTH, input, 'missing-unit', `a bare number is ambiguous (bits or bytes?): write "${digits}Mbit" or "${digits}MB/s"`);
  }
  const factor = unit === '' ? ratio(1n) : BANDWIDTH_FACTORS.get(unit);
  if (factor === undefined) throw quantityError(BANDWIDTH, input, 'unknown-suffix', unitHint(digits, unit));
  const total = mulRatio(value, factor);
  return safeWhole(BANDWIDTH, input, total, 'bytes per second', () => {
    const bits = ratioToDecimal(mulRatio(total, ratio(8n)));
    return `${bits ?? 'the value'} bit/s is not a whole number of bytes per second (8 bits each)`;
  }) as BytesPerSecond;
}

/**
 * The shortest exact spelling of a bandwidth: `12500000` → `"100Mbit"`, `125000000` → `"1Gbit"`,
 * `1048576` → `"1MiB/s"`; ties prefer a whole mantissa, then bits. Round-trips through `parseBandwidth`.
 * Throws `ValidationError` unless `value` is a non-negative safe integer.
 */
export function formatBandwidth(value: BytesPerSecond): string {
  return formatShortest(BigInt(bytesPerSecond(value)), BANDWIDTH_FORMAT_UNITS);
}

/** Accepted bandwidth forms, as listed in error messages. */
export const BANDWIDTH_FORMS: readonly string[] = BANDWIDTH.accepted;

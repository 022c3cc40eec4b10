// Docker's command-line forms: `--memory 256m` (binary units, case-insensitive: 256m = 256 MiB)
// and `--cpus 0.5` (a decimal count of CPUs), read exactly into Bytes and CpuMillis.
import { formatShortest, mulRatio, pow10, pow2, ratio, ratioToDecimal, type FormatUnit, formatUnit, type Ratio } from './exact-decimal.js';
import { literalValue, numberText, quantityError, quantityText, rejectNegative, safeWhole, type QuantityKind } from './quantity-error.js';
import { bytes, cpuMillis, type Bytes, type CpuMillis } from './units.js';

const LETTERS: readonly (readonly [string, number])[] = [['k', 10], ['m', 20], ['g', 30], ['t', 40], ['p', 50]];

/** Bytes in one of each Docker memory unit, keyed in lower case: `k`, `kb`, `ki`, `kib` are all KiB. */
const DOCKER_MEMORY_FACTORS = new Map<string, Ratio>([
  ['', ratio(1n)],
  ['b', ratio(1n)],
  ...LETTERS.flatMap(([letter, exponent]) =>
    ['', 'b', 'i', 'ib'].map((tail) => [letter + tail, pow2(exponent)] as const),
  ),
]);

const DOCKER_MEMORY_FORMAT_UNITS: readonly FormatUnit[] = [
  formatUnit('', ratio(1n)),
  ...LETTERS.map(([letter, exponent]) => formatUnit(letter, pow2(exponent))),
];

const DOCKER_MEMORY: QuantityKind = {
  name: 'Docker memory size',
  accepted: ['1048576 (bytes)', '512b', '64k', '256m', '1.5g', '1t', 'units b k m g t p (x1024, any case, optional "b"/"ib": 256m = 256MB = 256MiB)'],
};
const DOCKER_CPUS: QuantityKind = {
  name: 'Docker --cpus value',
  accepted: ['0.5', '1', '1.25', '2', 'a decimal count of CPUs with at most 3 decimal places (millicores)'],
};

/** The syntax of a Docker memory size (JSON Schema `pattern`). */
export const DOCKER_MEMORY_PATTERN = '^\\d+(\\.\\d+)? ?([bB]|[kKmMgGtTpP]([iI]?[bB])?|[kKmMgGtTpP][iI])?$';

const DOCKER_SIZE = /^(-?)(\d+(?:\.\d+)?|\.\d+)( ?)(.*)$/s;
const DOCKER_CPUS_TEXT = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$/;

/**
 * Parse a Docker memory size as `docker run --memory` reads it: a number and an optional unit `b`, `k`, `m`,
 * `g`, `t`, `p` in any case, optionally followed by `b` or `ib`, all binary (`"256m"` = 268435456 bytes);
 * no unit means bytes. A fraction must come to whole bytes (`"1.5g"` is fine). Throws `ValidationError`
 * on empty, negative, non-numeric, unknown-unit, fractional-byte or overflowing input.
 */
export function parseDockerMemory(text: string): Bytes {
  const input = quantityText(DOCKER_MEMORY, text);
  const match = DOCKER_SIZE.exec(input);
  if (!match) throw quantityError(DOCKER_MEMORY, input, 'not-a-number', 'expected a number with an optional unit');
  const [, sign, digits = '', , unit = ''] = match;
  rejectNegative(DOCKER_MEMORY, input, sign);
  if (digits.startsWith('.')) throw quantityError(DOCKER_MEMORY, input, 'not-a-number', `Docker needs a digit before the point: write "0${digits}"`);
  const factor = DOCKER_MEMORY_FACTORS.get(unit.toLowerCase());
  if (factor === undefined) throw quantityError(DOCKER_MEMORY, input, 'unknown-suffix', `unknown unit "${unit}"`);
  const total = mulRatio(literalValue(DOCKER_MEMORY, input, digits), factor);
  return safeWhole(DOCKER_MEMORY, input, total, 'bytes', () => `${ratioToDecimal(total) ?? 'a fraction of'} bytes is not a whole number of bytes`) as Bytes;
}

/**
 * The Docker spelling of a byte count with the largest binary unit that divides it exactly
 * (`268435456` → `"256m"`, `1000` → `"1000"`); whole mantissas only, so Docker's own float parsing
 * reads it exactly too. Round-trips through `parseDockerMemory`. Throws `ValidationError` unless `value`
 * is a non-negative safe integer.
 */
export function formatDockerMemory(value: Bytes): string {
  return formatShortest(BigInt(bytes(value)), DOCKER_MEMORY_FORMAT_UNITS, true);
}

/**
 * Parse Docker's `--cpus` value (a decimal count of CPUs, string or number) into millicores: `"0.5"` → 500.
 * Docker keeps nano-CPUs; Strata keeps millicores, so more than 3 significant decimal places is rejected
 * rather than rounded. Throws `ValidationError` on empty, negative, non-numeric, too-precise or overflowing input.
 */
export function parseDockerCpus(text: string | number): CpuMillis {
  const input = typeof text === 'number' ? numberText(DOCKER_CPUS, text) : quantityText(DOCKER_CPUS, text);
  const match = DOCKER_CPUS_TEXT.exec(input);
  if (!match) throw quantityError(DOCKER_CPUS, input, 'not-a-number', 'expected a decimal number of CPUs such as "0.5", without a unit');
  const [, sign, digits = '', exponent] = match;
  rejectNegative(DOCKER_CPUS, input, sign);
  const total = mulRatio(literalValue(DOCKER_CPUS, input, digits, exponent), pow10(3));
  return safeWhole(DOCKER_CPUS, input, total, 'millicores', () => `${ratioToDecimal(total) ?? 'a fraction of'} millicores is finer than 0.001 CPU, the resolution of CPU amounts`) as CpuMillis;
}

/** Docker's `--cpus` spelling of a CPU amount: `500` → `"0.5"`, `2000` → `"2"`, `1250` → `"1.25"`. Round-trips through `parseDockerCpus`. */
export function formatDockerCpus(value: CpuMillis): string {
  return ratioToDecimal(ratio(BigInt(cpuMillis(value)), 1000n)) ?? String(value);
}

/** Accepted Docker memory forms, as listed in error messages. */
export const DOCKER_MEMORY_FORMS: readonly string[] = DOCKER_MEMORY.accepted;
/** Accepted Docker `--cpus` forms, as listed in error messages. */
export const DOCKER_CPUS_FORMS: readonly string[] = DOCKER_CPUS.accepted;

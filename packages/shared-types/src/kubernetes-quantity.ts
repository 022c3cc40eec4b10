// Kubernetes resource quantities: memory ("512Mi", "256M", "1e9") to Bytes and CPU ("500m", "0.5")
// to CpuMillis, with Kubernetes' case-sensitive suffixes and exact arithmetic.
import { formatShortest, mulRatio, pow10, pow2, ratioToDecimal, type FormatUnit, formatUnit, type Ratio } from './exact-decimal.js';
import { literalValue, numberText, quantityError, quantityText, rejectNegative, safeWhole, type QuantityKind } from './quantity-error.js';
import { bytes, cpuMillis, type Bytes, type CpuMillis } from './units.js';

const DECIMAL_SUFFIXES: readonly (readonly [string, number])[] = [
  ['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18],
];
const BINARY_SUFFIXES: readonly (readonly [string, number])[] = [
  ['Ki', 10], ['Mi', 20], ['Gi', 30], ['Ti', 40], ['Pi', 50], ['Ei', 60],
];

/** Bytes in one of each memory suffix. */
const MEMORY_FACTORS = new Map<string, Ratio>([
  ...DECIMAL_SUFFIXES.map(([suffix, exponent]) => [suffix, pow10(exponent)] as const),
  ...BINARY_SUFFIXES.map(([suffix, exponent]) => [suffix, pow2(exponent)] as const),
]);
/** Millicores in one of each CPU suffix (one CPU is 1000m). */
const CPU_FACTORS = new Map<string, Ratio>(DECIMAL_SUFFIXES.map(([suffix, exponent]) => [suffix, pow10(exponent + 3)] as const));

/** Formatter units for memory: plain bytes, then binary, then decimal (ties prefer binary). */
const MEMORY_FORMAT_UNITS: readonly FormatUnit[] = [
  formatUnit('', pow10(0)),
  ...BINARY_SUFFIXES.map(([suffix, exponent]) => formatUnit(suffix, pow2(exponent))),
  ...DECIMAL_SUFFIXES.filter(([, exponent]) => exponent > 0).map(([suffix, exponent]) => formatUnit(suffix, pow10(exponent))),
];

const MEMORY: QuantityKind = {
  name: 'Kubernetes memory quantity',
  accepted: ['1073741824 (bytes)', '512Mi', '2Gi', '1G', '256M', '128k', '1.5Gi', '1e9', 'suffixes Ki Mi Gi Ti Pi Ei (x1024) and k M G T P E (x1000), case-sensitive'],
};
const CPU: QuantityKind = {
  name: 'Kubernetes CPU quantity',
  accepted: ['500m (millicores)', '0.5', '2', '1.25', '5e-1', 'suffixes n u m k M G T P E (decimal), case-sensitive'],
};

/** The syntax of a Kubernetes memory quantity (JSON Schema `pattern`); the parser also checks range and whole bytes. */
export const MEMORY_PATTERN = '^\\+?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|[numkMGTPE]|[KMGTPE]i)?$';
/** The syntax of a Kubernetes CPU quantity (JSON Schema `pattern`); the parser also checks range and whole millicores. */
export const CPU_PATTERN = '^\\+?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|[numkMGTPE])?$';

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?(.*)$/s;

/** Split and evaluate a quantity into (value in suffix units, suffix), rejecting what no suffix can fix. */
function lexQuantity(kind: QuantityKind, input: string): { value: Ratio; suffix: string; digits: string } {
  const match = QUANTITY.exec(input);
  if (!match) throw quantityError(kind, input, 'not-a-number', 'expected a number with an optional suffix');
  const [, sign, digits = '', exponent, suffix = ''] = match;
  rejectNegative(kind, input, sign);
  if (/[^A-Za-z]/.test(suffix)) throw quantityError(kind, input, 'not-a-number', 'expected a number with an optional letter suffix, no spaces');
  if (exponent !== undefined && suffix !== '') {
    throw quantityError(kind, input, 'unknown-suffix', `an exponent ("e${exponent}") cannot be combined with the suffix "${suffix}"`);
  }
  return { value: literalValue(kind, input, digits, exponent), suffix, digits };
}

function memorySuffixHint(suffix: string): string {
  const prefix = suffix.replace(/i?b$/i, '');
  if (/^[kmgtpe]$/i.test(prefix) && prefix !== suffix) {
    const upper = prefix.toUpperCase();
    return `unknown suffix "${suffix}": Kubernetes writes "${upper}i" for ${upper}iB (x1024) and "${upper === 'K' ? 'k' : upper}" for ${upper}B (x1000), without "B"`;
  }
  if (suffix === 'B' || suffix === 'b') return `unknown suffix "${suffix}": a plain number is already bytes`;
  if (suffix === 'K') return 'unknown suffix "K": Kubernetes writes kilo as lowercase "k" (x1000), or "Ki" (x1024)';
  return `unknown suffix "${suffix}"`;
}

/**
 * Parse a Kubernetes memory quantity (`"512Mi"`, `"256M"`, `"1G"`, `"1073741824"`, `"1.5Gi"`, `"1e9"`) into bytes.
 * `256M` is 256·10⁶ and `256Mi` is 256·2²⁰. Suffixes are case-sensitive. Throws `ValidationError` on empty,
 * negative, non-numeric, unknown-suffix, fractional-byte (`"256m"` is 0.256 bytes) or overflowing input.
 */
export function parseMemory(text: string): Bytes {
  const input = quantityText(MEMORY, text);
  const { value, suffix, digits } = lexQuantity(MEMORY, input);
  const factor = MEMORY_FACTORS.get(suffix);
  if (factor === undefined) throw quantityError(MEMORY, input, 'unknown-suffix', memorySuffixHint(suffix));
  const total = mulRatio(value, factor);
  return safeWhole(MEMORY, input, total, 'bytes', () => {
    const amount = `${ratioToDecimal(total) ?? 'a fraction of'} bytes is not a whole number of bytes`;
    return suffix === 'm'
      ? `${amount}: "m" means milli (1/1000) in Kubernetes; write "${digits}Mi" (MiB) or "${digits}M" (MB), or use parseDockerMemory for Docker's "${digits}m"`
      : amount;
  }) as Bytes;
}

/**
 * The shortest exact Kubernetes spelling of a byte count (`268435456` → `"256Mi"`, `256000000` → `"256M"`,
 * `1536` → `"1536"`; ties prefer a whole mantissa, then binary suffixes). Round-trips through `parseMemory`.
 * Throws `ValidationError` unless `value` is a non-negative safe integer.
 */
export function formatMemory(value: Bytes): string {
  return formatShortest(BigInt(bytes(value)), MEMORY_FORMAT_UNITS);
}

/**
 * Parse a Kubernetes CPU quantity into millicores: `"500m"` → 500, `"0.5"` → 500, `"2"` → 2000; a number
 * is a count of CPUs (`0.5` → 500), as in Kubernetes YAML. Throws `ValidationError` on empty, negative,
 * non-numeric, binary-suffix, unknown-suffix, sub-millicore (`"0.0005"`) or overflowing input.
 */
export function parseCpu(text: string | number): CpuMillis {
  const input = typeof text === 'number' ? numberText(CPU, text) : quantityText(CPU, text);
  const { value, suffix } = lexQuantity(CPU, input);
  const factor = CPU_FACTORS.get(suffix);
  if (factor === undefined) {
    const problem = MEMORY_FACTORS.has(suffix)
      ? `the binary suffix "${suffix}" is for memory; CPU takes plain numbers or decimal suffixes such as "500m"`
      : `unknown suffix "${suffix}"`;
    throw quantityError(CPU, input, 'unknown-suffix', problem);
  }
  const total = mulRatio(value, factor);
  return safeWhole(CPU, input, total, 'millicores', () => `${ratioToDecimal(total) ?? 'a fraction of'}m is finer than 1m (one millicore), the resolution of CPU amounts`) as CpuMillis;
}

/**
 * The Kubernetes spelling of a CPU amount as `kubectl` shows it: whole CPUs plain (`2000` → `"2"`),
 * anything else in millicores (`500` → `"500m"`, `1500` → `"1500m"`). Round-trips through `parseCpu`.
 * Throws `ValidationError` unless `value` is a non-negative safe integer.
 */
export function formatCpu(value: CpuMillis): string {
  const millis = cpuMillis(value);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Accepted Kubernetes memory forms, as listed in error messages. */
export const MEMORY_FORMS: readonly string[] = MEMORY.accepted;
/** Accepted Kubernetes CPU forms, as listed in error messages. */
export const CPU_FORMS: readonly string[] = CPU.accepted;

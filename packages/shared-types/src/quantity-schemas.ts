// Zod schemas for quantities in specs: a human string or a plain number in, an integer unit out,
// through the same parsers as everywhere else. Their JSON Schema is the input side (string | number).
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { BANDWIDTH_PATTERN, formatBandwidth, parseBandwidth } from './bandwidth.js';
import { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';
import { CPU_PATTERN, MEMORY_PATTERN, formatCpu, formatMemory, parseCpu, parseMemory } from './kubernetes-quantity.js';
import { BYTE_RATE_PATTERN, KERNEL_SIZE_PATTERN, formatByteRate, formatKernelSize, parseByteRate, parseKernelSize } from './kernel-size.js';
import { bytes, bytesPerSecond, micros, type Bytes, type BytesPerSecond, type CpuMillis, type Micros } from './units.js';

/** Inclusive bounds of a quantity schema, in its integer unit; violations read `expected at least 1ms, got 500us`. */
export interface QuantityBounds<T extends number> {
  readonly min?: T;
  readonly max?: T;
  /**
   * An example of the expected form (`4Gi`); when set, input that does not read as a quantity at all
   * (wrong unit, words, empty, not a string or number) is reported as `expected a quantity like 4Gi,
   * got "4 gigs"`, the parser's full text staying in the issue's `params.details`.
   */
  readonly like?: string;
}

/** Rejections that mean "this is not a quantity of this kind at all" (as opposed to out of range). */
const UNREADABLE: ReadonlySet<string> = new Set(['not-a-string', 'empty', 'too-long', 'not-a-number', 'missing-unit', 'unknown-suffix']);

function shownInput(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw) : String(raw);
}

interface QuantityConfig<T extends number> {
  readonly parseText: (text: string) => T;
  readonly parseNumber: (value: number) => T;
  readonly format: (value: T) => string;
  readonly pattern: string;
  readonly description: string;
  readonly examples: readonly (string | number)[];
  /** JSON Schema of the number branch (what `parseNumber` accepts), with bounds in the number's own unit. */
  readonly numberJson: (bounds: QuantityBounds<T>) => Record<string, unknown>;
}

/** The input-side type of every quantity schema. */
export type QuantityInput = string | number;

/** A zod schema that reads a quantity from a string or a number and yields its integer unit `T`. */
export type QuantitySchema<T extends number> = z.ZodType<T, QuantityInput>;

function quantitySchema<T extends number>(config: QuantityConfig<T>, bounds: QuantityBounds<T>): QuantitySchema<T> {
  const { min, max, like } = bounds;
  const input = z
    .union([z.string().meta({ pattern: config.pattern }), z.number().meta(config.numberJson(bounds))], {
      error: (issue) => (like === undefined ? undefined : `expected a quantity like ${like}, got ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input === 'object' ? 'an object' : shownInput(issue.input)}`),
    })
    .meta({ description: config.description, examples: [...config.examples] });
  return input.transform((raw, ctx): T => {
    let value: T;
    try {
      value = typeof raw === 'string' ? config.parseText(raw) : config.parseNumber(raw);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const unreadable = like !== undefined && UNREADABLE.has(String(error.details['reason']));
      const message = unreadable ? `expected a quantity like ${like}, got ${shownInput(raw)}` : error.message;
      ctx.issues.push({ code: 'custom', message, input: raw, params: { details: { ...error.details, full: error.message } } });
      return z.NEVER;
    }
    if (min !== undefined && value < min) {
      ctx.issues.push({ code: 'custom', message: `expected at least ${config.format(min)}, got ${config.format(value)}`, input: raw });
      return z.NEVER;
    }
    if (max !== undefined && value > max) {
      ctx.issues.push({ code: 'custom', message: `expected at most ${config.format(max)}, got ${config.format(value)}`, input: raw });
      return z.NEVER;
    }
    return value;
  });
}

function integerJson(bounds: QuantityBounds<number>): Record<string, unknown> {
  return { type: 'integer', minimum: bounds.min ?? 0, maximum: bounds.max ?? Number.MAX_SAFE_INTEGER };
}

const DURATION_CONFIG: QuantityConfig<Micros> = {
  parseText: (text) => parseDuration(text),
  parseNumber: micros,
  format: formatDuration,
  pattern: DURATION_PATTERN,
  description: 'A duration: a number with a unit (us, ms, s, m, h; e.g. "250ms", "1.5s", "1h30m") or an integer number of microseconds.',
  examples: ['250ms', '1.5s', '100us', 1000],
  numberJson: integerJson,
};

const MEMORY_CONFIG: QuantityConfig<Bytes> = {
  parseText: parseMemory,
  parseNumber: bytes,
  format: formatMemory,
  pattern: MEMORY_PATTERN,
  description: 'An amount of memory: a Kubernetes quantity ("512Mi" = 512x1024^2, "256M" = 256x1000^2, "2Gi") or an integer number of bytes.',
  examples: ['512Mi', '2Gi', '256M', 1073741824],
  numberJson: integerJson,
};

const CPU_CONFIG: QuantityConfig<CpuMillis> = {
  parseText: parseCpu,
  parseNumber: parseCpu,
  format: formatCpu,
  pattern: CPU_PATTERN,
  description: 'An amount of CPU: a Kubernetes quantity ("500m" millicores, "0.5", "2") or a number of CPUs with at most 3 decimal places.',
  examples: ['500m', '2', 0.5],
  numberJson: (bounds) => ({
    type: 'number',
    minimum: (bounds.min ?? 0) / 1000,
    ...(bounds.max === undefined ? {} : { maximum: bounds.max / 1000 }),
  }),
};

const BANDWIDTH_CONFIG: QuantityConfig<BytesPerSecond> = {
  parseText: parseBandwidth,
  parseNumber: bytesPerSecond,
  format: formatBandwidth,
  pattern: BANDWIDTH_PATTERN,
  description: 'A bandwidth: bits ("100Mbit", "1Gbps") or bytes ("10MB/s", "512KiB/s") per second, or an integer number of bytes per second.',
  examples: ['100Mbit', '1Gbps', '10MB/s', 125000],
  numberJson: integerJson,
};

const KERNEL_SIZE_CONFIG: QuantityConfig<Bytes> = {
  parseText: parseKernelSize,
  parseNumber: bytes,
  format: formatKernelSize,
  pattern: KERNEL_SIZE_PATTERN,
  description: 'A size as the kernel reads it: "64M" = 64 MiB (suffixes K M G T P E, x1024, any case, optional "i"/"iB") or an integer number of bytes.',
  examples: ['64M', '1Gi', '512K', 4096],
  numberJson: integerJson,
};

const BYTE_RATE_CONFIG: QuantityConfig<BytesPerSecond> = {
  parseText: parseByteRate,
  parseNumber: bytesPerSecond,
  format: formatByteRate,
  pattern: BYTE_RATE_PATTERN,
  description: 'A rate in bytes per second: a kernel size and "/s" ("1G/s" = 1 GiB/s) or an integer number of bytes per second.',
  examples: ['1G/s', '512Mi/s', 1048576],
  numberJson: integerJson,
};

/** A duration schema (`"250ms"` or integer µs → `Micros`) with optional inclusive bounds. */
export function durationSchema(bounds: QuantityBounds<Micros> = {}): QuantitySchema<Micros> {
  return quantitySchema(DURATION_CONFIG, bounds);
}

/** A memory schema (Kubernetes quantity or integer bytes → `Bytes`) with optional inclusive bounds. */
export function memorySchema(bounds: QuantityBounds<Bytes> = {}): QuantitySchema<Bytes> {
  return quantitySchema(MEMORY_CONFIG, bounds);
}

/** A CPU schema (Kubernetes quantity or a number of CPUs → `CpuMillis`) with optional inclusive bounds in millicores. */
export function cpuSchema(bounds: QuantityBounds<CpuMillis> = {}): QuantitySchema<CpuMillis> {
  return quantitySchema(CPU_CONFIG, bounds);
}

/** A bandwidth schema (`"100Mbit"`, `"10MB/s"` or integer bytes/s → `BytesPerSecond`) with optional inclusive bounds. */
export function bandwidthSchema(bounds: QuantityBounds<BytesPerSecond> = {}): QuantitySchema<BytesPerSecond> {
  return quantitySchema(BANDWIDTH_CONFIG, bounds);
}

/** A kernel size schema (`"64M"` = 64 MiB, memparse's binary suffixes, or integer bytes → `Bytes`) with optional inclusive bounds. */
export function kernelSizeSchema(bounds: QuantityBounds<Bytes> = {}): QuantitySchema<Bytes> {
  return quantitySchema(KERNEL_SIZE_CONFIG, bounds);
}

/** A byte rate schema (`"1G/s"` or integer bytes per second → `BytesPerSecond`) with optional inclusive bounds. */
export function byteRateSchema(bounds: QuantityBounds<BytesPerSecond> = {}): QuantitySchema<BytesPerSecond> {
  return quantitySchema(BYTE_RATE_CONFIG, bounds);
}

/** Any non-negative duration: `"250ms"`, `"1.5s"`, `"1h30m"` or integer microseconds → `Micros`. */
export const DurationSchema = durationSchema();
/** Any non-negative amount of memory: `"512Mi"`, `"256M"` or integer bytes → `Bytes`. */
export const MemorySchema = memorySchema();
/** Any non-negative amount of CPU: `"500m"`, `"2"` or a number of CPUs → `CpuMillis`. */
export const CpuSchema = cpuSchema();
/** Any non-negative bandwidth: `"100Mbit"`, `"10MB/s"` or integer bytes per second → `BytesPerSecond`. */
export const BandwidthSchema = bandwidthSchema();

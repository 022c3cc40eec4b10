// Integer units of the simulation. Time is microseconds, memory bytes, bandwidth bytes per
// second, CPU millicores. Human forms ("250ms", "512Mi") are parsed at the edge (quantity parsers).
import type { Brand } from './ids.js';
import { ValidationError } from './errors.js';

/** Simulated time or duration in integer microseconds. */
export type Micros = Brand<number, 'Micros'>;
/** An amount of memory or data in integer bytes. */
export type Bytes = Brand<number, 'Bytes'>;
/** A bandwidth in integer bytes per second. */
export type BytesPerSecond = Brand<number, 'BytesPerSecond'>;
/** CPU in integer thousandths of one CPU (Kubernetes `500m` = 500). */
export type CpuMillis = Brand<number, 'CpuMillis'>;

function nonNegativeInteger<B extends string>(unit: B, what: string) {
  return (value: number): Brand<number, B> => {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ValidationError(
        `invalid ${unit} ${String(value)}: expected a non-negative safe integer number of ${what}`,
        { unit, value, accepted: `integer 0..${Number.MAX_SAFE_INTEGER}` },
      );
    }
    return value as Brand<number, B>;
  };
}

/** Brand a non-negative safe integer as microseconds. Throws `ValidationError` otherwise. */
export const micros = nonNegativeInteger('Micros', 'microseconds');
/** Brand a non-negative safe integer as bytes. */
export const bytes = nonNegativeInteger('Bytes', 'bytes');
/** Brand a non-negative safe integer as bytes per second. */
export const bytesPerSecond = nonNegativeInteger('BytesPerSecond', 'bytes per second');
/** Brand a non-negative safe integer as CPU millicores. */
export const cpuMillis = nonNegativeInteger('CpuMillis', 'thousandths of a CPU');

/** Microseconds per millisecond, second, minute and hour. */
export const MICROS_PER_MS = 1_000;
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60_000_000;
export const MICROS_PER_HOUR = 3_600_000_000;

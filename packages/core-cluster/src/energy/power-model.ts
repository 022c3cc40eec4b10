// Host power as a function of CPU utilization: CloudSim's two SPECpower-derived models, a
// straight line from idle to max and an 11-point table interpolated between its 10 % steps.
import { ValidationError } from '@strata/shared-types';

/** A host's power spec, watts: linear `{ idle, max }` or `{ table }` of 11 values at 0 %, 10 %, …, 100 % utilization. */
export type PowerSpecInput = { readonly idle: number; readonly max: number } | { readonly table: readonly number[] };

/** Power draw of a host as a function of its CPU utilization. */
export interface PowerModel {
  readonly kind: 'linear' | 'table';
  /** Watts at 0 % utilization (an idle host that is up). */
  readonly idle: number;
  /** Watts at 100 %. */
  readonly max: number;
  /** The 11 points, watts at 0 %, 10 %, …, 100 % (for `linear`: the line sampled there). */
  readonly table: readonly number[];
  /** Watts at `utilization` in [0, 1] (a value up to 1e-9 outside is clamped; further is a ValidationError). */
  watts(utilization: number): number;
}

const UTILIZATION_SLACK = 1e-9;

const invalid = (message: string, path: string, accepted: string): ValidationError => new ValidationError(message, { path, accepted });

/** Clamp a utilization within rounding of [0, 1]; anything further out is the caller's bug or input. */
export function checkUtilization(utilization: number): number {
  if (!(utilization >= -UTILIZATION_SLACK && utilization <= 1 + UTILIZATION_SLACK)) {
    throw invalid(`utilization must be a fraction in [0, 1], got ${utilization}`, 'utilization', '[0, 1]');
  }
  return Math.min(1, Math.max(0, utilization));
}

/**
 * Build a power model from a spec, validated (ValidationError names the field):
 * - `{ idle, max }`: finite watts, 0 ≤ idle ≤ max; P(u) = idle + (max − idle)·u
 *   (CloudSim's PowerModelLinear, with idle given in watts rather than as a fraction of max);
 * - `{ table }`: exactly 11 finite watts ≥ 0, non-decreasing (published SPECpower tables rise with
 *   load; a falling one is almost always a typo), at 0 %, 10 %, …, 100 %; between two steps P is
 *   linear (CloudSim's PowerModelSpecPower): P(0.55) of ML110 G4's table (…, 102, 106, …) is 104 W.
 */
export function powerModel(spec: PowerSpecInput): PowerModel {
  if (typeof spec !== 'object' || spec === null) throw invalid('a power spec must be { idle, max } or { table: [11 watts] }', 'power', '{ idle, max } | { table }');
  if ('table' in spec) {
    const table: unknown = spec.table;
    if (!Array.isArray(table) || table.length !== 11) {
      throw invalid(`power.table must list 11 watts (at 0 %, 10 %, …, 100 % utilization), got ${Array.isArray(table) ? `${table.length} values` : typeof table}`, 'power.table', '11 non-decreasing watts ≥ 0');
    }
    const checked: number[] = [];
    for (let i = 0; i < 11; i++) {
      const w: unknown = table[i];
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw invalid(`power.table[${i}] must be finite watts ≥ 0, got ${String(w)}`, `power.table[${i}]`, 'finite watts ≥ 0');
      if (i > 0 && w < checked[i - 1]!) {
        throw invalid(`power.table must not fall with load: table[${i}] = ${w} W at ${i * 10} % is below table[${i - 1}] = ${checked[i - 1]} W`, `power.table[${i}]`, '11 non-decreasing watts ≥ 0');
      }
      checked.push(w);
    }
    const points: readonly number[] = Object.freeze(checked);
    return {
      kind: 'table',
      idle: points[0]!,
      max: points[10]!,
      table: points,
      watts(utilization: number): number {
        const u = checkUtilization(utilization) * 10;
        const low = Math.floor(u);
        if (low >= 10) return points[10]!;
        const a = points[low]!;
        return a + (points[low + 1]! - a) * (u - low);
      },
    };
  }
  const { idle, max } = spec;
  if (typeof idle !== 'number' || !Number.isFinite(idle) || idle < 0) throw invalid(`power.idle must be finite watts ≥ 0, got ${String(idle)}`, 'power.idle', 'finite watts ≥ 0');
  if (typeof max !== 'number' || !Number.isFinite(max) || max < idle) throw invalid(`power.max must be finite watts ≥ power.idle (${idle} W), got ${String(max)}`, 'power.max', 'finite watts ≥ idle');
  const span = max - idle;
  return {
    kind: 'linear',
    idle,
    max,
    table: Object.freeze(Array.from({ length: 11 }, (_, i) => idle + (span * i) / 10)),
    watts: (utilization: number) => idle + span * checkUtilization(utilization),
  };
}

// Energy of every host: power integrated exactly over piecewise-constant utilization, fed by
// the datacenter each time a host's utilization changes, fails or comes back.
import { ConflictError, NotFoundError, ValidationError } from '@strata/shared-types';
import type { PowerModel, PowerSpecInput } from './power-model.js';
import { checkUtilization, powerModel } from './power-model.js';

/** Watt-microseconds per kilowatt-hour: 1,000 W × 3,600 s × 1,000,000 µs. */
export const WATT_MICROS_PER_KWH = 3.6e12;

/** Energy as `RunReport.energy` reports it. */
export interface EnergyReport {
  readonly totalKWh: number;
  readonly perHostKWh: Readonly<Record<string, number>>;
}

/**
 * Per-host energy meters. Caller's lifecycle per host: `addHost` → (`record` | `off`)* with
 * non-decreasing times; `kWhUntil(t)` at any t ≥ every host's last record.
 */
export interface EnergyMeter {
  /** Start metering `host` at `time` (µs), up and idle. ConflictError if already added; ValidationError for a bad spec or time. */
  addHost(host: string, power: PowerSpecInput | PowerModel, time: number): void;
  /** From `time` on, `host` runs at `utilization` (0..1) and draws the model's watts; a host that was off is up again. */
  record(host: string, time: number, utilization: number): void;
  /** From `time` on, `host` draws 0 W (failed or powered off) until its next `record`. */
  off(host: string, time: number): void;
  /** Watts `host` draws now (after its last record). */
  watts(host: string): number;
  /** Energy of one host from its `addHost` to `time`, kWh. */
  hostKWhUntil(host: string, time: number): number;
  /** Energy of every host (in `addHost` order) and their total, kWh, up to `time`. */
  kWhUntil(time: number): EnergyReport;
  /** Hosts metered, in `addHost` order. */
  hosts(): string[];
}

interface Meter {
  readonly model: PowerModel;
  /** Time of the last change, µs. */
  since: number;
  /** Watts since then. */
  watts: number;
  /** Energy before `since`, watt-µs, as a compensated sum (sum + compensation). */
  sum: number;
  compensation: number;
}

const isModel = (p: PowerSpecInput | PowerModel): p is PowerModel => typeof (p as PowerModel).watts === 'function';

/**
 * An energy meter. Power is constant between two calls for a host, so its energy is the exact
 * sum of watts × interval (a compensated sum of watt-µs, divided by 3.6e12 for kWh). With the
 * linear model that equals idle·T_up + (max − idle)·busyCpuTime/cpus. A failed host (`off`)
 * draws 0 W: the model has no standby power.
 */
export function createEnergyMeter(): EnergyMeter {
  const meters = new Map<string, Meter>();

  const meter = (host: string): Meter => {
    const m = meters.get(host);
    if (m === undefined) throw new NotFoundError('metered host', host);
    return m;
  };
  const checkTime = (host: string, m: Meter | undefined, time: number): void => {
    if (!Number.isSafeInteger(time) || time < 0) throw new ValidationError(`time must be a non-negative integer of µs, got ${time}`, { path: 'time', accepted: 'integers ≥ 0' });
    if (m !== undefined && time < m.since) {
      throw new ValidationError(`host '${host}' was last metered at ${m.since} µs; time ${time} µs is earlier (times must not go back)`, { path: 'time', accepted: `integers ≥ ${m.since}` });
    }
  };
  const energyUntil = (m: Meter, time: number): number => m.sum + m.compensation + m.watts * (time - m.since);
  const advance = (m: Meter, time: number, watts: number): void => {
    const add = m.watts * (time - m.since);
    const t = m.sum + add;
    m.compensation += Math.abs(m.sum) >= Math.abs(add) ? m.sum - t + add : add - t + m.sum;
    m.sum = t;
    m.since = time;
    m.watts = watts;
  };

  return {
    addHost(host: string, power: PowerSpecInput | PowerModel, time: number): void {
      if (meters.has(host)) throw new ConflictError(`host '${host}' is already metered`, { host });
      checkTime(host, undefined, time);
      const model = isModel(power) ? power : powerModel(power);
      meters.set(host, { model, since: time, watts: model.idle, sum: 0, compensation: 0 });
    },
    record(host: string, time: number, utilization: number): void {
      const m = meter(host);
      checkTime(host, m, time);
      const watts = m.model.watts(checkUtilization(utilization));
      advance(m, time, watts);
    },
    off(host: string, time: number): void {
      const m = meter(host);
      checkTime(host, m, time);
      advance(m, time, 0);
    },
    watts: (host) => meter(host).watts,
    hostKWhUntil(host: string, time: number): number {
      const m = meter(host);
      checkTime(host, m, time);
      return energyUntil(m, time) / WATT_MICROS_PER_KWH;
    },
    kWhUntil(time: number): EnergyReport {
      for (const [host, m] of meters) checkTime(host, m, time);
      const perHostKWh: Record<string, number> = {};
      let total = 0;
      for (const [host, m] of meters) {
        const kWh = energyUntil(m, time) / WATT_MICROS_PER_KWH;
        perHostKWh[host] = kWh;
        total += kWh;
      }
      return { totalKWh: total, perHostKWh };
    },
    hosts: () => [...meters.keys()],
  };
}

// A Linux-style learning bridge: forwarding database (FDB) learned from source MACs, ageing,
// flooding of unknown and broadcast destinations, hairpin per port. Time is passed in (µs).
import { ConflictError, LimitExceededError, NotFoundError, ValidationError } from '@strata/shared-types';
import { isMac } from '../addressing/index.js';
import { checkInt } from './input-checks.js';

/** Linux `BR_DEFAULT_AGEING_TIME` (300 × HZ) = 300 s, in µs. */
export const DEFAULT_AGEING_TIME_US = 300_000_000;
/** Largest ageing time accepted, µs (1 day); 0 is not accepted (Linux 0 means "never learn": not modelled). */
export const MAX_AGEING_TIME_US = 86_400_000_000;
/** Most ports one bridge may have (Linux `BR_MAX_PORTS` = 1024). */
export const MAX_BRIDGE_PORTS = 1024;
/** Default most FDB entries (a bound of ours); configurable 1..1,000,000. */
export const DEFAULT_MAX_FDB_ENTRIES = 8192;
/** The broadcast MAC. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

/** Options of a learning bridge. */
export interface LearningBridgeOptions {
  /** FDB ageing, integer µs 1..MAX_AGEING_TIME_US; default DEFAULT_AGEING_TIME_US. */
  readonly ageingTimeUs?: number;
  /** Most learned entries, 1..1,000,000; when full, new MACs are not learned (and keep flooding). */
  readonly maxFdbEntries?: number;
}

/** One learned FDB entry. */
export interface FdbEntry {
  readonly mac: string;
  readonly port: string;
  /** When the MAC was last seen as a source, µs. */
  readonly updatedAt: number;
}

/** What the bridge did with one frame. */
export interface ForwardResult {
  /** Ports the frame leaves by, in port order. Empty when dropped (destination behind the ingress port). */
  readonly ports: readonly string[];
  /** True when the destination was unknown, aged out or broadcast/multicast, so the frame was flooded. */
  readonly flooded: boolean;
}

/**
 * A learning bridge. Lifecycle: `addPort`* → (`receive` | `addPort` | `removePort`)*. Time passed to
 * `receive` and `fdb` must not go backwards (ValidationError). Failed calls change nothing.
 */
export class LearningBridge {
  /** Ageing time, µs. */
  readonly ageingTimeUs: number;
  private readonly maxEntries: number;
  private readonly ports = new Map<string, { hairpin: boolean }>();
  private readonly table = new Map<string, FdbEntry>();
  private now = 0;

  /** ValidationError naming `ageingTimeUs` or `maxFdbEntries`. */
  constructor(options: LearningBridgeOptions = {}) {
    this.ageingTimeUs = checkInt(options.ageingTimeUs ?? DEFAULT_AGEING_TIME_US, 1, MAX_AGEING_TIME_US, 'ageingTimeUs');
    this.maxEntries = checkInt(options.maxFdbEntries ?? DEFAULT_MAX_FDB_ENTRIES, 1, 1_000_000, 'maxFdbEntries');
  }

  /** Enslaves a port. ConflictError if present; LimitExceededError past MAX_BRIDGE_PORTS. */
  addPort(port: string, options: { hairpin?: boolean } = {}): void {
    if (this.ports.has(port)) throw new ConflictError(`port ${port} is already a port of this bridge`, { port });
    if (this.ports.size >= MAX_BRIDGE_PORTS) {
      throw new LimitExceededError(`a bridge has at most ${MAX_BRIDGE_PORTS} ports; remove one before adding ${port}`, { limit: MAX_BRIDGE_PORTS });
    }
    this.ports.set(port, { hairpin: options.hairpin ?? false });
  }

  /** Releases a port and flushes the entries learned on it (as Linux does). NotFoundError if absent. */
  removePort(port: string): void {
    if (!this.ports.delete(port)) throw new NotFoundError('bridge port', port);
    for (const [mac, entry] of [...this.table]) if (entry.port === port) this.table.delete(mac);
  }

  /** Ports in the order added. */
  portNames(): string[] {
    return [...this.ports.keys()];
  }

  /**
   * A frame from `src` to `dst` arrives on `inPort` at `time` µs: learn (or refresh, or move) `src`,
   * then forward to the learned port of `dst`, or flood to every other port when unknown, aged out
   * or broadcast/multicast. A frame never leaves by its ingress port unless that port has hairpin.
   */
  receive(frame: { readonly src: string; readonly dst: string }, inPort: string, time: number): ForwardResult {
    this.checkTime(time);
    if (!this.ports.has(inPort)) throw new NotFoundError('bridge port', inPort);
    for (const [field, mac] of [
      ['src', frame.src],
      ['dst', frame.dst],
    ] as const) {
      if (!isMac(mac)) throw new ValidationError(`frame.${field} must be a MAC like 02:42:ac:11:00:02; got ${JSON.stringify(mac)}`, { path: `frame.${field}`, given: mac });
    }
    const src = frame.src.toLowerCase();
    const dst = frame.dst.toLowerCase();
    if (isGroup(src)) throw new ValidationError(`frame.src must be a unicast MAC (a group MAC is never a source); got ${src}`, { path: 'frame.src', given: src });
    this.now = time;
    this.expire(time);
    if (this.table.has(src) || this.table.size < this.maxEntries) this.table.set(src, { mac: src, port: inPort, updatedAt: time });
    const hit = isGroup(dst) ? undefined : this.table.get(dst);
    if (hit !== undefined) {
      const back = hit.port === inPort && !(this.ports.get(inPort)?.hairpin ?? false);
      return { ports: back ? [] : [hit.port], flooded: false };
    }
    const out = [...this.ports].filter(([p, o]) => p !== inPort || o.hairpin).map(([p]) => p);
    return { ports: out, flooded: true };
  }

  /** The live FDB at `time` (entries older than the ageing time are gone), sorted by MAC. */
  fdb(time: number): FdbEntry[] {
    this.checkTime(time);
    this.now = time;
    this.expire(time);
    return [...this.table.values()].sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
  }

  private expire(time: number): void {
    for (const [mac, entry] of [...this.table]) if (time - entry.updatedAt >= this.ageingTimeUs) this.table.delete(mac);
  }

  private checkTime(time: number): void {
    if (!Number.isSafeInteger(time) || time < this.now) {
      throw new ValidationError(`time must be an integer µs ≥ the bridge's last time ${this.now}; got ${String(time)}`, {
        path: 'time',
        accepted: `integer ≥ ${this.now}`,
        given: time,
      });
    }
  }
}

function isGroup(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

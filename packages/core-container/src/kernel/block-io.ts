// Block I/O of the kernel model: the devices, and `read`/`write` streams as fluid flows on a
// core-network flow network (weighted max-min over device links and io.max limiter links), driven
// from the kernel's time loop. The kernel asks it to start and cancel streams and reapply io files.
import { ValidationError } from '@strata/shared-types';
import { createFlowNetwork, MAX_FLOW_CAPACITY, MAX_FLOW_NETWORK_SIZE, MAX_FLOW_PATH, type FlowNetwork } from '@strata/core-network';
import type { BlockDeviceId, IoLimits, IoStat, IoStatCounters } from '../cgroupfs/io-files.js';
import type { CgroupNode, CgroupTree } from './cgroup-tree.js';

/** Bandwidth of a device direction given no rate (`rbps`/`wbps` omitted): 1 GB/s. */
export const DEFAULT_DEVICE_BYTES_PER_SECOND = 1_000_000_000;

/** A block device of `KernelOptions.devices`: its "MAJ:MIN" id and what it serves (omitted: bytes at the default rate, no IOPS limit). */
export interface KernelBlockDevice {
  /** "MAJ:MIN", e.g. "8:16": the id io.max and io.weight lines name. */
  readonly id: string;
  /** Read bandwidth, bytes/s (integer 1..10^13; default DEFAULT_DEVICE_BYTES_PER_SECOND). */
  readonly rbps?: number | undefined;
  /** Write bandwidth, bytes/s (integer 1..10^13; default DEFAULT_DEVICE_BYTES_PER_SECOND). */
  readonly wbps?: number | undefined;
  /** Read requests per second (integer 1..10^9; default no limit). */
  readonly riops?: number | undefined;
  /** Write requests per second (integer 1..10^9; default no limit). */
  readonly wiops?: number | undefined;
}

type Dir = 'r' | 'w';

/** A shared constraint: a device direction or one cgroup's io.max for a device direction. */
interface IoLink {
  readonly id: string;
  bps: number | 'max';
  iops: number | 'max';
  /** Block sizes of the active streams crossing it (size → count): an IOPS limit is held with the smallest. */
  readonly blocks: Map<number, number>;
  capacity: number;
}

/** What io.stat counts for one device: bytes and requests read and written. */
export interface IoCounts {
  rbytes: number;
  wbytes: number;
  rios: number;
  wios: number;
}

interface Stream {
  readonly id: number;
  readonly pid: number;
  readonly node: CgroupNode;
  readonly device: BlockDeviceId;
  readonly dir: Dir;
  readonly block: number;
  readonly bytes: number;
  remaining: number;
  flowId: string;
  links: IoLink[];
}

/**
 * Check `KernelOptions.devices`: names 1..32 characters, ids "MAJ:MIN" (major ≤ 4 digits, minor
 * ≤ 7) unique, rates integers in range. Throws ValidationError naming the field.
 */
export function checkDevices(devices: unknown): void {
  if (devices === undefined) return;
  if (devices === null || typeof devices !== 'object' || Array.isArray(devices)) {
    throw new ValidationError('devices must be an object { NAME: { id: "MAJ:MIN", rbps?, wbps?, riops?, wiops? } }', { path: 'devices', value: devices, accepted: '{ NAME: { id, rbps?, wbps?, riops?, wiops? } }' });
  }
  const ids = new Map<string, string>();
  for (const [name, d] of Object.entries(devices as Record<string, unknown>)) {
    const at = `devices.${name}`;
    if (name.length < 1 || name.length > 32) throw new ValidationError(`${at}: a device name must be 1..32 characters`, { path: at, value: name, accepted: '1..32 characters, such as "sda"' });
    if (d === null || typeof d !== 'object') throw new ValidationError(`${at} must be { id: "MAJ:MIN", rbps?, wbps?, riops?, wiops? }`, { path: at, value: d, accepted: '{ id, rbps?, wbps?, riops?, wiops? }' });
    const dev = d as KernelBlockDevice;
    if (typeof dev.id !== 'string' || !/^\d{1,4}:\d{1,7}$/.test(dev.id)) throw new ValidationError(`${at}.id must be "MAJ:MIN" such as "8:16", got ${JSON.stringify(dev.id)}`, { path: `${at}.id`, value: dev.id, accepted: '"MAJ:MIN", major of at most 4 digits, minor of at most 7' });
    const id = normalizeId(dev.id);
    const other = ids.get(id);
    if (other !== undefined) throw new ValidationError(`${at}.id ${id} is also the id of devices.${other}; ids are unique`, { path: `${at}.id`, value: dev.id, accepted: 'an id no other device has' });
    ids.set(id, name);
    for (const [key, max] of [['rbps', MAX_FLOW_CAPACITY], ['wbps', MAX_FLOW_CAPACITY], ['riops', 1e9], ['wiops', 1e9]] as const) {
      const v = dev[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max)) {
        throw new ValidationError(`${at}.${key} must be an integer in 1..${max}, got ${String(v)}`, { path: `${at}.${key}`, value: v, accepted: `integer 1..${max} or omitted` });
      }
    }
  }
}

function normalizeId(id: string): BlockDeviceId {
  const [major, minor] = id.split(':').map(Number);
  return `${major}:${minor}` as BlockDeviceId;
}

const clampCapacity = (x: number): number => Math.min(MAX_FLOW_CAPACITY, Math.floor(x));

function capacityOf(l: IoLink): number {
  let c = l.bps === 'max' ? MAX_FLOW_CAPACITY : l.bps;
  if (l.iops !== 'max' && l.blocks.size > 0) c = Math.min(c, l.iops * Math.min(...l.blocks.keys()));
  return clampCapacity(c);
}

/**
 * The kernel's block layer: devices, io.max limiter links and the active streams. A passive model
 * kept at the kernel's time: `nextEventTime` joins the kernel's, `advanceTo(t)` returns the PIDs
 * whose stream completed (in completion order). Commands apply at the time of the last `advanceTo`.
 */
export class BlockIo {
  private readonly flows: FlowNetwork;
  private readonly byName = new Map<string, BlockDeviceId>();
  private readonly deviceLinks = new Map<string, IoLink>();
  /** io.max limiter links by `${cgroup path}|${device}|${dir}`; made at the first limit, never removed (cleared = unlimited). */
  private readonly limiters = new Map<string, IoLink>();
  private readonly streams = new Map<number, Stream>();
  /** Active streams by process, and by cgroup then `${device}|${dir}` (the streams sharing a cgroup's weight). */
  private readonly byPid = new Map<number, Set<Stream>>();
  private readonly groups = new Map<CgroupNode, Map<string, Set<Stream>>>();
  /** Bytes and requests done, per cgroup and device (io.stat counts the subtree). */
  private readonly counts = new Map<CgroupNode, Map<BlockDeviceId, IoCounts>>();
  private readonly byFlow = new Map<string, Stream>();
  private readonly done: { readonly stream: number; readonly pid: number }[] = [];
  private seq = 0;
  private gen = 0;
  /** Block devices as io files name them. */
  readonly ids: readonly BlockDeviceId[];

  constructor(
    devices: Readonly<Record<string, KernelBlockDevice>>,
    start: number,
    private readonly tree: CgroupTree,
  ) {
    this.flows = createFlowNetwork({ start, maxLinks: MAX_FLOW_NETWORK_SIZE, maxFlows: MAX_FLOW_NETWORK_SIZE });
    const ids: BlockDeviceId[] = [];
    for (const [name, d] of Object.entries(devices)) {
      const id = normalizeId(d.id);
      ids.push(id);
      this.byName.set(name, id);
      this.byName.set(id, id);
      this.addLink(this.deviceLinks, `${id}|r`, `dev:${id}:r`, d.rbps ?? DEFAULT_DEVICE_BYTES_PER_SECOND, d.riops ?? 'max');
      this.addLink(this.deviceLinks, `${id}|w`, `dev:${id}:w`, d.wbps ?? DEFAULT_DEVICE_BYTES_PER_SECOND, d.wiops ?? 'max');
    }
    this.ids = ids;
  }

  /** The device a step names (a device name or its "MAJ:MIN"), or undefined (the step meets ENOENT). */
  device(name: string): BlockDeviceId | undefined {
    return this.byName.get(name) ?? this.byName.get(/^\d+:\d+$/.test(name) ? normalizeId(name) : name);
  }

  nextEventTime(): number {
    return this.done.length > 0 ? this.flows.now() : this.flows.nextEventTime();
  }

  /** Run to `time`; the streams that completed (id and PID), in completion order. */
  advanceTo(time: number): { readonly stream: number; readonly pid: number }[] {
    this.sync(time);
    return this.done.splice(0, this.done.length);
  }

  /** Whether a stream is still in flight. */
  active(stream: number): boolean {
    return this.streams.has(stream);
  }

  /** Start a stream for `pid` of `bytes` in requests of `block` bytes at `now`, from cgroup `node`; its id. */
  start(now: number, pid: number, node: CgroupNode, device: BlockDeviceId, dir: Dir, bytes: number, block: number): number {
    this.sync(now);
    const s: Stream = { id: this.seq++, pid, node, device, dir, block, bytes, remaining: bytes, flowId: '', links: [] };
    this.track(s);
    this.launch(s);
    this.reweigh(s);
    return s.id;
  }

  /** Drop `pid`'s streams (the process ended); their siblings' weights are recomputed. */
  cancel(now: number, pid: number): void {
    if (!this.byPid.has(pid)) return;
    this.sync(now);
    for (const s of [...(this.byPid.get(pid) ?? [])]) {
      const dropped = this.flows.cancelFlow(s.flowId);
      this.account(s, s.bytes - s.remaining + dropped.bytesDelivered);
      this.forget(s);
      this.reweigh(s);
    }
  }

  /** io.max of `node` was written: limiter capacities change at once; a newly limited device re-paths the subtree's streams. */
  applyIoMax(now: number, node: CgroupNode): void {
    this.sync(now);
    const max = this.tree.setting(node, 'io.max');
    for (const device of this.ids) {
      const lim: IoLimits | undefined = max[device];
      for (const dir of ['r', 'w'] as const) {
        const key = `${node.path}|${device}|${dir}`;
        const bps = lim === undefined ? 'max' : dir === 'r' ? lim.rbps : lim.wbps;
        const iops = lim === undefined ? 'max' : dir === 'r' ? lim.riops : lim.wiops;
        const l = this.limiters.get(key);
        if (l !== undefined) {
          l.bps = bps;
          l.iops = iops;
          this.refresh(l);
        } else if (lim !== undefined) this.addLink(this.limiters, key, `io.max:${key}`, bps, iops);
        // Streams whose set of limiters changed (a device newly limited here) are re-pathed.
        for (const s of [...this.streams.values()]) if (s.device === device && s.dir === dir && within(s.node, node) && !samePath(s.links, this.pathOf(s))) this.restart(s);
      }
    }
  }

  /** io.weight of `node` was written: the weights of the subtree's streams change at once. */
  applyIoWeight(now: number, node: CgroupNode): void {
    this.sync(now);
    for (const s of [...this.streams.values()]) if (within(s.node, node)) this.restart(s);
  }

  // --- internals ---

  private sync(now: number): void {
    if (now <= this.flows.now()) return;
    const ended: Stream[] = [];
    for (const e of this.flows.advanceTo(now)) {
      const s = this.byFlow.get(e.flow);
      if (s === undefined) continue;
      this.account(s, s.bytes);
      this.forget(s);
      this.done.push({ stream: s.id, pid: s.pid });
      ended.push(s);
    }
    // Only once every flow that ended at this time is gone: the survivors take their new shares.
    for (const s of ended) this.reweigh(s);
  }

  private addLink(map: Map<string, IoLink>, key: string, id: string, bps: number | 'max', iops: number | 'max'): IoLink {
    const l: IoLink = { id, bps, iops, blocks: new Map(), capacity: 0 };
    l.capacity = capacityOf(l);
    this.flows.addLink({ id, capacity: l.capacity, latency: 0 });
    map.set(key, l);
    return l;
  }

  private refresh(l: IoLink): void {
    const c = capacityOf(l);
    if (c === l.capacity) return;
    l.capacity = c;
    this.flows.setCapacity(l.id, c);
  }

  /** The links a stream crosses: io.max limiters of its cgroup and ancestors (nearest first), then the device. */
  private pathOf(s: Stream): IoLink[] {
    const out: IoLink[] = [];
    for (let n: CgroupNode | null = s.node; n !== null && n.parent !== null; n = n.parent) {
      const l = this.limiters.get(`${n.path}|${s.device}|${s.dir}`);
      if (l !== undefined && this.tree.hasFile(n, 'io.max') && this.tree.setting(n, 'io.max')[s.device] !== undefined && out.length < MAX_FLOW_PATH - 1) out.push(l);
    }
    out.push(this.deviceLinks.get(`${s.device}|${s.dir}`)!);
    return out;
  }

  /** The stream's weight: its cgroup's io.weight for the device (nearest cgroup with the io controller; 100 if none), shared by its streams there. */
  private weightOf(s: Stream): number {
    let w = 100;
    for (let n: CgroupNode | null = s.node; n !== null && n.parent !== null; n = n.parent) {
      if (!this.tree.hasFile(n, 'io.weight')) continue;
      const v = this.tree.setting(n, 'io.weight');
      w = v.devices[s.device] ?? v.default;
      break;
    }
    return w / this.siblings(s).length;
  }

  /** Active streams of the same cgroup, device and direction (a cgroup's weight is shared by them). */
  private siblings(s: Stream): Stream[] {
    const set = this.groups.get(s.node)?.get(`${s.device}|${s.dir}`);
    return set === undefined || set.size === 0 ? [s] : [...set];
  }

  private track(s: Stream): void {
    this.streams.set(s.id, s);
    const mine = this.byPid.get(s.pid) ?? new Set<Stream>();
    mine.add(s);
    this.byPid.set(s.pid, mine);
    const byKey = this.groups.get(s.node) ?? new Map<string, Set<Stream>>();
    this.groups.set(s.node, byKey);
    const key = `${s.device}|${s.dir}`;
    const set = byKey.get(key) ?? new Set<Stream>();
    set.add(s);
    byKey.set(key, set);
  }

  private untrack(s: Stream): void {
    this.streams.delete(s.id);
    const mine = this.byPid.get(s.pid);
    mine?.delete(s);
    if (mine?.size === 0) this.byPid.delete(s.pid);
    const byKey = this.groups.get(s.node);
    const key = `${s.device}|${s.dir}`;
    const set = byKey?.get(key);
    set?.delete(s);
    if (set?.size === 0) byKey!.delete(key);
    if (byKey?.size === 0) this.groups.delete(s.node);
  }

  /** Count `bytes` of `s` as done for io.stat (requests of `block` bytes, the last one partial). */
  private account(s: Stream, bytes: number): void {
    if (bytes <= 0) return;
    const byDevice = this.counts.get(s.node) ?? new Map<BlockDeviceId, IoCounts>();
    this.counts.set(s.node, byDevice);
    const c = byDevice.get(s.device) ?? { rbytes: 0, wbytes: 0, rios: 0, wios: 0 };
    byDevice.set(s.device, c);
    const ios = Math.ceil(bytes / s.block);
    if (s.dir === 'r') {
      c.rbytes += bytes;
      c.rios += ios;
    } else {
      c.wbytes += bytes;
      c.wios += ios;
    }
  }

  /** io.stat of `node`: its subtree's counters per device that has done I/O (no discards: dbytes, dios 0). */
  stat(node: CgroupNode): IoStat {
    const out = new Map<BlockDeviceId, IoCounts>();
    for (const [n, byDevice] of this.counts) {
      if (!within(n, node)) continue;
      for (const [d, c] of byDevice) {
        const t = out.get(d) ?? { rbytes: 0, wbytes: 0, rios: 0, wios: 0 };
        t.rbytes += c.rbytes;
        t.wbytes += c.wbytes;
        t.rios += c.rios;
        t.wios += c.wios;
        out.set(d, t);
      }
    }
    const stat: Record<BlockDeviceId, IoStatCounters> = {};
    for (const [d, c] of out) stat[d] = { ...c, dbytes: 0, dios: 0 };
    return stat;
  }

  private launch(s: Stream): void {
    s.links = this.pathOf(s);
    for (const l of s.links) {
      l.blocks.set(s.block, (l.blocks.get(s.block) ?? 0) + 1);
      this.refresh(l);
    }
    s.flowId = `io${s.id}.${this.gen++}`;
    this.byFlow.set(s.flowId, s);
    this.flows.startFlow({ id: s.flowId, path: s.links.map((l) => l.id), bytes: s.remaining, weight: this.weightOf(s) });
  }

  /** Take the stream off its links (its flow is already gone). */
  private forget(s: Stream): void {
    this.untrack(s);
    this.byFlow.delete(s.flowId);
    for (const l of s.links) {
      const n = (l.blocks.get(s.block) ?? 1) - 1;
      if (n === 0) l.blocks.delete(s.block);
      else l.blocks.set(s.block, n);
      this.refresh(l);
    }
    s.links = [];
  }

  /** Restart a stream's flow with what it still owes (new path and weight). Whole bytes: a fraction of a byte delivered is redone. */
  private restart(s: Stream): void {
    const dropped = this.flows.cancelFlow(s.flowId);
    s.remaining -= dropped.bytesDelivered;
    this.forget(s);
    if (s.remaining <= 0) {
      this.account(s, s.bytes);
      this.done.push({ stream: s.id, pid: s.pid });
      return;
    }
    this.track(s);
    this.launch(s);
  }

  /** The streams sharing `s`'s cgroup weight changed in number: restart the others with their new share. */
  private reweigh(s: Stream): void {
    for (const t of this.siblings(s)) if (t !== s && this.streams.has(t.id)) this.restart(t);
  }
}

function samePath(a: readonly IoLink[], b: readonly IoLink[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

function within(n: CgroupNode, ancestor: CgroupNode): boolean {
  for (let x: CgroupNode | null = n; x !== null; x = x.parent) if (x === ancestor) return true;
  return false;
}

/** The "MAJ:MIN" ids of `devices` (normalized: "08:016" is "8:16"), in order. */
export function blockDeviceIds(devices: Readonly<Record<string, KernelBlockDevice>> | undefined): BlockDeviceId[] {
  return Object.values(devices ?? {}).map((d) => normalizeId(d.id));
}

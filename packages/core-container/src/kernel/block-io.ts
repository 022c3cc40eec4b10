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
interface IoCounts {
  rbytes: number;
  wbytes: number;
  rios: number;
  wios: number;
}

interface Stream {
  readonly id: number;
  readonly pid: number;
  readonly queue: Queue;
  readonly block: number;
  readonly bytes: number;
  /** Bytes still owed (a float: a queue's service is shared equally by its streams). */
  remaining: number;
}

/**
 * A cgroup's queue for one device and direction (BFQ's group queue): one flow whose weight is the
 * cgroup's io.weight, serving its streams equally; the flow carries bytes until its smallest stream ends.
 */
interface Queue {
  readonly node: CgroupNode;
  readonly device: BlockDeviceId;
  readonly dir: Dir;
  readonly key: string;
  readonly streams: Set<Stream>;
  flowId: string | null;
  flowBytes: number;
  links: IoLink[];
}

/**
 * Check `KernelOptions.devices`: names 1..32 characters without ':', ids "MAJ:MIN" (major ≤ 4 digits, minor
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
    if (name.length < 1 || name.length > 32 || name.includes(':')) throw new ValidationError(`${at}: a device name must be 1..32 characters without ':' (steps may also name a device by its "MAJ:MIN")`, { path: at, value: name, accepted: '1..32 characters without ":", such as "sda"' });
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

/** What `advanceTo` returns when nothing completed (most calls: no garbage per kernel step). */
const NONE_DONE: readonly { readonly stream: number; readonly pid: number }[] = Object.freeze([]);

/**
 * The kernel's block layer: devices, io.max limiter links, per-cgroup queues and their streams. A
 * passive model kept at the kernel's time: `nextEventTime` joins the kernel's, `advanceTo(t)` returns
 * the streams that completed. Commands apply at the time of the last `advanceTo`.
 */
export class BlockIo {
  /** Built when the first link needs it (a kernel without devices never does). */
  private flowNet: FlowNetwork | null = null;
  /** The time while there is no flow network. */
  private clock: number;
  private readonly byName = new Map<string, BlockDeviceId>();
  private readonly deviceLinks = new Map<string, IoLink>();
  /** io.max limiter links by `${cgroup path}|${device}|${dir}`; made at the first limit, never removed (cleared = unlimited). */
  private readonly limiters = new Map<string, IoLink>();
  private readonly streams = new Map<number, Stream>();
  private readonly byPid = new Map<number, Set<Stream>>();
  /** Queues with streams, by cgroup then `${device}|${dir}`. */
  private readonly queues = new Map<CgroupNode, Map<string, Queue>>();
  private readonly byFlow = new Map<string, Queue>();
  /** Bytes and requests done, per cgroup and device (io.stat counts the subtree). */
  private readonly counts = new Map<CgroupNode, Map<BlockDeviceId, IoCounts>>();
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
    this.clock = start;
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

  private get flows(): FlowNetwork {
    return (this.flowNet ??= createFlowNetwork({ start: this.clock, maxLinks: MAX_FLOW_NETWORK_SIZE, maxFlows: MAX_FLOW_NETWORK_SIZE }));
  }

  nextEventTime(): number {
    if (this.flowNet === null) return this.done.length > 0 ? this.clock : Infinity;
    return this.done.length > 0 ? this.flowNet.now() : this.flowNet.nextEventTime();
  }

  /** Run to `time`; the streams that completed (id and PID), in completion order. */
  advanceTo(time: number): readonly { readonly stream: number; readonly pid: number }[] {
    this.sync(time);
    return this.done.length === 0 ? NONE_DONE : this.done.splice(0, this.done.length);
  }

  /** Whether a stream is still in flight. */
  active(stream: number): boolean {
    return this.streams.has(stream);
  }

  /** Start a stream for `pid` of `bytes` in requests of `block` bytes at `now`, from cgroup `node`; its id. */
  start(now: number, pid: number, node: CgroupNode, device: BlockDeviceId, dir: Dir, bytes: number, block: number): number {
    this.sync(now);
    const key = `${device}|${dir}`;
    const byKey = this.queues.get(node) ?? new Map<string, Queue>();
    this.queues.set(node, byKey);
    let q = byKey.get(key);
    if (q === undefined) {
      q = { node, device, dir, key, streams: new Set(), flowId: null, flowBytes: 0, links: [] };
      q.links = this.pathOf(q);
      byKey.set(key, q);
    }
    this.settle(q);
    const s: Stream = { id: this.seq++, pid, queue: q, block, bytes, remaining: bytes };
    this.streams.set(s.id, s);
    const mine = this.byPid.get(pid) ?? new Set<Stream>();
    mine.add(s);
    this.byPid.set(pid, mine);
    q.streams.add(s);
    this.addBlock(q.links, s.block, 1);
    this.launch(q);
    return s.id;
  }

  /** Drop `pid`'s streams (the process ended); what they transferred counts in io.stat. */
  cancel(now: number, pid: number): void {
    if (!this.byPid.has(pid)) return;
    this.sync(now);
    for (const s of [...(this.byPid.get(pid) ?? [])]) {
      const q = s.queue;
      this.settle(q);
      if (!this.streams.has(s.id)) continue; // it was served to its end just now
      this.finish(s, s.bytes - Math.ceil(s.remaining));
      this.launch(q);
    }
  }

  /** io.max of `node` was written: limiter capacities change at once; queues whose limiters changed are re-pathed. */
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
      }
    }
    for (const q of this.queuesUnder(node)) {
      const path = this.pathOf(q);
      if (samePath(q.links, path)) continue;
      this.settle(q);
      for (const s of q.streams) this.addBlock(q.links, s.block, -1);
      q.links = path;
      for (const s of q.streams) this.addBlock(q.links, s.block, 1);
      this.launch(q);
    }
  }

  /** io.weight of `node` was written: the weights of the subtree's queues change at once. */
  applyIoWeight(now: number, node: CgroupNode): void {
    this.sync(now);
    for (const q of this.queuesUnder(node)) {
      this.settle(q);
      this.launch(q);
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

  // --- internals ---

  /** Bring the flows to `now`, completing queues' flows at their own times (each queue relaunched there). */
  private sync(now: number): void {
    if (this.flowNet === null) {
      if (now > this.clock) this.clock = now;
      return;
    }
    for (let t = this.flows.nextEventTime(); t <= now; t = this.flows.nextEventTime()) {
      const ended: Queue[] = [];
      for (const e of this.flows.advanceTo(t)) {
        const q = this.byFlow.get(e.flow);
        if (q === undefined) continue;
        this.byFlow.delete(e.flow);
        q.flowId = null;
        this.serve(q, q.flowBytes);
        ended.push(q);
      }
      for (const q of ended) this.launch(q);
    }
    if (now > this.flows.now()) this.flows.advanceTo(now);
  }

  /** Stop `q`'s flow now and share what it delivered among its streams. */
  private settle(q: Queue): void {
    if (q.flowId === null) return;
    const dropped = this.flows.cancelFlow(q.flowId);
    this.byFlow.delete(q.flowId);
    q.flowId = null;
    this.serve(q, dropped.bytesDelivered);
  }

  /** `bytes` of `q`'s service, shared equally by its streams; streams that are owed nothing more complete. */
  private serve(q: Queue, bytes: number): void {
    if (bytes <= 0 || q.streams.size === 0) return;
    const share = bytes / q.streams.size;
    for (const s of [...q.streams]) {
      s.remaining -= share;
      if (s.remaining > 1e-6) continue;
      this.finish(s, s.bytes);
      this.done.push({ stream: s.id, pid: s.pid });
    }
  }

  /** Take a stream out (done or cancelled), counting `transferred` bytes for io.stat. */
  private finish(s: Stream, transferred: number): void {
    this.account(s, transferred);
    this.streams.delete(s.id);
    const mine = this.byPid.get(s.pid);
    mine?.delete(s);
    if (mine?.size === 0) this.byPid.delete(s.pid);
    s.queue.streams.delete(s);
    this.addBlock(s.queue.links, s.block, -1);
  }

  /** Start `q`'s flow: until its smallest stream is served, at the cgroup's weight (a queue without streams is dropped). */
  private launch(q: Queue): void {
    if (q.flowId !== null) return;
    if (q.streams.size === 0) {
      const byKey = this.queues.get(q.node);
      byKey?.delete(q.key);
      if (byKey?.size === 0) this.queues.delete(q.node);
      return;
    }
    let least = Infinity;
    for (const s of q.streams) least = Math.min(least, s.remaining);
    q.flowBytes = Math.max(1, Math.ceil(least * q.streams.size - 1e-6));
    q.flowId = `io${this.gen++}`;
    this.byFlow.set(q.flowId, q);
    this.flows.startFlow({ id: q.flowId, path: q.links.map((l) => l.id), bytes: q.flowBytes, weight: this.weightOf(q) });
  }

  private queuesUnder(node: CgroupNode): Queue[] {
    const out: Queue[] = [];
    for (const [n, byKey] of this.queues) if (within(n, node)) out.push(...byKey.values());
    return out;
  }

  private addLink(map: Map<string, IoLink>, key: string, id: string, bps: number | 'max', iops: number | 'max'): IoLink {
    const l: IoLink = { id, bps, iops, blocks: new Map(), capacity: 0 };
    l.capacity = capacityOf(l);
    this.flows.addLink({ id, capacity: l.capacity, latency: 0 });
    map.set(key, l);
    return l;
  }

  /** Count a stream's block size on links (+1 joining, −1 leaving) and refresh their IOPS capacities. */
  private addBlock(links: readonly IoLink[], block: number, delta: 1 | -1): void {
    for (const l of links) {
      const n = (l.blocks.get(block) ?? 0) + delta;
      if (n <= 0) l.blocks.delete(block);
      else l.blocks.set(block, n);
      this.refresh(l);
    }
  }

  private refresh(l: IoLink): void {
    const c = capacityOf(l);
    if (c === l.capacity) return;
    l.capacity = c;
    this.flows.setCapacity(l.id, c);
  }

  /** The links a queue crosses: io.max limiters of its cgroup and ancestors that limit the device (nearest first), then the device. */
  private pathOf(q: Queue): IoLink[] {
    const out: IoLink[] = [];
    for (let n: CgroupNode | null = q.node; n !== null && n.parent !== null; n = n.parent) {
      const l = this.limiters.get(`${n.path}|${q.device}|${q.dir}`);
      if (l !== undefined && this.tree.hasFile(n, 'io.max') && this.tree.setting(n, 'io.max')[q.device] !== undefined && out.length < MAX_FLOW_PATH - 1) out.push(l);
    }
    out.push(this.deviceLinks.get(`${q.device}|${q.dir}`)!);
    return out;
  }

  /** The queue's weight: its cgroup's io.weight for the device (the nearest cgroup with the io controller; 100 if none). */
  private weightOf(q: Queue): number {
    for (let n: CgroupNode | null = q.node; n !== null && n.parent !== null; n = n.parent) {
      if (!this.tree.hasFile(n, 'io.weight')) continue;
      const v = this.tree.setting(n, 'io.weight');
      return v.devices[q.device] ?? v.default;
    }
    return 100;
  }

  /** Count `bytes` of `s` as done for io.stat (requests of `block` bytes, the last one partial). */
  private account(s: Stream, bytes: number): void {
    if (bytes <= 0) return;
    const node = s.queue.node;
    const byDevice = this.counts.get(node) ?? new Map<BlockDeviceId, IoCounts>();
    this.counts.set(node, byDevice);
    const c = byDevice.get(s.queue.device) ?? { rbytes: 0, wbytes: 0, rios: 0, wios: 0 };
    byDevice.set(s.queue.device, c);
    const ios = Math.ceil(bytes / s.block);
    if (s.queue.dir === 'r') {
      c.rbytes += bytes;
      c.rios += ios;
    } else {
      c.wbytes += bytes;
      c.wios += ios;
    }
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

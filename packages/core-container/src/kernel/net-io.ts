// Network I/O of the kernel model: `listen` sockets and `send` transfers through a core-network
// NetworkModel (DNS, reach, path links), bytes carried as fluid flows on a core-network flow network
// driven from the kernel's time loop, as block-io.ts does for devices. Errnos follow Linux (README "Network I/O").
import { createFlowNetwork, MAX_FLOW_NETWORK_SIZE, type FlowNetwork, type NetworkModel, type ReachResult } from '@strata/core-network';
import { ConflictError, NotFoundError, type ListenStep, type SendStep } from '@strata/shared-types';
import { CONNECT_TIMEOUT_US, NEIGHBOUR_TIMEOUT_US, refusal, type SendErrno } from './net-errnos.js';
import { TimerQueue } from './timer-queue.js';

/** An operation that ended: a send delivered (or failed with `errno`), or a listen that got its bytes. */
export interface NetDone {
  readonly pid: number;
  readonly op: number;
  readonly errno: SendErrno | null;
}

/** A listening socket of a process: bytes that arrived and were not yet taken by a `listen` with bytes. */
interface Socket {
  readonly key: string;
  readonly pid: number;
  unread: number;
  /** The waiting `listen` step's op and the bytes it wants, or null. */
  wait: { readonly op: number; readonly bytes: number } | null;
  /** Sends on their way to it (made at the first). */
  inbound: Set<Send> | null;
}

interface Send {
  readonly op: number;
  readonly pid: number;
  readonly bytes: number;
  /** The destination socket in this kernel; null: a listener outside it takes the bytes unseen. */
  readonly socket: Socket | null;
  readonly latency: number;
  flowId: string | null;
}

/** What `advanceTo` returns when nothing ended (most calls: no garbage per kernel step). */
const NONE_DONE: readonly NetDone[] = Object.freeze([]);

/** Paths remembered at most (then forgotten all at once). */
const MAX_REMEMBERED_PATHS = 100_000;
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1)$/;
const ADDRESS = /^(\d+\.\d+\.\d+\.\d+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

/**
 * The kernel's sockets and transfers. A passive model at the kernel's time: `nextEventTime` joins the
 * kernel's, `advanceTo(t)` returns the operations that ended. Commands apply at `now` (≥ the last time).
 */
export class NetIo {
  /** Built when the first flow needs it (a kernel whose processes only listen never does). */
  private flowNet: FlowNetwork | null = null;
  /** The time while there is no flow network. */
  private clock: number;
  private readonly links = new Map<string, number>();
  /** Link ids of the paths sends took, by source, destination, port and the hops of `reach`. */
  private readonly paths = new Map<string, readonly string[]>();
  /** The namespace last found holding `network|address` (a DNS answer's first address). */
  private readonly holders = new Map<string, string>();
  private readonly sockets = new Map<string, Socket>();
  /** Keys this kernel registered with the model (it cannot unregister them: a closed one refuses connections). */
  private readonly registered = new Set<string>();
  private readonly sends = new Map<number, Send>();
  private readonly byFlow = new Map<string, Send>();
  /** Each process's sends and sockets (each set made at its first member). */
  private readonly byPid = new Map<number, { sends: Set<Send> | null; sockets: Set<Socket> | null }>();
  /** Ended operations not yet taken by their process (`take`). */
  private readonly results = new Map<number, NetDone>();
  /** When a send meets its errno (token: the op, ref: the errno) or its last byte arrives (ref: null); ties in the order set. */
  private readonly timers = new TimerQueue();
  /** Operations in flight: sends and listens waiting for bytes. */
  private readonly pending = new Set<number>();
  private done: NetDone[] = [];
  private seq = 0;

  constructor(
    private readonly net: NetworkModel | undefined,
    start: number,
    /** Told of every delivered send: its sender and its receiving process in this kernel (null: outside it). */
    private readonly onDelivered: (sender: number, receiver: number | null, bytes: number) => void = () => {},
  ) {
    this.clock = start;
  }

  private get flows(): FlowNetwork {
    return (this.flowNet ??= createFlowNetwork({ start: this.clock, maxLinks: MAX_FLOW_NETWORK_SIZE, maxFlows: MAX_FLOW_NETWORK_SIZE }));
  }

  private now(): number {
    return this.flowNet === null ? this.clock : this.flowNet.now();
  }

  nextEventTime(): number {
    if (this.flowNet === null) return this.done.length > 0 ? this.clock : this.timers.peekTime();
    return this.done.length > 0 ? this.flowNet.now() : Math.min(this.flowNet.nextEventTime(), this.timers.peekTime());
  }

  /** Run to `time`; the operations that ended, in order. */
  advanceTo(time: number): readonly NetDone[] {
    this.sync(time);
    if (this.done.length === 0) return NONE_DONE;
    const out = this.done;
    this.done = [];
    return out;
  }

  /** Whether an operation is still going on. */
  active(op: number): boolean {
    return this.pending.has(op);
  }

  /** Take the outcome of an ended operation (null: success). */
  take(op: number): SendErrno | null {
    const r = this.results.get(op);
    this.results.delete(op);
    return r?.errno ?? null;
  }

  /**
   * `pid` listens in `space` (its linked model namespace, `linked`, or a kernel-only key). EADDRINUSE when
   * another socket holds the port (a second `listen` of the same process on its port takes bytes from it).
   * Returns the op to wait on, or null when the step is done.
   */
  listen(now: number, pid: number, space: string, linked: string | undefined, step: ListenStep): 'EADDRINUSE' | { readonly op: number | null } {
    this.sync(now);
    const key = `${space}|${step.port}/${step.protocol}`;
    let s = this.sockets.get(key);
    if (s !== undefined && (s.pid !== pid || step.bytes === null)) return 'EADDRINUSE';
    if (s === undefined) {
      if (linked !== undefined && this.net !== undefined && !this.registered.has(key)) {
        try {
          this.net.listen(linked, step.port, step.protocol);
          this.registered.add(key);
        } catch (error) {
          if (error instanceof ConflictError) return 'EADDRINUSE';
          // The namespace left the model: the socket is the kernel's alone, and nobody can reach it.
          if (!(error instanceof NotFoundError)) throw error;
        }
      }
      s = { key, pid, unread: 0, wait: null, inbound: null };
      this.sockets.set(key, s);
      const mine = this.own(pid);
      (mine.sockets ??= new Set()).add(s);
    }
    if (step.bytes === null) return { op: null };
    if (s.unread >= step.bytes) {
      s.unread -= step.bytes;
      return { op: null };
    }
    s.wait = { op: this.seq++, bytes: step.bytes };
    this.pending.add(s.wait.op);
    return { op: s.wait.op };
  }

  /** `pid` sends from model namespace `src` (undefined: not linked); an errno met at once, or the op to wait on. */
  send(now: number, pid: number, src: string | undefined, step: SendStep): SendErrno | { readonly op: number } {
    this.sync(now);
    const net = this.net;
    if (net === undefined || src === undefined) return 'ENETUNREACH';
    let dst: string;
    let reach: ReachResult;
    let path: readonly string[] = [];
    try {
      const found = this.destination(net, src, step.host);
      if (found === 'EAI_NONAME') return found;
      if (found === 'EHOSTUNREACH') return this.failLater(now, pid, this.seq++, found, NEIGHBOUR_TIMEOUT_US);
      dst = found.ns;
      reach = net.reach(src, dst, step.port, step.protocol);
      if (reach.allowed) path = this.pathOf(net, src, dst, step, reach);
    } catch (error) {
      // A namespace left the model (or was never in it): its interfaces are gone.
      if (error instanceof NotFoundError || error instanceof ConflictError) return 'ENETUNREACH';
      throw error;
    }
    const op = this.seq++;
    if (!reach.allowed) {
      const errno = refusal(reach.reasons);
      if (errno === 'ENETUNREACH') return errno;
      return this.failLater(now, pid, op, errno, errno === 'ETIMEDOUT' ? CONNECT_TIMEOUT_US : NEIGHBOUR_TIMEOUT_US);
    }
    const latency = this.ensureLinks(net, path);
    const key = `${dst}|${step.port}/${step.protocol}`;
    const socket = this.sockets.get(key) ?? null;
    // No socket in the model, or ours closed: the peer answers the SYN with a RST after a round trip.
    if (!reach.listening || (socket === null && this.registered.has(key))) return this.failLater(now, pid, op, 'ECONNREFUSED', 2 * latency);
    const s: Send = { op, pid, bytes: step.bytes, socket, latency, flowId: `net${op}` };
    this.sends.set(op, s);
    this.pending.add(op);
    this.byFlow.set(s.flowId!, s);
    const mine = this.own(pid);
    (mine.sends ??= new Set()).add(s);
    if (socket !== null) (socket.inbound ??= new Set()).add(s);
    this.flows.startFlow({ id: s.flowId!, path, bytes: step.bytes });
    return { op };
  }

  /** `pid` ended: its transfers stop, its sockets close (senders to them meet ECONNRESET), its results go. */
  cancel(now: number, pid: number): void {
    if (!this.byPid.has(pid)) return; // it never sent or listened
    this.sync(now);
    for (const [op, r] of this.results) if (r.pid === pid) this.results.delete(op);
    const mine = this.byPid.get(pid)!;
    if (mine.sends !== null) for (const s of [...mine.sends]) this.drop(s);
    if (mine.sockets !== null) for (const sock of mine.sockets) {
      this.sockets.delete(sock.key);
      if (sock.wait !== null) this.pending.delete(sock.wait.op);
      for (const s of sock.inbound === null ? [] : [...sock.inbound]) {
        this.drop(s);
        this.end({ pid: s.pid, op: s.op, errno: 'ECONNRESET' });
      }
    }
    this.byPid.delete(pid);
    this.done = this.done.filter((d) => d.pid !== pid);
  }

  // --- internals ---

  /** Bring flows and timers to `time`; what ends on the way joins `done`. */
  private sync(time: number): void {
    for (;;) {
      const tf = this.flowNet === null ? Infinity : this.flowNet.nextEventTime();
      const tt = this.timers.peekTime();
      if (Math.min(tf, tt) > time) break;
      if (tf <= tt) {
        for (const e of this.flowNet!.advanceTo(tf)) this.flowDone(e.flow);
      } else {
        this.moveClock(tt);
        while (this.timers.peekTime() === tt) {
          this.timers.pop();
          this.fire(this.timers.poppedToken, this.timers.poppedRef as SendErrno | null);
        }
      }
    }
    this.moveClock(time);
  }

  /** Time moves to `time` (if later): the flow network's, or the clock's while there is none. */
  private moveClock(time: number): void {
    if (this.flowNet === null) {
      if (time > this.clock) this.clock = time;
    } else if (time > this.flowNet.now()) this.flowNet.advanceTo(time);
  }

  private own(pid: number): { sends: Set<Send> | null; sockets: Set<Socket> | null } {
    let mine = this.byPid.get(pid);
    if (mine === undefined) {
      mine = { sends: null, sockets: null };
      this.byPid.set(pid, mine);
    }
    return mine;
  }

  /** The model namespace `host` names from `src`: loopback names itself, an address its holder, a name its DNS answer. */
  private destination(net: NetworkModel, src: string, host: string): { readonly ns: string } | 'EAI_NONAME' | 'EHOSTUNREACH' {
    if (LOOPBACK.test(host)) return { ns: src };
    if (ADDRESS.test(host)) {
      for (const ns of net.snapshot().namespaces) if (ns.interfaces.some((i) => i.network !== undefined && i.address === host)) return { ns: ns.name };
      return 'EHOSTUNREACH'; // nobody answers ARP for it
    }
    const a = net.resolve(src, host, 'A');
    if (a.kind !== 'answer' || a.addresses.length === 0) return 'EAI_NONAME';
    const key = `${a.network}|${a.addresses[0]}`;
    const holds = (name: string): boolean => net.namespace(name).interfaces.some((i) => `${i.network}|${i.address}` === key);
    // The holder found last time, checked (the topology may have changed), else a scan of the network's endpoints.
    const cached = this.holders.get(key);
    if (cached !== undefined && holds(cached)) return { ns: cached };
    for (const name of net.network(a.network).endpoints) {
      if (!holds(name)) continue;
      this.holders.set(key, name);
      return { ns: name };
    }
    return 'EAI_NONAME';
  }

  /** `net.pathLinks` for an allowed connection, remembered by the hops `reach` took (the same hops cross the same links). */
  private pathOf(net: NetworkModel, src: string, dst: string, step: SendStep, reach: ReachResult): readonly string[] {
    const key = `${src}|${dst}|${step.port}/${step.protocol}|${reach.path.map((h) => `${h.kind} ${h.id}`).join(',')}`;
    let path = this.paths.get(key);
    if (path === undefined) {
      if (this.paths.size >= MAX_REMEMBERED_PATHS) this.paths.clear();
      path = net.pathLinks(src, dst, step.port, step.protocol);
      this.paths.set(key, path);
    }
    return path;
  }

  /** Add the path's links the flow network lacks (from the model's `links()`); the path's one-way latency. */
  private ensureLinks(net: NetworkModel, path: readonly string[]): number {
    if (path.some((id) => !this.links.has(id))) {
      for (const l of net.links()) {
        if (this.links.has(l.id)) continue;
        this.flows.addLink({ id: l.id, capacity: l.capacity, latency: l.latency });
        this.links.set(l.id, l.latency);
      }
    }
    return path.reduce((sum, id) => sum + (this.links.get(id) ?? 0), 0);
  }

  /** The send `op` meets `errno` after `delay` µs (at once when 0). */
  private failLater(now: number, pid: number, op: number, errno: SendErrno, delay: number): SendErrno | { readonly op: number } {
    if (delay <= 0) return errno;
    const s: Send = { op, pid, bytes: 0, socket: null, latency: 0, flowId: null };
    this.sends.set(op, s);
    this.pending.add(op);
    const mine = this.own(pid);
    (mine.sends ??= new Set()).add(s);
    this.timers.push(now + delay, pid, op, 'sleep', errno);
    return { op };
  }

  private flowDone(flow: string): void {
    const s = this.byFlow.get(flow);
    if (s === undefined) return;
    this.byFlow.delete(flow);
    s.flowId = null;
    if (s.latency > 0) this.timers.push(this.now() + s.latency, s.pid, s.op, 'sleep', null);
    else this.deliver(s);
  }

  private fire(op: number, errno: SendErrno | null): void {
    const s = this.sends.get(op);
    if (s === undefined) return; // cancelled
    if (errno === null) this.deliver(s);
    else {
      this.forget(s);
      this.end({ pid: s.pid, op: s.op, errno });
    }
  }

  /** The last byte of `s` arrived: the sender goes on, the socket is credited (waking a listen that has its bytes). */
  private deliver(s: Send): void {
    this.forget(s);
    this.end({ pid: s.pid, op: s.op, errno: null });
    const sock = s.socket;
    this.onDelivered(s.pid, sock === null || !this.sockets.has(sock.key) ? null : sock.pid, s.bytes);
    if (sock === null || !this.sockets.has(sock.key)) return;
    sock.inbound?.delete(s);
    sock.unread += s.bytes;
    if (sock.wait !== null && sock.unread >= sock.wait.bytes) {
      sock.unread -= sock.wait.bytes;
      this.end({ pid: sock.pid, op: sock.wait.op, errno: null });
      sock.wait = null;
    }
  }

  private end(d: NetDone): void {
    this.pending.delete(d.op);
    this.results.set(d.op, d);
    this.done.push(d);
  }

  /** Stop `s` where it is (flow cancelled, timers ignored) and forget it. */
  private drop(s: Send): void {
    if (s.flowId !== null) {
      this.flows.cancelFlow(s.flowId);
      this.byFlow.delete(s.flowId);
      s.flowId = null;
    }
    s.socket?.inbound?.delete(s);
    this.forget(s);
  }

  private forget(s: Send): void {
    this.pending.delete(s.op);
    this.sends.delete(s.op);
    this.byPid.get(s.pid)?.sends?.delete(s);
  }
}


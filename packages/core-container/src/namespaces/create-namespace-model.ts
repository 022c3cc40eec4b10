// The namespaces model: namespaces per type, the processes using them and their PID numbers, as the
// kernel's clone/unshare/setns/exit/release paths change them (kernel/fork.c, kernel/nsproxy.c,
// kernel/pid.c, kernel/pid_namespace.c, kernel/exit.c).
import { ConflictError, InternalError, InvalidTransitionError, NotFoundError, ValidationError } from '@strata/shared-types';
import { cgroupPathFromRoot, normalizeCgroupPath } from './cgroup-view.js';
import { IDENTITY_ID_MAP, OVERFLOW_ID, mapIdDown, mapIdUp } from './id-map.js';
import type { IdMapFile } from './id-map.js';
import { INITIAL_NAMESPACE_INODES } from './inode-numbers.js';
import { normalizePath, resolveInTable, toMount, withMount, withoutMount } from './mount-table.js';
import type { Mount, MountSpec, PathResolution } from './mount-table.js';
import { describeNamespace, wrongType } from './namespace-info.js';
import type { NamespaceInfo, NamespaceModel, NamespaceModelOptions, PsView } from './namespace-model.js';
import { makeNamespaces, parseRequest, refusedRequest } from './namespace-requests.js';
import { DEFAULT_PID_MAX, PID_MAX_LIMIT, PID_MAX_MIN, PidNumbers } from './pid-numbers.js';
import { activeNamespace, allocatePidSlots, findNewReaper, freePidSlots, namespaceKillList, numberIn } from './pid-tree.js';
import type { PidSlot } from './pid-tree.js';
import type { NamespaceRecord, NsProxy, PidNamespaceRecord, ProcessRecord, UserNamespaceRecord } from './records.js';
import { NamespaceRegistry } from './registry.js';
import { done, fail } from './syscall-result.js';
import type {
  ClonedProcess,
  ExitOutcome,
  GlobalPid,
  NamespaceInode,
  NamespaceLinkName,
  NamespaceRequest,
  PsEntry,
  ReapOutcome,
  SyscallResult,
} from './types.js';
import { NAMESPACE_TYPES } from './types.js';
import { checkId, checkMapFile, mapOf, readUserMap, writeUserMap } from './user-maps.js';
import { DEFAULT_UTS_NAME, checkUtsName } from './uts-names.js';
import type { UtsNames } from './uts-names.js';

// The namespaces a process's nsproxy refers to: each holds a reference while the process runs.
const NSPROXY_SLOTS = ['uts', 'ipc', 'mnt', 'net', 'cgroup', 'pidForChildren'] as const;

/** A namespaces model for one kernel, in its initial state (no process yet: call `spawnInit`). */
export function createNamespaceModel(options: NamespaceModelOptions = {}): NamespaceModel {
  return new Namespaces(options);
}

class Namespaces implements NamespaceModel {
  private readonly registry = new NamespaceRegistry();
  private readonly processes = new Map<GlobalPid, ProcessRecord>();
  private readonly holds = new Map<NamespaceInode, number>();
  private readonly pidMax: number;
  private readonly initialUser: UserNamespaceRecord;
  private readonly initialPid: PidNamespaceRecord;
  private readonly initialProxy: NsProxy;

  constructor(options: NamespaceModelOptions) {
    const pidMax = options.pidMax ?? DEFAULT_PID_MAX;
    if (!Number.isInteger(pidMax) || pidMax < PID_MAX_MIN || pidMax > PID_MAX_LIMIT) {
      throw new ValidationError(`pidMax ${String(pidMax)} is out of range: pid_max takes an integer from ${PID_MAX_MIN} to ${PID_MAX_LIMIT}`, {
        path: 'pidMax',
        value: pidMax,
        accepted: `${PID_MAX_MIN}..${PID_MAX_LIMIT}`,
      });
    }
    this.pidMax = pidMax;
    const names: UtsNames = {
      hostname: checkUtsName('hostname', options.hostname ?? DEFAULT_UTS_NAME),
      domainname: checkUtsName('domainname', options.domainname ?? DEFAULT_UTS_NAME),
    };
    const mounts = (options.mounts ?? [{ mountPoint: '/', source: { kind: 'device', device: '/dev/root' } }]).map(toMount);
    if (!mounts.some((m) => m.mountPoint === '/')) {
      throw new ValidationError('mounts has no mount at "/": the initial table needs a root', { path: 'mounts', accepted: 'a list with a mount at "/"' });
    }
    const r = this.registry;
    const I = INITIAL_NAMESPACE_INODES;
    const user = r.addInitial<UserNamespaceRecord>(I.user, { type: 'user', owner: undefined, parent: undefined, level: 0, uidMap: IDENTITY_ID_MAP, gidMap: IDENTITY_ID_MAP });
    this.initialUser = user;
    this.initialPid = r.addInitial<PidNamespaceRecord>(I.pid, {
      type: 'pid',
      owner: user,
      parent: undefined,
      level: 0,
      numbers: new PidNumbers(pidMax),
      members: new Map(),
      childReaper: undefined,
      adding: true,
    });
    this.initialProxy = {
      mnt: r.addInitial(I.mnt, { type: 'mnt', owner: user, mounts }),
      uts: r.addInitial(I.uts, { type: 'uts', owner: user, names }),
      ipc: r.addInitial(I.ipc, { type: 'ipc', owner: user }),
      cgroup: r.addInitial(I.cgroup, { type: 'cgroup', owner: user, root: '/' }),
      net: r.addInitial(I.net, { type: 'net', owner: user, networkNamespace: options.networkNamespace }),
      pidForChildren: this.initialPid,
    };
  }

  // --- processes -------------------------------------------------------------------------------

  spawnInit(): ClonedProcess {
    if (this.initialPid.childReaper !== undefined) {
      throw new ConflictError('the initial pid namespace already has its init (global PID 1): create processes with clone', { command: 'spawnInit' });
    }
    const nr = this.initialPid.numbers.allocate()!;
    const init = this.addProcess([{ ns: this.initialPid, nr }], undefined, { ...this.initialProxy }, this.initialUser);
    return { pid: init.globalPid, nspid: [nr] };
  }

  clone(parentPid: GlobalPid, request: NamespaceRequest = {}): SyscallResult<ClonedProcess> {
    const parent = this.live(parentPid, 'clone');
    const req = parseRequest(request);
    const proxy = parent.nsproxy!;
    const refused = refusedRequest(parent, req);
    if (refused !== undefined) return refused;
    const newPid = req.types.has('pid');
    const target = newPid ? undefined : proxy.pidForChildren;
    if (target !== undefined && !target.adding) {
      // alloc_pid fails only after taking numbers at every level, so their cursors still move.
      const taken = allocatePidSlots(target);
      if (taken === undefined) return fail('EAGAIN', `no free PID below pid_max ${this.pidMax} in a pid namespace on the way out`);
      freePidSlots(taken);
      return fail('ENOMEM', `pid namespace ${target.inode} takes no more processes: its init has exited`);
    }
    const pids = allocatePidSlots(newPid ? proxy.pidForChildren : target!);
    if (pids === undefined) return fail('EAGAIN', `no free PID below pid_max ${this.pidMax} in a pid namespace on the way out`);
    const made = makeNamespaces(this.registry, this.pidMax, parent, req);
    if (newPid) {
      const ns = made.proxy.pidForChildren;
      pids.push({ ns, nr: ns.numbers.allocate()! });
    }
    const child = this.addProcess(pids, parent, made.proxy, made.user);
    return done({ pid: child.globalPid, nspid: pids.map((p) => p.nr) });
  }

  unshare(pid: GlobalPid, request: NamespaceRequest): SyscallResult<void> {
    const proc = this.live(pid, 'unshare');
    const req = parseRequest(request);
    const refused = refusedRequest(proc, req);
    if (refused !== undefined) return refused;
    const made = makeNamespaces(this.registry, this.pidMax, proc, req);
    this.switchTo(proc, made.proxy, made.user);
    return done(undefined);
  }

  setns(pid: GlobalPid, namespace: NamespaceInode): SyscallResult<void> {
    const proc = this.live(pid, 'setns');
    const record = this.registry.get(namespace);
    const proxy: NsProxy = { ...proc.nsproxy! };
    let user = proc.user;
    switch (record.type) {
      case 'pid': {
        // pidns_install: only the caller's own pid namespace or one nested in it.
        const active = activeNamespace(proc);
        let ancestor: PidNamespaceRecord | undefined = record;
        while (ancestor !== undefined && ancestor.level > active.level) ancestor = ancestor.parent;
        if (ancestor !== active) return fail('EINVAL', `pid namespace ${record.inode} is neither the caller's nor nested in it`);
        proxy.pidForChildren = record;
        break;
      }
      case 'user':
        if (record === proc.user) return fail('EINVAL', 'the caller is already in that user namespace');
        user = record;
        break;
      case 'uts':
        proxy.uts = record;
        break;
      case 'ipc':
        proxy.ipc = record;
        break;
      case 'mnt':
        proxy.mnt = record;
        break;
      case 'net':
        proxy.net = record;
        break;
      case 'cgroup':
        proxy.cgroup = record;
        break;
      default: {
        const unknown: never = record;
        throw new InternalError(`unknown namespace record ${JSON.stringify(unknown)}`);
      }
    }
    this.switchTo(proc, proxy, user);
    return done(undefined);
  }

  setChildSubreaper(pid: GlobalPid, on: boolean): void {
    this.live(pid, 'set child subreaper').subreaper = on;
  }

  exit(pid: GlobalPid): ExitOutcome {
    const proc = this.live(pid, 'exit');
    const active = activeNamespace(proc);
    if (proc.pids.length === 1 && active.childReaper === proc) {
      throw new ConflictError('the initial pid namespace\'s init cannot exit: Linux panics ("Attempted to kill init!"); stop the kernel instead', { pid });
    }
    proc.exited = true;
    const proxy = proc.nsproxy!;
    proc.nsproxy = undefined;
    for (const slot of NSPROXY_SLOTS) this.registry.unref(proxy[slot]);
    if (active.childReaper === proc) {
      // zap_pid_ns_processes: no more forks in, SIGKILL to everyone else with a PID here.
      active.adding = false;
      const kill = namespaceKillList(active, proc).map((p) => p.globalPid);
      return { kill, reparented: [], waitsForNamespace: active.members.size > 1 };
    }
    const reaper = findNewReaper(proc, active);
    const orphans = [...proc.children].sort((a, b) => a.globalPid - b.globalPid);
    proc.children.clear();
    for (const child of orphans) {
      child.parent = reaper;
      reaper.children.add(child);
    }
    return { kill: [], reparented: orphans.map((c) => ({ pid: c.globalPid, parent: reaper.globalPid })), waitsForNamespace: false };
  }

  reap(pid: GlobalPid): ReapOutcome {
    const proc = this.existing(pid);
    if (!proc.exited) throw new InvalidTransitionError('running', 'reap', { pid, hint: 'a process is reaped after it exits' });
    const active = activeNamespace(proc);
    if (active.childReaper === proc && active.members.size > 1) {
      throw new ConflictError(`init ${pid} is reaped last: ${active.members.size - 1} other processes of its pid namespace are not reaped yet`, { pid });
    }
    for (const { ns, nr } of proc.pids) {
      ns.members.delete(nr);
      ns.numbers.free(nr);
    }
    proc.parent?.children.delete(proc);
    this.processes.delete(pid);
    const initsCanFinish = proc.pids
      .map(({ ns }) => ns.childReaper)
      .filter((init): init is ProcessRecord => init !== undefined && init !== proc && init.exited && activeNamespace(init).members.size === 1)
      .map((init) => init.globalPid);
    this.registry.unref(active);
    this.registry.unref(proc.user);
    return { initsCanFinish };
  }

  // --- pid views -------------------------------------------------------------------------------

  nspid(pid: GlobalPid): readonly number[] {
    return this.existing(pid).pids.map((p) => p.nr);
  }

  pidSeenBy(viewer: GlobalPid, target: GlobalPid): number {
    return numberIn(this.existing(target), activeNamespace(this.existing(viewer)));
  }

  getppid(pid: GlobalPid): number {
    const proc = this.existing(pid);
    return proc.parent === undefined ? 0 : numberIn(proc.parent, activeNamespace(proc));
  }

  parentOf(pid: GlobalPid): GlobalPid | undefined {
    return this.existing(pid).parent?.globalPid;
  }

  findProcess(viewer: GlobalPid, nr: number): GlobalPid | undefined {
    return activeNamespace(this.existing(viewer)).members.get(nr)?.globalPid;
  }

  isNamespaceInit(pid: GlobalPid): boolean {
    const proc = this.existing(pid);
    return activeNamespace(proc).childReaper === proc;
  }

  signalOrigin(sender: GlobalPid, target: GlobalPid): 'same-namespace' | 'ancestor-namespace' {
    const from = this.existing(sender);
    return numberIn(from, activeNamespace(this.existing(target))) === 0 ? 'ancestor-namespace' : 'same-namespace';
  }

  ps<E extends object = object>(view: PsView, describe?: (pid: GlobalPid) => E): (PsEntry & E)[] {
    const ns = 'viewer' in view ? activeNamespace(this.existing(view.viewer)) : this.pidNamespace(view.namespace);
    return [...ns.members.entries()]
      .sort(([a], [b]) => a - b)
      .map(([nr, proc]) => ({
        pid: nr,
        ppid: proc.parent === undefined ? 0 : numberIn(proc.parent, ns),
        globalPid: proc.globalPid,
        exited: proc.exited,
        ...(describe?.(proc.globalPid) ?? ({} as E)),
      }));
  }

  // --- identity and lifetime -------------------------------------------------------------------

  namespaceOf(pid: GlobalPid, link: NamespaceLinkName): NamespaceInode {
    const record = this.linkTarget(this.existing(pid), link);
    if (record === undefined) throw new InvalidTransitionError('exited', `read ns/${link}`, { pid, hint: 'an exited process keeps only its pid and user namespaces' });
    return record.inode;
  }

  nsLink(pid: GlobalPid, link: NamespaceLinkName): string | undefined {
    const record = this.linkTarget(this.existing(pid), link);
    if (record === undefined) return undefined;
    // pidns_for_children_get: unreadable until the namespace's init exists.
    if (link === 'pid_for_children' && record.type === 'pid' && record.childReaper === undefined) return undefined;
    return `${record.type}:[${record.inode}]`;
  }

  hold(namespace: NamespaceInode): void {
    const record = this.registry.get(namespace);
    this.registry.ref(record);
    this.holds.set(namespace, (this.holds.get(namespace) ?? 0) + 1);
  }

  release(namespace: NamespaceInode): void {
    const count = this.holds.get(namespace) ?? 0;
    if (count === 0) throw new ConflictError(`namespace ${namespace} has no hold to release: release only what hold() took`, { namespace });
    if (count === 1) this.holds.delete(namespace);
    else this.holds.set(namespace, count - 1);
    this.registry.unref(this.registry.get(namespace));
  }

  namespaceInfo(namespace: NamespaceInode): NamespaceInfo {
    return describeNamespace(this.registry.get(namespace));
  }

  namespaces(): NamespaceInfo[] {
    return this.registry.all().map(describeNamespace);
  }

  // --- uts, net, cgroup ------------------------------------------------------------------------

  uname(pid: GlobalPid): UtsNames {
    return this.live(pid, 'uname').nsproxy!.uts.names;
  }

  sethostname(pid: GlobalPid, hostname: string): void {
    const uts = this.live(pid, 'sethostname').nsproxy!.uts;
    uts.names = { ...uts.names, hostname: checkUtsName('hostname', hostname) };
  }

  setdomainname(pid: GlobalPid, domainname: string): void {
    const uts = this.live(pid, 'setdomainname').nsproxy!.uts;
    uts.names = { ...uts.names, domainname: checkUtsName('domainname', domainname) };
  }

  setNetworkNamespace(namespace: NamespaceInode, networkNamespace: string): void {
    const record = this.registry.get(namespace);
    if (record.type !== 'net') throw wrongType(namespace, record.type, 'net');
    if (networkNamespace.length === 0) throw new ValidationError('networkNamespace is empty: name a core-network namespace', { path: 'networkNamespace', accepted: 'a non-empty id' });
    record.networkNamespace = networkNamespace;
  }

  networkNamespaceOf(pid: GlobalPid): string | undefined {
    return this.live(pid, 'read net namespace').nsproxy!.net.networkNamespace;
  }

  procCgroup(reader: GlobalPid, targetCgroupPath: string): string {
    const root = this.live(reader, 'read /proc/<pid>/cgroup').nsproxy!.cgroup.root;
    return `0::${cgroupPathFromRoot(root, normalizeCgroupPath(targetCgroupPath, 'targetCgroupPath'))}\n`;
  }

  // --- mnt -------------------------------------------------------------------------------------

  mounts(pid: GlobalPid): readonly Mount[] {
    return this.live(pid, 'read mounts').nsproxy!.mnt.mounts;
  }

  mount(pid: GlobalPid, spec: MountSpec): void {
    const mnt = this.live(pid, 'mount').nsproxy!.mnt;
    mnt.mounts = withMount(mnt.mounts, spec);
  }

  umount(pid: GlobalPid, mountPoint: string): void {
    const mnt = this.live(pid, 'umount').nsproxy!.mnt;
    mnt.mounts = withoutMount(mnt.mounts, mountPoint);
  }

  pivotRoot(pid: GlobalPid, root: MountSpec): void {
    const mnt = this.live(pid, 'pivot_root').nsproxy!.mnt;
    const mount = toMount(root);
    if (mount.mountPoint !== '/') {
      throw new ValidationError(`mountPoint ${JSON.stringify(root.mountPoint)} is not "/": pivotRoot makes the new root`, { path: 'mountPoint', value: root.mountPoint, accepted: '/' });
    }
    mnt.mounts = [mount];
  }

  resolvePath(pid: GlobalPid, path: string): PathResolution {
    const mnt = this.live(pid, 'resolve a path').nsproxy!.mnt;
    const found = resolveInTable(mnt.mounts, normalizePath(path));
    if (found === undefined) throw new InternalError(`mount namespace ${mnt.inode} has no root mount`);
    return found;
  }

  // --- user ------------------------------------------------------------------------------------

  writeIdMap(namespace: NamespaceInode, file: IdMapFile, text: string): void {
    writeUserMap(this.userNamespace(namespace), file, text);
  }

  readIdMap(namespace: NamespaceInode, file: IdMapFile, reader: GlobalPid): string {
    return readUserMap(this.userNamespace(namespace), file, this.existing(reader).user);
  }

  toKernelId(namespace: NamespaceInode, file: IdMapFile, id: number): number | undefined {
    checkMapFile(file);
    return mapIdDown(mapOf(this.userNamespace(namespace), file), checkId(id, 'id'));
  }

  fromKernelId(namespace: NamespaceInode, file: IdMapFile, kernelId: number): number {
    checkMapFile(file);
    return mapIdUp(mapOf(this.userNamespace(namespace), file), checkId(kernelId, 'kernelId')) ?? OVERFLOW_ID;
  }

  translateId(from: NamespaceInode, to: NamespaceInode, file: IdMapFile, id: number): number {
    const kernelId = this.toKernelId(from, file, id);
    this.userNamespace(to);
    return kernelId === undefined ? OVERFLOW_ID : this.fromKernelId(to, file, kernelId);
  }

  // --- internals -------------------------------------------------------------------------------

  private existing(pid: GlobalPid): ProcessRecord {
    const proc = this.processes.get(pid);
    if (proc === undefined) throw new NotFoundError('process', String(pid), { accepted: 'the global PID of a process that exists (not yet reaped)' });
    return proc;
  }

  private live(pid: GlobalPid, command: string): ProcessRecord {
    const proc = this.existing(pid);
    if (proc.exited) throw new InvalidTransitionError('exited', command, { pid });
    return proc;
  }

  private pidNamespace(inode: NamespaceInode): PidNamespaceRecord {
    const record = this.registry.get(inode);
    if (record.type !== 'pid') throw wrongType(inode, record.type, 'pid');
    return record;
  }

  private userNamespace(inode: NamespaceInode): UserNamespaceRecord {
    const record = this.registry.get(inode);
    if (record.type !== 'user') throw wrongType(inode, record.type, 'user');
    return record;
  }

  private addProcess(pids: PidSlot[], parent: ProcessRecord | undefined, proxy: NsProxy, user: UserNamespaceRecord): ProcessRecord {
    const proc: ProcessRecord = { globalPid: pids[0]!.nr, pids, parent, children: new Set(), exited: false, subreaper: false, nsproxy: proxy, user };
    for (const { ns, nr } of pids) ns.members.set(nr, proc);
    const active = pids[pids.length - 1]!;
    if (active.nr === 1) active.ns.childReaper = proc;
    parent?.children.add(proc);
    this.processes.set(proc.globalPid, proc);
    for (const slot of NSPROXY_SLOTS) this.registry.ref(proxy[slot]);
    this.registry.ref(user);
    this.registry.ref(active.ns);
    return proc;
  }

  // Take the new references before dropping the old, so a namespace kept by both is never destroyed.
  private switchTo(proc: ProcessRecord, proxy: NsProxy, user: UserNamespaceRecord): void {
    const old = proc.nsproxy!;
    const oldUser = proc.user;
    for (const slot of NSPROXY_SLOTS) this.registry.ref(proxy[slot]);
    this.registry.ref(user);
    proc.nsproxy = proxy;
    proc.user = user;
    for (const slot of NSPROXY_SLOTS) this.registry.unref(old[slot]);
    this.registry.unref(oldUser);
  }

  private linkTarget(proc: ProcessRecord, link: NamespaceLinkName): NamespaceRecord | undefined {
    if (link === 'pid') return activeNamespace(proc);
    if (link === 'user') return proc.user;
    const proxy = proc.nsproxy;
    if (proxy === undefined) return undefined;
    switch (link) {
      case 'pid_for_children':
        return proxy.pidForChildren;
      case 'cgroup':
      case 'ipc':
      case 'mnt':
      case 'net':
      case 'uts':
        return proxy[link];
      default: {
        const unknown: never = link;
        throw new ValidationError(`link ${JSON.stringify(unknown)} is not a namespace link: use ${[...NAMESPACE_TYPES, 'pid_for_children'].join(', ')}`, {
          path: 'link',
          accepted: [...NAMESPACE_TYPES, 'pid_for_children'],
        });
      }
    }
  }
}

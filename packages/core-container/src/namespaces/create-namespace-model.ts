// The namespaces model: namespaces per type, the processes using them and their PID numbers, as the
// kernel's clone/unshare/setns/exit/release paths change them (kernel/fork.c, kernel/nsproxy.c,
// kernel/pid.c, kernel/pid_namespace.c, kernel/exit.c).
import { ConflictError, InternalError, InvalidTransitionError, NotFoundError, ValidationError } from '@strata/shared-types';
import { cgroupPathFromRoot, normalizeCgroupPath } from './cgroup-view.js';
import { IDENTITY_ID_MAP, OVERFLOW_ID, formatIdMap, mapIdDown, mapIdRangeDown, mapIdUp, parseIdMap } from './id-map.js';
import type { IdExtent, IdMapFile } from './id-map.js';
import { INITIAL_NAMESPACE_INODES } from './inode-numbers.js';
import { normalizePath, resolveInTable, toMount, withMount, withoutMount } from './mount-table.js';
import type { Mount, MountSpec, PathResolution } from './mount-table.js';
import type { NamespaceInfo, NamespaceModel, NamespaceModelOptions, PsView } from './namespace-model.js';
import { DEFAULT_PID_MAX, PID_MAX_LIMIT, PID_MAX_MIN, PidNumbers } from './pid-numbers.js';
import type { NamespaceRecord, NsProxy, PidNamespaceRecord, ProcessRecord, UserNamespaceRecord } from './records.js';
import { NamespaceRegistry } from './registry.js';
import { CLONE_FLAG_OF, NAMESPACE_TYPES } from './types.js';
import type {
  ClonedProcess,
  CloneNamespaceFlag,
  ExitOutcome,
  GlobalPid,
  NamespaceErrno,
  NamespaceInode,
  NamespaceLinkName,
  NamespaceRequest,
  NamespaceType,
  PsEntry,
  ReapOutcome,
  SyscallResult,
} from './types.js';
import { DEFAULT_UTS_NAME, checkUtsName } from './uts-names.js';
import type { UtsNames } from './uts-names.js';

/** The deepest pid namespace level (`MAX_PID_NS_LEVEL`): a 33rd nested one fails with ENOSPC. */
export const MAX_PID_NS_LEVEL = 32;

/** A new user namespace needs its parent at this level or less (create_user_ns: `parent_ns->level > 32` is ENOSPC). */
export const MAX_USER_NS_PARENT_LEVEL = 32;

const FLAG_TYPES = new Map<string, NamespaceType>(NAMESPACE_TYPES.map((type) => [CLONE_FLAG_OF[type], type]));
// The order the kernel makes them in: creds first (copy_creds), then create_new_namespaces. Inode
// numbers follow this order, so it is part of what the model reproduces.
const CREATION_ORDER: readonly NamespaceType[] = ['user', 'mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net'];
const NSPROXY_SLOTS = ['uts', 'ipc', 'mnt', 'net', 'cgroup', 'pidForChildren'] as const;
const MAX_ID = 0xffffffff;

type SyscallFailure = Extract<SyscallResult<never>, { ok: false }>;

function fail(errno: NamespaceErrno, reason: string): SyscallFailure {
  return { ok: false, errno, reason };
}

function done<T>(value: T): SyscallResult<T> {
  return { ok: true, value };
}

/** A namespaces model for one kernel, in its initial state (no process yet: call `spawnInit`). */
export function createNamespaceModel(options: NamespaceModelOptions = {}): NamespaceModel {
  return new Namespaces(options);
}

interface ParsedRequest {
  readonly types: ReadonlySet<NamespaceType>;
  readonly cgroupPath: string | undefined;
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
    const req = this.parseRequest(request);
    const proxy = parent.nsproxy!;
    const checked = this.checkNewNamespaces(parent, req);
    if (checked !== undefined) return checked;
    const newPid = req.types.has('pid');
    const target = newPid ? undefined : proxy.pidForChildren;
    if (target !== undefined && !target.adding) {
      // alloc_pid fails only after taking numbers at every level, so their cursors still move.
      const taken = this.allocateNumbers(target);
      if (taken === undefined) return fail('EAGAIN', `no free PID below pid_max ${this.pidMax} in a pid namespace on the way out`);
      this.freeNumbers(taken);
      return fail('ENOMEM', `pid namespace ${target.inode} takes no more processes: its init has exited`);
    }
    const outer = this.allocateNumbers(newPid ? proxy.pidForChildren : target!);
    if (outer === undefined) return fail('EAGAIN', `no free PID below pid_max ${this.pidMax} in a pid namespace on the way out`);
    const made = this.makeNamespaces(parent.user, proxy, parent, req);
    const pids = outer;
    if (newPid) {
      const ns = made.proxy.pidForChildren;
      pids.push({ ns, nr: ns.numbers.allocate()! });
    }
    const child = this.addProcess(pids, parent, made.proxy, made.user);
    return done({ pid: child.globalPid, nspid: pids.map((p) => p.nr) });
  }

  unshare(pid: GlobalPid, request: NamespaceRequest): SyscallResult<void> {
    const proc = this.live(pid, 'unshare');
    const req = this.parseRequest(request);
    const checked = this.checkNewNamespaces(proc, req);
    if (checked !== undefined) return checked;
    const made = this.makeNamespaces(proc.user, proc.nsproxy!, proc, req);
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
      const kill = [...active.members.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, p]) => p)
        .filter((p) => p !== proc && !p.exited)
        .map((p) => p.globalPid);
      return { kill, reparented: [], waitsForNamespace: active.members.size > 1 };
    }
    const reaper = this.newReaper(proc, active);
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
    const ns = this.userNamespace(namespace);
    checkMapFile(file);
    if (ns.parent === undefined) {
      throw new ValidationError(`${file} of the initial user namespace cannot be written (EPERM): write the map of a namespace made with CLONE_NEWUSER`, { path: file, errno: 'EPERM' });
    }
    if (mapOf(ns, file).length > 0) {
      throw new ConflictError(`${file} of user namespace ${namespace} is already written (EPERM): a map is written once`, { path: file, errno: 'EPERM' });
    }
    const parentMap = mapOf(ns.parent, file);
    const extents = parseIdMap(file, text).map((e, i): IdExtent => {
      const lowerFirst = mapIdRangeDown(parentMap, e.lowerFirst, e.count);
      if (lowerFirst === undefined) {
        throw new ValidationError(
          `${file}: line ${i + 1} maps outside ids ${e.lowerFirst}..${e.lowerFirst + e.count - 1}, which the parent user namespace does not map (EPERM): map only ids the parent maps`,
          { path: file, line: i + 1, errno: 'EPERM', value: text },
        );
      }
      return { first: e.first, lowerFirst, count: e.count };
    });
    if (file === 'uid_map') ns.uidMap = extents;
    else ns.gidMap = extents;
  }

  readIdMap(namespace: NamespaceInode, file: IdMapFile, reader: GlobalPid): string {
    const ns = this.userNamespace(namespace);
    checkMapFile(file);
    let lower = this.existing(reader).user;
    if (lower === ns && ns.parent !== undefined) lower = ns.parent;
    const lowerMap = mapOf(lower, file);
    return formatIdMap(mapOf(ns, file), (kernelId) => mapIdUp(lowerMap, kernelId));
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

  private parseRequest(request: NamespaceRequest): ParsedRequest {
    const types = new Set<NamespaceType>();
    for (const [i, flag] of (request.flags ?? []).entries()) {
      const type = FLAG_TYPES.get(flag);
      if (type === undefined) {
        throw new ValidationError(`flags[${i}] ${JSON.stringify(flag)} is not a namespace flag: use ${[...FLAG_TYPES.keys()].join(', ')}`, {
          path: `flags[${i}]`,
          value: flag,
          accepted: [...FLAG_TYPES.keys()],
        });
      }
      types.add(type);
    }
    if (types.has('cgroup') && request.cgroupPath === undefined) {
      throw new ValidationError('cgroupPath is missing: CLONE_NEWCGROUP roots the new cgroup namespace at the caller\'s cgroup; pass its path', {
        path: 'cgroupPath',
        accepted: 'an absolute cgroup path',
      });
    }
    const cgroupPath = request.cgroupPath === undefined ? undefined : normalizeCgroupPath(request.cgroupPath);
    return { types, cgroupPath };
  }

  // The errno checks copy_creds and copy_pid_ns make before anything is created.
  private checkNewNamespaces(proc: ProcessRecord, req: ParsedRequest): SyscallFailure | undefined {
    if (req.types.has('user') && proc.user.level > MAX_USER_NS_PARENT_LEVEL) {
      return fail('ENOSPC', `user namespaces nest at most ${MAX_USER_NS_PARENT_LEVEL + 1} deep`);
    }
    if (req.types.has('pid')) {
      const active = activeNamespace(proc);
      if (proc.nsproxy!.pidForChildren !== active) return fail('EINVAL', 'the caller already made a pid namespace for its children (unshare CLONE_NEWPID) and has not forked into it');
      if (active.level + 1 > MAX_PID_NS_LEVEL) return fail('ENOSPC', `pid namespaces nest at most ${MAX_PID_NS_LEVEL} deep`);
    }
    return undefined;
  }

  // New namespaces for `req`, in the kernel's order; the others are `proxy`'s (and `user`).
  private makeNamespaces(user: UserNamespaceRecord, proxy: NsProxy, creator: ProcessRecord, req: ParsedRequest): { proxy: NsProxy; user: UserNamespaceRecord } {
    const next: NsProxy = { ...proxy };
    let owner = user;
    const r = this.registry;
    for (const type of CREATION_ORDER) {
      if (!req.types.has(type)) continue;
      switch (type) {
        case 'user':
          owner = r.create<UserNamespaceRecord>({ type: 'user', owner: undefined, parent: user, level: user.level + 1, uidMap: [], gidMap: [] });
          break;
        case 'mnt':
          next.mnt = r.create({ type: 'mnt', owner, mounts: proxy.mnt.mounts });
          break;
        case 'uts':
          next.uts = r.create({ type: 'uts', owner, names: proxy.uts.names });
          break;
        case 'ipc':
          next.ipc = r.create({ type: 'ipc', owner });
          break;
        case 'pid': {
          const parent = activeNamespace(creator);
          next.pidForChildren = r.create<PidNamespaceRecord>({
            type: 'pid',
            owner,
            parent,
            level: parent.level + 1,
            numbers: new PidNumbers(this.pidMax),
            members: new Map(),
            childReaper: undefined,
            adding: true,
          });
          break;
        }
        case 'cgroup':
          next.cgroup = r.create({ type: 'cgroup', owner, root: req.cgroupPath! });
          break;
        case 'net':
          next.net = r.create({ type: 'net', owner, networkNamespace: undefined });
          break;
      }
    }
    return { proxy: next, user: owner };
  }

  // PID numbers in `ns` and every ancestor, innermost first as alloc_pid takes them, returned
  // outermost first; undefined (and nothing kept) when a level is full.
  private allocateNumbers(ns: PidNamespaceRecord): { ns: PidNamespaceRecord; nr: number }[] | undefined {
    const taken: { ns: PidNamespaceRecord; nr: number }[] = [];
    for (let level: PidNamespaceRecord | undefined = ns; level !== undefined; level = level.parent) {
      const nr = level.numbers.allocate();
      if (nr === undefined) {
        this.freeNumbers(taken);
        // "On failure to allocate the first pid, reset the state".
        if (ns.members.size === 0 && ns.adding) ns.numbers.resetCursor();
        return undefined;
      }
      taken.push({ ns: level, nr });
    }
    return taken.reverse();
  }

  private freeNumbers(taken: readonly { ns: PidNamespaceRecord; nr: number }[]): void {
    for (const { ns, nr } of taken) ns.numbers.free(nr);
  }

  private addProcess(pids: { ns: PidNamespaceRecord; nr: number }[], parent: ProcessRecord | undefined, proxy: NsProxy, user: UserNamespaceRecord): ProcessRecord {
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

  // find_new_reaper: the nearest live subreaper among the ancestors in the same pid namespace, else its init.
  private newReaper(proc: ProcessRecord, active: PidNamespaceRecord): ProcessRecord {
    for (let a = proc.parent; a !== undefined && a.pids.length === proc.pids.length; a = a.parent) {
      if (a.pids.length === 1 && a === this.initialPid.childReaper) break;
      if (a.subreaper && !a.exited) return a;
    }
    const init = active.childReaper;
    if (init === undefined) throw new InternalError(`pid namespace ${active.inode} has processes but no init`);
    return init;
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

function activeNamespace(proc: ProcessRecord): PidNamespaceRecord {
  return proc.pids[proc.pids.length - 1]!.ns;
}

// pid_nr_ns: the process's number in `ns`, 0 when it has none there.
function numberIn(proc: ProcessRecord, ns: PidNamespaceRecord): number {
  const entry = proc.pids[ns.level];
  return entry !== undefined && entry.ns === ns ? entry.nr : 0;
}

function mapOf(ns: UserNamespaceRecord, file: IdMapFile): readonly IdExtent[] {
  return file === 'uid_map' ? ns.uidMap : ns.gidMap;
}

function checkMapFile(file: string): void {
  if (file !== 'uid_map' && file !== 'gid_map') {
    throw new ValidationError(`file ${JSON.stringify(file)} is not an id map: use uid_map or gid_map`, { path: 'file', value: file, accepted: ['uid_map', 'gid_map'] });
  }
}

function checkId(id: number, what: string): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new ValidationError(`${what} ${String(id)} is not an id: ids are integers 0..4294967295`, { path: what, value: id, accepted: '0..4294967295' });
  }
  return id;
}

function wrongType(inode: NamespaceInode, actual: NamespaceType, wanted: NamespaceType): ValidationError {
  return new ValidationError(`namespace ${inode} is a ${actual} namespace: pass a ${wanted} namespace's inode`, {
    path: 'namespace',
    value: inode,
    accepted: `a ${wanted} namespace`,
  });
}

function describeNamespace(record: NamespaceRecord): NamespaceInfo {
  const parent = 'parent' in record ? record.parent : undefined;
  const owner = record.type === 'user' ? record.parent : record.owner;
  return {
    type: record.type,
    inode: record.inode,
    link: `${record.type}:[${record.inode}]`,
    ...(parent === undefined ? {} : { parent: parent.inode }),
    ...(owner === undefined ? {} : { owner: owner.inode }),
    ...(record.type === 'pid' || record.type === 'user' ? { level: record.level } : {}),
    initial: record.initial,
  };
}

/** The clone flags that make the given namespace types, in the kernel's creation order. */
export function cloneFlags(...types: NamespaceType[]): CloneNamespaceFlag[] {
  return CREATION_ORDER.filter((t) => types.includes(t)).map((t) => CLONE_FLAG_OF[t]);
}

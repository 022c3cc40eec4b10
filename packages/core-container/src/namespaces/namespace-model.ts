// The interface the kernel drives the namespaces model through, with each call's precondition. The
// implementation is in create-namespace-model.ts.
import type { IdMapFile } from './id-map.js';
import type { Mount, MountSpec, PathResolution } from './mount-table.js';
import type { UtsNames } from './uts-names.js';
import type {
  ClonedProcess,
  ExitOutcome,
  GlobalPid,
  NamespaceInode,
  NamespaceLinkName,
  NamespaceRequest,
  NamespaceType,
  PsEntry,
  ReapOutcome,
  SyscallResult,
} from './types.js';

/** How the model starts: the initial namespaces' state. */
export interface NamespaceModelOptions {
  /** PIDs are below this in every pid namespace: 301..4194304; default 4194304 (`DEFAULT_PID_MAX`). */
  readonly pidMax?: number;
  /** The initial UTS namespace's names; default `(none)` for both, as a fresh kernel. */
  readonly hostname?: string;
  readonly domainname?: string;
  /** The initial mount table; default the host's root on `/dev/root`, read-write. */
  readonly mounts?: readonly MountSpec[];
  /** The core-network namespace of the initial net namespace, if any. */
  readonly networkNamespace?: string;
}

/** What one namespace is, for listings and tests. */
export interface NamespaceInfo {
  readonly type: NamespaceType;
  readonly inode: NamespaceInode;
  /** The `/proc/<pid>/ns/<type>` text: `pid:[4026531836]`. */
  readonly link: string;
  /** The parent's inode (pid and user namespaces, except the initial ones). */
  readonly parent?: NamespaceInode;
  /** The owning user namespace's inode (all but the initial user namespace). */
  readonly owner?: NamespaceInode;
  /** Nesting level (pid and user namespaces). */
  readonly level?: number;
  readonly initial: boolean;
}

/** Which pid namespace `ps` looks from: one by inode, or the one a process lives in. */
export type PsView = { readonly namespace: NamespaceInode } | { readonly viewer: GlobalPid };

/**
 * The namespaces of one kernel. Lifecycle of a process, driven by the kernel:
 * (`spawnInit` | `clone`) → (`unshare` | `setns` | `clone` as parent)* → `exit` → `reap`.
 * Processes are named by global PID (their PID in the initial pid namespace); a process that does not
 * exist is a NotFoundError, a call in the wrong phase an InvalidTransitionError. System calls a
 * program makes return the errno it would see (`SyscallResult`); bad input throws and changes nothing.
 */
export interface NamespaceModel {
  // --- processes ---------------------------------------------------------------------------------
  /** Creates global PID 1 in the initial namespaces. Once, before any `clone`. */
  spawnInit(): ClonedProcess;
  /**
   * clone(2): a child of live `parent` in new namespaces for `flags`, else in the parent's (its PID
   * in the parent's `pid_for_children`). EINVAL: CLONE_NEWPID after the parent unshared one without
   * forking; ENOSPC: past 32 nested pid (or 33 user) namespaces; ENOMEM: that pid namespace's init
   * has exited; EAGAIN: no free PID at some level.
   */
  clone(parent: GlobalPid, request?: NamespaceRequest): SyscallResult<ClonedProcess>;
  /** unshare(2): new namespaces for live `pid` itself; for CLONE_NEWPID, only for its next children. */
  unshare(pid: GlobalPid, request: NamespaceRequest): SyscallResult<void>;
  /** setns(2): live `pid` joins the namespace; a pid namespace (its own or a descendant) applies to its children only. */
  setns(pid: GlobalPid, namespace: NamespaceInode): SyscallResult<void>;
  /** PR_SET_CHILD_SUBREAPER for live `pid`. */
  setChildSubreaper(pid: GlobalPid, on: boolean): void;
  /**
   * A live process exits: it drops its nsproxy namespaces, its children go to the nearest live
   * subreaper or its namespace's init, and if it is that init the namespace takes no more processes
   * and everyone else in it is to be killed. The initial namespace's init cannot exit (Linux panics).
   */
  exit(pid: GlobalPid): ExitOutcome;
  /** An exited process is reaped: its PIDs are freed at every level. */
  reap(pid: GlobalPid): ReapOutcome;

  // --- pid views ---------------------------------------------------------------------------------
  /** `NSpid`: the PID in every namespace from the initial one inwards. */
  nspid(pid: GlobalPid): readonly number[];
  /** The PID of `target` as `viewer` sees it (getpid/kill numbers); 0 when `target` is outside its namespace. */
  pidSeenBy(viewer: GlobalPid, target: GlobalPid): number;
  /** getppid(2): the parent's PID in the process's own namespace; 0 when the parent is outside it. */
  getppid(pid: GlobalPid): number;
  /** The parent's global PID, if any. */
  parentOf(pid: GlobalPid): GlobalPid | undefined;
  /** The process `viewer` names by `nr` (for kill(2)), if its namespace holds one. */
  findProcess(viewer: GlobalPid, nr: number): GlobalPid | undefined;
  /** True when `pid` is PID 1 of its own pid namespace (the initial one's included): SIGNAL_UNKILLABLE. */
  isNamespaceInit(pid: GlobalPid): boolean;
  /** Where a signal from `sender` to `target` comes from, for `initSignalDecision`. */
  signalOrigin(sender: GlobalPid, target: GlobalPid): 'same-namespace' | 'ancestor-namespace';
  /** `ps`: every process with a PID in the viewing namespace (nested ones included), zombies too, ascending by PID; `describe` adds the kernel's columns. */
  ps<E extends object = object>(view: PsView, describe?: (pid: GlobalPid) => E): (PsEntry & E)[];

  // --- identity and lifetime ---------------------------------------------------------------------
  /** The namespace of that type `pid` uses (`pid_for_children` too). Exited processes keep only pid and user. */
  namespaceOf(pid: GlobalPid, link: NamespaceLinkName): NamespaceInode;
  /** readlink `/proc/<pid>/ns/<link>`: `type:[inode]`; undefined where Linux fails (an exited process's nsproxy links, `pid_for_children` before its init exists). */
  nsLink(pid: GlobalPid, link: NamespaceLinkName): string | undefined;
  /** A reference that keeps the namespace alive without a process (an open ns file, a bind mount). */
  hold(namespace: NamespaceInode): void;
  /** Drops one `hold`. */
  release(namespace: NamespaceInode): void;
  /** One namespace's facts. */
  namespaceInfo(namespace: NamespaceInode): NamespaceInfo;
  /** Every live namespace, ascending by inode. */
  namespaces(): NamespaceInfo[];

  // --- uts, net, cgroup --------------------------------------------------------------------------
  /** uname(2)'s names as `pid` sees them. */
  uname(pid: GlobalPid): UtsNames;
  /** sethostname(2): every process sharing the UTS namespace sees it. At most 64 bytes. */
  sethostname(pid: GlobalPid, hostname: string): void;
  /** setdomainname(2). At most 64 bytes. */
  setdomainname(pid: GlobalPid, domainname: string): void;
  /** Links a net namespace to the core-network namespace that holds its interfaces. */
  setNetworkNamespace(namespace: NamespaceInode, networkNamespace: string): void;
  /** The core-network namespace `pid`'s net namespace is linked to, if any. */
  networkNamespaceOf(pid: GlobalPid): string | undefined;
  /** `/proc/<target>/cgroup` as `reader` reads it, given the target's cgroup path now: `0::/` etc. */
  procCgroup(reader: GlobalPid, targetCgroupPath: string): string;

  // --- mnt -----------------------------------------------------------------------------------------
  /** The mount table of `pid`'s mount namespace, in mount order. */
  mounts(pid: GlobalPid): readonly Mount[];
  /** mount(2) in `pid`'s mount namespace (every sharer sees it). */
  mount(pid: GlobalPid, spec: MountSpec): void;
  /** umount(2) of the topmost mount at `mountPoint`. */
  umount(pid: GlobalPid, mountPoint: string): void;
  /** pivot_root then detaching the old root, as runc does: the table becomes this one root mount. */
  pivotRoot(pid: GlobalPid, root: MountSpec): void;
  /** Which mount serves `path` for `pid`, and whether a write there is allowed (EROFS otherwise). */
  resolvePath(pid: GlobalPid, path: string): PathResolution;

  // --- user ----------------------------------------------------------------------------------------
  /**
   * Writes a user namespace's `uid_map` or `gid_map`, once, as from its parent (outside ids are the
   * parent's). ValidationError: a malformed map (EINVAL), an outside range the parent does not map
   * or the initial namespace (EPERM); ConflictError: the map was already written (EPERM).
   */
  writeIdMap(namespace: NamespaceInode, file: IdMapFile, text: string): void;
  /** The map as `reader` reads it (outside ids relative to the reader's namespace, or the parent when the reader is inside). */
  readIdMap(namespace: NamespaceInode, file: IdMapFile, reader: GlobalPid): string;
  /** make_kuid: an id of the namespace as a kernel id; undefined when unmapped. */
  toKernelId(namespace: NamespaceInode, file: IdMapFile, id: number): number | undefined;
  /** from_kuid_munged: a kernel id as the namespace sees it; 65534 when unmapped. */
  fromKernelId(namespace: NamespaceInode, file: IdMapFile, kernelId: number): number;
  /** An id of one namespace as another sees it (via the kernel id); 65534 when either side has no mapping. */
  translateId(from: NamespaceInode, to: NamespaceInode, file: IdMapFile, id: number): number;
}

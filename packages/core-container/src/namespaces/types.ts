// The vocabulary of the namespaces model: what the kernel passes in and reads back. Types only (and
// the constant lists that define them), so every module of the model imports them without a circle.

/** The namespace kinds the model keeps, named as `/proc/<pid>/ns/<type>` names them. */
export const NAMESPACE_TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts'] as const;

/** A namespace kind (`pid`, `mnt`, ...). */
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

/** The `/proc/<pid>/ns/` links the model serves: one per type plus `pid_for_children`. */
export type NamespaceLinkName = NamespaceType | 'pid_for_children';

/** The clone(2)/unshare(2) flag that makes a new namespace of each type (`CLONE_NEWNS` is mnt's, for history). */
export const CLONE_FLAG_OF = {
  cgroup: 'CLONE_NEWCGROUP',
  ipc: 'CLONE_NEWIPC',
  mnt: 'CLONE_NEWNS',
  net: 'CLONE_NEWNET',
  pid: 'CLONE_NEWPID',
  user: 'CLONE_NEWUSER',
  uts: 'CLONE_NEWUTS',
} as const satisfies Record<NamespaceType, string>;

/** A namespace flag of clone(2), unshare(2) and setns(2). */
export type CloneNamespaceFlag = (typeof CLONE_FLAG_OF)[NamespaceType];

/** A namespace's identity: its nsfs inode number, unique among live namespaces of every type. */
export type NamespaceInode = number;

/** A process's PID in the initial pid namespace: the key the kernel and this model share. */
export type GlobalPid = number;

/** The errno values a namespace system call returns to a program (not thrown: the program sees them). */
export type NamespaceErrno = 'EAGAIN' | 'EINVAL' | 'ENOMEM' | 'ENOSPC';

/** What a system call returns: a value, or the errno a program would see and why. */
export type SyscallResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: NamespaceErrno; readonly reason: string };

/** A request to clone(2) a process or unshare(2) namespaces. */
export interface NamespaceRequest {
  /** New namespaces to make (for clone: the child's; for unshare: the caller's, pid for its children only). */
  readonly flags?: readonly CloneNamespaceFlag[];
  /** The caller's cgroup path now (`/a/b`): required with `CLONE_NEWCGROUP`, whose root it becomes. */
  readonly cgroupPath?: string;
}

/** A new process: its global PID and its PID in every namespace from the initial one inwards (`NSpid`). */
export interface ClonedProcess {
  readonly pid: GlobalPid;
  readonly nspid: readonly number[];
}

/** What the kernel must do when a process exits. */
export interface ExitOutcome {
  /**
   * When the exiting process is the init of its pid namespace: every other live process with a PID in
   * that namespace (nested namespaces included), ascending by that PID. The kernel SIGKILLs them.
   */
  readonly kill: readonly GlobalPid[];
  /** Children handed to a new parent (the namespace's init, or the nearest live subreaper), by global PID. */
  readonly reparented: readonly { readonly pid: GlobalPid; readonly parent: GlobalPid }[];
  /**
   * True when the exiting init must wait (zap_pid_ns_processes) until every other process of its
   * namespace is reaped before its own exit is reported to its parent; `reap` then says when.
   */
  readonly waitsForNamespace: boolean;
}

/** What reaping a process freed. */
export interface ReapOutcome {
  /** Inits whose namespace just emptied while they waited: their exit can now reach their parents. Outermost first. */
  readonly initsCanFinish: readonly GlobalPid[];
}

/** One line of `ps` as seen from one pid namespace, with whatever the kernel adds. */
export interface PsEntry {
  /** The PID in the viewing namespace. */
  readonly pid: number;
  /** The parent's PID in the viewing namespace; 0 when the parent is outside it (or there is none). */
  readonly ppid: number;
  /** The kernel's key for the process. */
  readonly globalPid: GlobalPid;
  /** True for a zombie: exited, not yet reaped. */
  readonly exited: boolean;
}

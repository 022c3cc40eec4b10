// The model's internal records: one per namespace (with the state its type isolates) and one per
// process (its nsproxy, credentials' user namespace and PID numbers). Types only.
import type { IdExtent } from './id-map.js';
import type { Mount } from './mount-table.js';
import type { PidNumbers } from './pid-numbers.js';
import type { UtsNames } from './uts-names.js';
import type { GlobalPid, NamespaceInode } from './types.js';

interface RecordBase {
  readonly inode: NamespaceInode;
  /** The user namespace that owns it (the creator's, after any CLONE_NEWUSER of the same call); none for the initial user namespace. */
  readonly owner: UserNamespaceRecord | undefined;
  /** References that keep it alive: processes using it, holds, child namespaces, namespaces it owns. */
  refs: number;
  /** Initial namespaces are the kernel's own and are never destroyed. */
  readonly initial: boolean;
}

export interface PidNamespaceRecord extends RecordBase {
  readonly type: 'pid';
  readonly parent: PidNamespaceRecord | undefined;
  /** 0 for the initial namespace; at most MAX_PID_NS_LEVEL (32). */
  readonly level: number;
  readonly numbers: PidNumbers;
  /** Every process with a PID here (its own or a nested namespace's), by that PID. */
  readonly members: Map<number, ProcessRecord>;
  /** PID 1 here once it exists (`child_reaper`), kept after it exits. */
  childReaper: ProcessRecord | undefined;
  /** False once its init has exited (PIDNS_ADDING cleared): forks into it fail with ENOMEM. */
  adding: boolean;
}

export interface UserNamespaceRecord extends RecordBase {
  readonly type: 'user';
  readonly parent: UserNamespaceRecord | undefined;
  /** 0 for the initial namespace; a new one needs its parent at level 32 or less. */
  readonly level: number;
  /** Outside ids are kernel ids. Empty until written: nothing is mapped. */
  uidMap: readonly IdExtent[];
  gidMap: readonly IdExtent[];
}

export interface UtsNamespaceRecord extends RecordBase {
  readonly type: 'uts';
  names: UtsNames;
}

export interface MntNamespaceRecord extends RecordBase {
  readonly type: 'mnt';
  mounts: readonly Mount[];
}

export interface CgroupNamespaceRecord extends RecordBase {
  readonly type: 'cgroup';
  /** The cgroup that is `/` inside: the creator's cgroup when it was made. */
  readonly root: string;
}

export interface NetNamespaceRecord extends RecordBase {
  readonly type: 'net';
  /** The core-network namespace that holds its interfaces, once the kernel links one. */
  networkNamespace: string | undefined;
}

export interface IpcNamespaceRecord extends RecordBase {
  readonly type: 'ipc';
}

export type NamespaceRecord =
  | PidNamespaceRecord
  | UserNamespaceRecord
  | UtsNamespaceRecord
  | MntNamespaceRecord
  | CgroupNamespaceRecord
  | NetNamespaceRecord
  | IpcNamespaceRecord;

/** The namespaces a process uses that live in its nsproxy (`pid_for_children`, not its own pid namespace). */
export interface NsProxy {
  uts: UtsNamespaceRecord;
  ipc: IpcNamespaceRecord;
  mnt: MntNamespaceRecord;
  net: NetNamespaceRecord;
  cgroup: CgroupNamespaceRecord;
  pidForChildren: PidNamespaceRecord;
}

export interface ProcessRecord {
  readonly globalPid: GlobalPid;
  /** Its PID in each namespace from the initial one inwards; the last is its own (active) namespace. */
  readonly pids: readonly { readonly ns: PidNamespaceRecord; readonly nr: number }[];
  parent: ProcessRecord | undefined;
  readonly children: Set<ProcessRecord>;
  exited: boolean;
  /** PR_SET_CHILD_SUBREAPER: orphans below it come to it instead of the namespace's init. */
  subreaper: boolean;
  /** Dropped at exit (exit_task_namespaces). */
  nsproxy: NsProxy | undefined;
  /** The credentials' user namespace: kept until the process is reaped. */
  user: UserNamespaceRecord;
}

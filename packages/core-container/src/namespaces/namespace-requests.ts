// New namespaces for clone(2) and unshare(2): the flags checked, the errno checks made before
// anything is created (copy_creds, copy_pid_ns), and creation in the kernel's order.
import { ValidationError } from '@strata/shared-types';
import { normalizeCgroupPath } from './cgroup-view.js';
import { activeNamespace } from './pid-tree.js';
import { PidNumbers } from './pid-numbers.js';
import type { NsProxy, PidNamespaceRecord, ProcessRecord, UserNamespaceRecord } from './records.js';
import type { NamespaceRegistry } from './registry.js';
import { fail } from './syscall-result.js';
import type { SyscallFailure } from './syscall-result.js';
import { CLONE_FLAG_OF, NAMESPACE_TYPES } from './types.js';
import type { CloneNamespaceFlag, NamespaceRequest, NamespaceType } from './types.js';

/** The deepest pid namespace level (`MAX_PID_NS_LEVEL`): a 33rd nested one fails with ENOSPC. */
export const MAX_PID_NS_LEVEL = 32;

/** A new user namespace needs its parent at this level or less (create_user_ns: `parent_ns->level > 32` is ENOSPC). */
export const MAX_USER_NS_PARENT_LEVEL = 32;

const FLAG_TYPES = new Map<string, NamespaceType>(NAMESPACE_TYPES.map((type) => [CLONE_FLAG_OF[type], type]));

// The order the kernel makes them in: creds first (copy_creds), then create_new_namespaces. Inode
// numbers follow this order, so it is part of what the model reproduces.
const CREATION_ORDER: readonly NamespaceType[] = ['user', 'mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net'];

/** A request after its checks: the types to make and the cgroup root for a new cgroup namespace. */
export interface ParsedRequest {
  readonly types: ReadonlySet<NamespaceType>;
  readonly cgroupPath: string | undefined;
}

/** The clone flags that make the given namespace types, in the kernel's creation order. */
export function cloneFlags(...types: NamespaceType[]): CloneNamespaceFlag[] {
  return CREATION_ORDER.filter((t) => types.includes(t)).map((t) => CLONE_FLAG_OF[t]);
}

/** Checks a request's flags and cgroup path; a ValidationError names the bad field. */
export function parseRequest(request: NamespaceRequest): ParsedRequest {
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

/** The errno a request fails with before anything is made (nesting limits, a pending CLONE_NEWPID), if any. */
export function refusedRequest(proc: ProcessRecord, req: ParsedRequest): SyscallFailure | undefined {
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

/**
 * Makes the requested namespaces in the kernel's order, each a copy of `creator`'s where the type
 * has state (mount table, names), owned by the new user namespace when one is made. Returns the
 * nsproxy and user namespace to use; untouched types are `creator`'s.
 */
export function makeNamespaces(registry: NamespaceRegistry, pidMax: number, creator: ProcessRecord, req: ParsedRequest): { proxy: NsProxy; user: UserNamespaceRecord } {
  const proxy = creator.nsproxy!;
  const next: NsProxy = { ...proxy };
  let owner = creator.user;
  for (const type of CREATION_ORDER) {
    if (!req.types.has(type)) continue;
    switch (type) {
      case 'user':
        owner = registry.create<UserNamespaceRecord>({ type: 'user', owner: undefined, parent: creator.user, level: creator.user.level + 1, uidMap: [], gidMap: [] });
        break;
      case 'mnt':
        next.mnt = registry.create({ type: 'mnt', owner, mounts: proxy.mnt.mounts });
        break;
      case 'uts':
        next.uts = registry.create({ type: 'uts', owner, names: proxy.uts.names });
        break;
      case 'ipc':
        next.ipc = registry.create({ type: 'ipc', owner });
        break;
      case 'pid': {
        const parent = activeNamespace(creator);
        next.pidForChildren = registry.create<PidNamespaceRecord>({
          type: 'pid',
          owner,
          parent,
          level: parent.level + 1,
          numbers: new PidNumbers(pidMax),
          members: new Map(),
          childReaper: undefined,
          adding: true,
        });
        break;
      }
      case 'cgroup':
        next.cgroup = registry.create({ type: 'cgroup', owner, root: req.cgroupPath! });
        break;
      case 'net':
        next.net = registry.create({ type: 'net', owner, networkNamespace: undefined });
        break;
    }
  }
  return { proxy: next, user: owner };
}

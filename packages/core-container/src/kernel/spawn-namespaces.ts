// How a spawn enters its namespaces: the kernel ids of its user (through the user namespace's maps),
// the clone request (new namespaces for "private"), the namespaces to join after the clone, and the
// pid namespace to be created in (joined before the clone, as runc's exec does).
import { ConflictError, NotFoundError, ValidationError } from '@strata/shared-types';
import { mapIdDown, parseIdMap } from '../namespaces/id-map.js';
import type { NamespaceModel } from '../namespaces/namespace-model.js';
import { CLONE_FLAG_OF, type CloneNamespaceFlag, type NamespaceRequest } from '../namespaces/types.js';
import type { CgroupNode } from './cgroup-tree.js';
import type { Proc } from './process.js';
import type { SpawnSpec } from './types.js';

/** A spawn's namespace plan: the clone request, the namespaces to join after it, the pid namespace to be born in. */
export interface SpawnNamespaces {
  readonly request: NamespaceRequest;
  readonly joins: number[];
  readonly pidJoin: number | null;
}

/**
 * The kernel ids of a spawn's `user` (ids inside its user namespace): the same in the host's, through
 * `idMaps` in a private one, through the sharer's maps in a shared one. Checked before anything is made.
 */
export function kernelIds(ns: NamespaceModel, spec: SpawnSpec): { kuid: number; kgid: number } {
  const user = spec.user ?? { uid: 0, gid: 0 };
  const mode = spec.namespaces?.user ?? 'host';
  const down = (file: 'uid_map' | 'gid_map', id: number): number => {
    let kid: number | undefined;
    if (mode === 'host') kid = id;
    else if (mode === 'private') kid = spec.idMaps === undefined ? (id === 0 ? 0 : undefined) : mapIdDown(parseIdMap(file, file === 'uid_map' ? spec.idMaps.uid : spec.idMaps.gid), id);
    else kid = ns.toKernelId(ns.namespaceOf(mode.shareWith, 'user'), file, id);
    if (kid === undefined) {
      const field = file === 'uid_map' ? 'user.uid' : 'user.gid';
      throw new ValidationError(`${field} ${id} is not mapped in the process's user namespace (${mode === 'private' ? 'give idMaps that map it' : 'the shared namespace does not map it'})`, { path: field, value: id, accepted: 'an id the user namespace maps' });
    }
    return kid;
  };
  return { kuid: down('uid_map', user.uid), kgid: down('gid_map', user.gid) };
}

/**
 * Create a process inside pid namespace `ns` (a shared one: `docker exec`, `--pid container:x`): the
 * host's init points its pid_for_children there for the one clone, then back, so the child is numbered
 * in `ns` and its ancestors and its parent stays outside (getppid() reads 0 inside). ENOMEM when the
 * namespace's init has exited.
 */
export function createInPidNamespace<T>(model: NamespaceModel, ns: number, create: () => T): T {
  const own = model.namespaceOf(1, 'pid');
  const joined = model.setns(1, ns);
  if (!joined.ok) throw new ConflictError(`cannot join pid namespace ${ns}: setns failed with ${joined.errno}`, { path: 'namespaces.pid', value: ns });
  try {
    return create();
  } finally {
    model.setns(1, own);
  }
}

/** The clone request for a spawn's namespaces: new ones for "private", setns targets for "process:NAME" shares. */
export function namespaceRequest(ns: NamespaceModel, live: ReadonlyMap<number, Proc>, spec: SpawnSpec, cgroup: CgroupNode): SpawnNamespaces {
  const flags: CloneNamespaceFlag[] = [];
  const joins: number[] = [];
  let pidJoin: number | null = null;
  for (const [type, mode] of Object.entries(spec.namespaces ?? {}) as [keyof typeof CLONE_FLAG_OF, NonNullable<SpawnSpec['namespaces']>[keyof typeof CLONE_FLAG_OF]][]) {
    if (mode === undefined || mode === 'host') continue;
    if (mode === 'private') flags.push(CLONE_FLAG_OF[type]);
    else {
      const target = live.get(mode.shareWith);
      if (target === undefined || target.zombie) throw new NotFoundError('process', String(mode.shareWith), { hint: `namespaces.${type}: share only a live process's namespace` });
      // A pid namespace is joined before the clone (as runc's exec does: setns, then fork); the others after.
      if (type === 'pid') pidJoin = ns.namespaceOf(target.pid, 'pid');
      else joins.push(ns.namespaceOf(target.pid, type));
    }
  }
  return { request: flags.length === 0 ? {} : { flags, cgroupPath: cgroup.path }, joins, pidJoin };
}

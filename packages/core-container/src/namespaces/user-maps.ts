// Reading and writing a user namespace's id maps against its parent's, and checking ids.
import { ConflictError, ValidationError } from '@strata/shared-types';
import { formatIdMap, mapIdRangeDown, mapIdUp, parseIdMap } from './id-map.js';
import type { IdExtent, IdMapFile } from './id-map.js';
import type { UserNamespaceRecord } from './records.js';

const MAX_ID = 0xffffffff;

/** The namespace's uid or gid map (outside ids as kernel ids). */
export function mapOf(ns: UserNamespaceRecord, file: IdMapFile): readonly IdExtent[] {
  return file === 'uid_map' ? ns.uidMap : ns.gidMap;
}

/** A ValidationError unless `file` names an id map. */
export function checkMapFile(file: string): void {
  if (file !== 'uid_map' && file !== 'gid_map') {
    throw new ValidationError(`file ${JSON.stringify(file)} is not an id map: use uid_map or gid_map`, { path: 'file', value: file, accepted: ['uid_map', 'gid_map'] });
  }
}

/** `id` if it is a 32-bit id; a ValidationError naming `what` otherwise. */
export function checkId(id: number, what: string): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new ValidationError(`${what} ${String(id)} is not an id: ids are integers 0..4294967295`, { path: what, value: id, accepted: '0..4294967295' });
  }
  return id;
}

/**
 * map_write from the parent's side: parses `text`, checks each outside range against the parent's
 * map and installs the map with kernel ids. Throws (and changes nothing) for the initial namespace
 * or a bad range (ValidationError, EPERM), a bad text (ValidationError, EINVAL) or a second write
 * (ConflictError, EPERM).
 */
export function writeUserMap(ns: UserNamespaceRecord, file: IdMapFile, text: string): void {
  checkMapFile(file);
  if (ns.parent === undefined) {
    throw new ValidationError(`${file} of the initial user namespace cannot be written (EPERM): write the map of a namespace made with CLONE_NEWUSER`, { path: file, errno: 'EPERM' });
  }
  if (mapOf(ns, file).length > 0) {
    throw new ConflictError(`${file} of user namespace ${ns.inode} is already written (EPERM): a map is written once`, { path: file, errno: 'EPERM' });
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

/** uid_m_show: the map as a reader in `readerNs` reads it (outside ids its own, or the parent's when it reads its own namespace). */
export function readUserMap(ns: UserNamespaceRecord, file: IdMapFile, readerNs: UserNamespaceRecord): string {
  checkMapFile(file);
  const lower = readerNs === ns && ns.parent !== undefined ? ns.parent : readerNs;
  const lowerMap = mapOf(lower, file);
  return formatIdMap(mapOf(ns, file), (kernelId) => mapIdUp(lowerMap, kernelId));
}

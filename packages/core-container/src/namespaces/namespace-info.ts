// How a namespace is described to callers, and the error for a namespace of the wrong type.
import { ValidationError } from '@strata/shared-types';
import type { NamespaceInfo } from './namespace-model.js';
import type { NamespaceRecord } from './records.js';
import type { NamespaceInode, NamespaceType } from './types.js';

/** The facts `namespaceInfo` reports (a user namespace's owner is its parent, as NS_GET_USERNS says). */
export function describeNamespace(record: NamespaceRecord): NamespaceInfo {
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

/** The ValidationError for a namespace inode of another type than the call takes. */
export function wrongType(inode: NamespaceInode, actual: NamespaceType, wanted: NamespaceType): ValidationError {
  return new ValidationError(`namespace ${inode} is a ${actual} namespace: pass a ${wanted} namespace's inode`, {
    path: 'namespace',
    value: inode,
    accepted: `a ${wanted} namespace`,
  });
}

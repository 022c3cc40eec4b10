// Branded ids: stable, validated strings that the type checker will not let you mix up.
import { ValidationError } from './errors.js';

declare const brand: unique symbol;
/** A `T` tagged with a compile-time brand `B`, so a `VmId` is not accepted where a `HostId` is expected. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type HostId = Brand<string, 'HostId'>;
export type VmId = Brand<string, 'VmId'>;
export type ContainerId = Brand<string, 'ContainerId'>;
export type NetworkId = Brand<string, 'NetworkId'>;
export type TaskId = Brand<string, 'TaskId'>;
export type GroupId = Brand<string, 'GroupId'>;

/** The accepted form of an id: 1 to 128 characters of letters, digits, `.`, `_`, `-`, `/` and `:`, starting with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

function makeId<B extends string>(kind: B) {
  return (value: string): Brand<string, B> => {
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
      throw new ValidationError(
        `invalid ${kind} ${JSON.stringify(value)}: expected 1-128 characters of letters, digits, '.', '_', '-', '/', ':' starting with a letter or digit`,
        { kind, value, accepted: ID_PATTERN.source },
      );
    }
    return value as Brand<string, B>;
  };
}

/** Validate and brand a host id. Throws `ValidationError` on a malformed id. */
export const hostId = makeId('HostId');
/** Validate and brand a VM id. */
export const vmId = makeId('VmId');
/** Validate and brand a container id. */
export const containerId = makeId('ContainerId');
/** Validate and brand a network id. */
export const networkId = makeId('NetworkId');
/** Validate and brand a task id. */
export const taskId = makeId('TaskId');
/** Validate and brand a group id. */
export const groupId = makeId('GroupId');

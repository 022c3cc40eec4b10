// @strata/shared-types: the vocabulary every Strata package speaks.

export {
  ERROR_CODES,
  StrataError,
  ValidationError,
  NotFoundError,
  ConflictError,
  InvalidTransitionError,
  InsufficientResourcesError,
  ScheduleInPastError,
  LimitExceededError,
  InternalError,
  isStrataError,
} from './errors.js';
export type { ErrorCode, ErrorDetails } from './errors.js';

export { ID_PATTERN, hostId, vmId, containerId, networkId, taskId, groupId } from './ids.js';
export type { Brand, HostId, VmId, ContainerId, NetworkId, TaskId, GroupId } from './ids.js';

export { micros, bytes, bytesPerSecond, cpuMillis, MICROS_PER_MS, MICROS_PER_SECOND, MICROS_PER_MINUTE, MICROS_PER_HOUR } from './units.js';
export type { Micros, Bytes, BytesPerSecond, CpuMillis } from './units.js';

export type { DomainEventBase, DomainEvent } from './events.js';

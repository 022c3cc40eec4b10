// Memory: guest RAM committed on touch, overcommit, the virtio balloon (Firecracker's API), host OOM.
export { createHostMemory } from './create-host-memory.js';
export {
  PAGE_BYTES,
  MIB_TO_4K_PAGES,
  BALLOON_BATCH_PAGES,
  BALLOON_OOM_DEFLATE_PAGES,
  BALLOON_OUT_OF_PUFF_RETRY_US,
  DEFAULT_VMM_OVERHEAD_BYTES,
  DEFAULT_BALLOON_BYTES_PER_SECOND,
} from './types.js';
export { fcTooMuchMemory, FC_STATS_STATE_CHANGE, FC_STATS_DISABLED, FC_NO_BALLOON, FC_BALLOON_LARGER_THAN_MEMORY, FC_MAX_BALLOON_MIB } from './balloon-errors.js';
export type {
  BalloonConfig,
  BalloonStats,
  BalloonStatsUpdate,
  BalloonUpdate,
  HostMemory,
  HostMemoryEvent,
  HostMemoryOptions,
  HostMemoryState,
  VmMemoryPhase,
  VmMemoryState,
  VmMemorySnapshot,
} from './types.js';

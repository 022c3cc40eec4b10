// Snapshots: Firecracker's full and diff snapshots as plain versioned state, create and load over the parts.
export { createSnapshotter, applyDiff, checkLoadable, checkSnapshotShape, checkSnapshotVersion, DEFAULT_SNAPSHOT_DISK_BYTES_PER_SECOND } from './create-snapshotter.js';
export { snapshotCost, FC_SNAPSHOT_LOAD_SECONDS } from './snapshot-cost.js';
export { SNAPSHOT_VERSION } from './types.js';
export type { SnapshotCost, SnapshotCostInput } from './snapshot-cost.js';
export type { SnapshotDirtyLog, SnapshotMachineConfig, SnapshotParts, Snapshotter, SnapshotterOptions, VcpuSnapshot, VmCpuSnapshot, VmSnapshot } from './types.js';

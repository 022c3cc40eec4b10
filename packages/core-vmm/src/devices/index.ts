// Devices: virtio-blk and virtio-net with Firecracker's rate limiters, served in time order.
export { createDeviceModel } from './create-device-model.js';
export { FirecrackerRateLimiter, isUnlimited, validateRateLimiterConfig } from './firecracker-rate-limiter.js';
export type { FirecrackerRateLimiterConfig, FirecrackerRateLimiterState, FirecrackerTokenBucket } from './firecracker-rate-limiter.js';
export { FC_NOT_SUPPORTED_AFTER_START, FC_NOT_SUPPORTED_BEFORE_START, FC_ROOT_DEVICE_EXISTS, FC_DRIVE_PATCH_EMPTY, unknownFieldMessage } from './firecracker-errors.js';
export type {
  BlockRequest,
  DeviceCounters,
  DeviceModel,
  DeviceModelOptions,
  DeviceQueueSnapshot,
  DriveConfig,
  DrivePatch,
  DriveState,
  Frame,
  HostDiskSpec,
  NetworkInterfaceConfig,
  NetworkInterfacePatch,
  NetworkInterfaceState,
  VmDevicesSnapshot,
} from './types.js';

// Firecracker's balloon and machine-config error texts (balloon/mod.rs, vmm_config/balloon.rs,
// vmm_config/machine_config.rs), verbatim; those the lifecycle also raises come from its table.
import { FIRECRACKER_MESSAGES } from '../lifecycle/firecracker.js';

/** `TooMuchMemoryRequested(N)`: a target above N MiB. */
export function fcTooMuchMemory(mib: number): string {
  return FIRECRACKER_MESSAGES.balloonTooLarge(mib);
}
/** `StatisticsStateChange`: PATCH /balloon/statistics turning statistics on or off after boot. */
export const FC_STATS_STATE_CHANGE = 'Statistics cannot be enabled/disabled after activation.';
/** `StatisticsDisabled`: GET /balloon/statistics with statistics off. */
export const FC_STATS_DISABLED = 'Received stats query when stats are disabled.';
/** `DeviceNotFound`: a balloon call on a VM without a balloon. */
export const FC_NO_BALLOON = 'No balloon device found.';
/** `IncompatibleBalloonSize`: the machine's memory shrunk below the balloon target. */
export const FC_BALLOON_LARGER_THAN_MEMORY: string = FIRECRACKER_MESSAGES.memoryBelowBalloon;
/** The largest target the u32 page count holds: u32::MAX / MIB_TO_4K_PAGES MiB. */
export const FC_MAX_BALLOON_MIB = Math.floor(0xffff_ffff / 256);

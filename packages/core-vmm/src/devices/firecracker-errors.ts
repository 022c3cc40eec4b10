// Firecracker's API error texts for device configuration (parsed_request.rs, rpc_interface.rs,
// vmm_config/drive.rs), reproduced verbatim: every failed action is HTTP 400 with this fault_message.
// The phase texts are the lifecycle's (one source for the whole package).
import { FIRECRACKER_MESSAGES } from '../lifecycle/firecracker.js';

/** A pre-boot-only action after InstanceStart. */
export const FC_NOT_SUPPORTED_AFTER_START: string = FIRECRACKER_MESSAGES.afterStart;
/** A post-boot-only action before InstanceStart. */
export const FC_NOT_SUPPORTED_BEFORE_START: string = FIRECRACKER_MESSAGES.beforeStart;
/** A second drive with `is_root_device: true`. */
export const FC_ROOT_DEVICE_EXISTS = 'A root block device already exists!';
/** PATCH /drives with only the id. */
export const FC_DRIVE_PATCH_EMPTY = 'Please specify at least one property to patch: path_on_host, rate_limiter.';

/** serde's text for a field a PATCH body may not carry (`deny_unknown_fields`). */
export function unknownFieldMessage(field: string, allowed: readonly string[]): string {
  return `unknown field \`${field}\`, expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}`;
}

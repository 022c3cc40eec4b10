// Firecracker's API error texts for device configuration (parsed_request.rs, rpc_interface.rs,
// vmm_config/drive.rs), reproduced verbatim: every failed action is HTTP 400 with this fault_message.

/** A pre-boot-only action after InstanceStart. */
export const FC_NOT_SUPPORTED_AFTER_START = 'The requested operation is not supported after starting the microVM.';
/** A post-boot-only action before InstanceStart. */
export const FC_NOT_SUPPORTED_BEFORE_START = 'The requested operation is not supported before starting the microVM.';
/** A second drive with `is_root_device: true`. */
export const FC_ROOT_DEVICE_EXISTS = 'A root block device already exists!';
/** PATCH /drives with only the id. */
export const FC_DRIVE_PATCH_EMPTY = 'Please specify at least one property to patch: path_on_host, rate_limiter.';

/** serde's text for a field a PATCH body may not carry (`deny_unknown_fields`). */
export function unknownFieldMessage(field: string, allowed: readonly string[]): string {
  return `unknown field \`${field}\`, expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}`;
}

// Checks of what a plain-JavaScript caller passes to the lifecycle: option objects, command options,
// Firecracker request bodies. Each refusal is a ValidationError that names the field and what is
// accepted, thrown before anything changes.
import { ValidationError, shownValue } from '@strata/shared-types';
import { fail, objectOrEmpty, requireBoolean, requireOneOf } from '../input-checks.js';
import type { VmCrashReason } from '@strata/shared-types';
import { FIRECRACKER_TRANSITIONS } from './firecracker.js';
import type { FirecrackerOperation, MachineConfigBody } from './firecracker.js';
import { LIBVIRT_OPERATIONS } from './table.js';
import type { LibvirtOperation } from './table.js';
import type { LibvirtCommandOptions } from './transition.js';

export function isLibvirtOperation(op: unknown): op is LibvirtOperation {
  return typeof op === 'string' && (LIBVIRT_OPERATIONS as readonly string[]).includes(op);
}

export function isFirecrackerOperation(op: unknown): op is FirecrackerOperation {
  return typeof op === 'string' && Object.hasOwn(FIRECRACKER_TRANSITIONS, op);
}

const CRASH_REASONS: readonly VmCrashReason[] = ['host-failure', 'guest-panic', 'host-oom'];

function durationUs(path: string, value: unknown, infinityAllowed: boolean): void {
  if (value === undefined || (infinityAllowed && value === Infinity)) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(path, `an integer number of µs from 0 to ${Number.MAX_SAFE_INTEGER}${infinityAllowed ? ', or Infinity (ended from outside)' : ''}`, value);
  }
}

/** A libvirt command's options, checked field by field. */
export function checkLibvirtOptions(op: LibvirtOperation, opts: unknown): LibvirtCommandOptions {
  const o = objectOrEmpty('opts', opts, `of ${op}'s options`) as LibvirtCommandOptions;
  for (const key of ['forceBoot', 'managedSave', 'snapshotsMetadata'] as const) if (o[key] !== undefined) requireBoolean(key, o[key]);
  durationUs('timeoutUs', o.timeoutUs, false);
  if (o.onTimeout !== undefined) requireOneOf('onTimeout', o.onTimeout, ['destroy', 'keep-running']);
  if (o.snapshotState !== undefined) requireOneOf('snapshotState', o.snapshotState, ['running', 'paused', 'shutoff']);
  durationUs('durationUs', o.durationUs, true);
  // A crash names its cause (libvirt's crashed reason): absent is refused, not taken as some default.
  if (op === 'crash' || o.crashReason !== undefined) requireOneOf('reason', o.crashReason, CRASH_REASONS);
  return o;
}

/** A Firecracker body as serde reads it: each field the model uses of the right type (HTTP 400 otherwise). Ranges are Firecracker's own checks, later. */
export function checkFirecrackerBody(op: FirecrackerOperation, body: unknown): MachineConfigBody & { readonly amount_mib?: number; readonly resume_vm?: boolean } {
  const b = objectOrEmpty('body', body, `(the JSON body of ${op})`);
  const refuse = (path: string, accepted: string, value: unknown): never => {
    const message = `${path} must be ${accepted}, got ${shownValue(value)}`;
    throw new ValidationError(message, { path, field: path, value, accepted, httpStatus: 400, faultMessage: message });
  };
  /** serde's type check of a number field; Firecracker's own checks judge its range afterwards (with its texts). */
  const numeric = (path: string): void => {
    const v = b[path];
    if (v !== undefined && typeof v !== 'number') refuse(path, 'a number', v);
  };
  const integer = (path: string, min: number, max: number): void => {
    const v = b[path];
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)) refuse(path, `an integer from ${min} to ${max}`, v);
  };
  switch (op) {
    case 'put-machine-config':
    case 'patch-machine-config':
      numeric('vcpu_count');
      numeric('mem_size_mib');
      if (b.smt !== undefined && typeof b.smt !== 'boolean') refuse('smt', 'true or false', b.smt);
      if (b.huge_pages !== undefined && b.huge_pages !== 'None' && b.huge_pages !== '2M') refuse('huge_pages', "'None' or '2M'", b.huge_pages);
      break;
    case 'snapshot-load':
      // The machine a snapshot carries: Firecracker's limits (vCPUs 1..32) and memory whose bytes stay a safe integer.
      integer('vcpu_count', 1, 32);
      integer('mem_size_mib', 1, MAX_MEM_MIB);
      if (b.resume_vm !== undefined && typeof b.resume_vm !== 'boolean') refuse('resume_vm', 'true or false', b.resume_vm);
      break;
    case 'put-balloon':
    case 'patch-balloon':
      numeric('amount_mib');
      break;
    default:
      break;
  }
  return b;
}

/** The most MiB a machine may have: its bytes stay a safe integer. */
export const MAX_MEM_MIB = Math.floor(Number.MAX_SAFE_INTEGER / (1024 * 1024));

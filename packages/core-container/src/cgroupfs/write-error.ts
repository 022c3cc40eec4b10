// How a rejected cgroupfs write is reported: the errno the kernel would return, carried by a
// shared-types ValidationError whose message names the file, quotes the text and says what to write.
import { ValidationError } from '@strata/shared-types';

/** The errno values a cgroupfs write fails with in this model (the kernel's, by name). */
export type CgroupErrno = 'EINVAL' | 'ERANGE' | 'EOVERFLOW' | 'EACCES' | 'ENODEV' | 'E2BIG' | 'ENOENT' | 'EBUSY';

/** What the kernel's parsing primitives return: a value, or the errno the write would fail with. */
export type KernelResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: CgroupErrno };

/** A successful primitive result. */
export function ok<T>(value: T): KernelResult<T> {
  return { ok: true, value };
}

/** A failed primitive result. */
export function fail<T>(errno: CgroupErrno): KernelResult<T> {
  return { ok: false, errno };
}

const WHAT_WENT_WRONG: Record<CgroupErrno, string> = {
  EINVAL: 'is invalid',
  ERANGE: 'is out of range',
  EOVERFLOW: 'overflows',
  EACCES: 'cannot be written: the file is read-only',
  ENODEV: 'names no whole block device of this kernel',
  E2BIG: 'is too long: a cgroup file takes at most 4096 bytes per write',
  ENOENT: 'names a controller this cgroup does not have',
  EBUSY: 'is refused while the tree is in this state',
};

/** `text` quoted for an error message, cut to 80 characters so the error stays one line (details keep the whole text). */
export function quoteWritten(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown);
}

/**
 * The error a rejected write raises, e.g. `cpu.max: "abc 100000" is invalid (EINVAL): write "max" or ...`.
 * `details` carries `{ path: file, file, value: text, errno, accepted }` for machines.
 */
export function rejectedWrite(file: string, text: string, errno: CgroupErrno, accepted: string): ValidationError {
  return new ValidationError(`${file}: ${quoteWritten(text)} ${WHAT_WENT_WRONG[errno]} (${errno}): ${accepted}`, {
    path: file,
    file,
    value: text,
    errno,
    accepted,
  });
}

/** Unwrap a primitive result or throw the write's ValidationError. */
export function valueOrReject<T>(result: KernelResult<T>, file: string, text: string, accepted: string): T {
  if (result.ok) return result.value;
  throw rejectedWrite(file, text, result.errno, accepted);
}

/** The error for text that is not what the kernel prints on a read of `file` (parsing a captured read). */
export function unreadableText(file: string, text: string, expected: string): ValidationError {
  return new ValidationError(`${file}: ${quoteWritten(text)} is not what the kernel prints for this file: expected ${expected}`, {
    path: file,
    file,
    value: text,
    accepted: expected,
  });
}

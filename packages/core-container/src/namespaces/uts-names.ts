// The names a UTS namespace holds (uname(2)'s nodename and domainname), checked as sethostname(2)
// and setdomainname(2) check them.
import { ValidationError } from '@strata/shared-types';
import { utf8Length } from '../cgroupfs/utf8-length.js';
import { quoteWritten } from '../cgroupfs/write-error.js';

/** The longest host or domain name in bytes (`__NEW_UTS_LEN`, 64); longer fails with EINVAL. */
export const UTS_NAME_MAX = 64;

/** What a fresh kernel's names read before anyone sets them (`UTS_NODENAME`, `UTS_DOMAINNAME`). */
export const DEFAULT_UTS_NAME = '(none)';

/** The names one UTS namespace holds. */
export interface UtsNames {
  readonly hostname: string;
  readonly domainname: string;
}

/** `name` if it fits; a ValidationError (EINVAL) naming the field otherwise. */
export function checkUtsName(field: 'hostname' | 'domainname', name: string): string {
  const bytes = utf8Length(name);
  if (bytes > UTS_NAME_MAX) {
    throw new ValidationError(`${field} ${quoteWritten(name)} is ${bytes} bytes long (EINVAL): at most ${UTS_NAME_MAX} bytes are accepted`, {
      path: field,
      value: name,
      errno: 'EINVAL',
      accepted: `at most ${UTS_NAME_MAX} bytes`,
    });
  }
  return name;
}

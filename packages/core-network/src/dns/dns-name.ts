// DNS name validation and normalisation for the embedded resolver: lower case, no trailing dot.

import { ValidationError } from '@strata/shared-types';

/** Longest name, without its trailing dot (RFC 1035: 255 octets on the wire = 253 characters). */
export const MAX_DNS_NAME_LENGTH = 253;
/** Longest label (RFC 1035). */
export const MAX_DNS_LABEL_LENGTH = 63;

const ACCEPTED =
  "labels of 1..63 letters, digits, '-' or '_' (not starting or ending with '-'), joined by '.', at most 253 characters, an optional trailing '.'";

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

function invalid(field: string, value: unknown, why: string): ValidationError {
  return new ValidationError(`${field} ${JSON.stringify(value)} is not a valid DNS name: ${why}; accepted: ${ACCEPTED}`, {
    path: field,
    accepted: ACCEPTED,
    given: value,
  });
}

/**
 * Validates `value` as a DNS name and returns it lower-cased without a trailing dot (names are
 * case-insensitive, RFC 4343; `web.` and `web` are the same name). Underscores are accepted
 * because Docker container names may hold them (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`), though strict
 * host-name rules (RFC 952/1123) do not. Throws ValidationError naming `field`.
 */
export function normalizeDnsName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, value, 'it is not a string');
  const name = (value.endsWith('.') ? value.slice(0, -1) : value).toLowerCase();
  if (name.length === 0) throw invalid(field, value, 'it is empty');
  if (name.length > MAX_DNS_NAME_LENGTH) throw invalid(field, value, `it has ${name.length} characters, more than ${MAX_DNS_NAME_LENGTH}`);
  const labels = name.split('.');
  labels.forEach((label, i) => {
    if (label.length === 0) throw invalid(field, value, `label ${i + 1} is empty`);
    if (label.length > MAX_DNS_LABEL_LENGTH) throw invalid(field, value, `label ${i + 1} has ${label.length} characters, more than ${MAX_DNS_LABEL_LENGTH}`);
    if (!LABEL.test(label)) throw invalid(field, value, `label ${i + 1} ${JSON.stringify(label)} holds a character other than a-z, 0-9, '-', '_' or starts or ends with '-'`);
  });
  return name;
}

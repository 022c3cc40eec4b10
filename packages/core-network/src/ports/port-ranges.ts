// Port ranges of `docker run -p` (`-p 8000-8010:80-90`, `-p 8000-8010:80`, `-p 80-90`): which
// container ports one publish maps and how each gets its host port. Validation only, no state.
// Docker's texts here come from docker/cli's ParsePortSpec (read beyond the reference, which gives none).

import { ValidationError } from '@strata/shared-types';
import { MAX_PORT, MIN_PORT } from './types.js';
import type { PortRange } from './types.js';

/**
 * How the host ports of one publish are chosen:
 * - `ephemeral`: no host port; each container port gets the next ephemeral port;
 * - `fixed`: container port `c` goes to host port `hostStart + (c - containerPorts.start)`;
 * - `pick`: one container port, and one free host port of `hostRange` (moby's range allocator).
 */
export type HostPortChoice =
  | { readonly kind: 'ephemeral' }
  | { readonly kind: 'fixed'; readonly hostStart: number }
  | { readonly kind: 'pick'; readonly hostRange: PortRange };

/** A validated port request: the container ports (one or a range) and how host ports are chosen. */
export interface PortPlan {
  readonly containerPorts: PortRange;
  readonly host: HostPortChoice;
}

const RANGE_ACCEPTED = `an integer ${MIN_PORT}..${MAX_PORT}, or a range { start, end } with ${MIN_PORT} <= start <= end <= ${MAX_PORT}`;

/** `80` or `80-90`, as Docker writes a port or a range. */
export function formatPortRange(range: PortRange): string {
  return range.start === range.end ? `${range.start}` : `${range.start}-${range.end}`;
}

/** Number of ports in `range`. */
export function rangeLength(range: PortRange): number {
  return range.end - range.start + 1;
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

/** A `{ start, end }` range at `field`; ValidationError naming the part that is wrong (Docker: `invalid <field>: 90-80` when reversed). */
function checkRange(value: object, field: 'containerPort' | 'hostPort'): PortRange {
  const { start, end } = value as { start?: unknown; end?: unknown };
  for (const [part, v] of [['start', start], ['end', end]] as const) {
    if (!isPort(v)) {
      throw new ValidationError(`${field}.${part} must be an integer ${MIN_PORT}..${MAX_PORT}; got ${JSON.stringify(v)} (${field} accepts ${RANGE_ACCEPTED})`, {
        path: `${field}.${part}`,
        accepted: RANGE_ACCEPTED,
        given: v,
      });
    }
  }
  const range = { start: start as number, end: end as number };
  if (range.start > range.end) {
    throw new ValidationError(
      `invalid ${field}: ${range.start}-${range.end} (a ${field} range must have start <= end, each ${MIN_PORT}..${MAX_PORT}; got start ${range.start}, end ${range.end})`,
      { path: field, accepted: RANGE_ACCEPTED, given: value },
    );
  }
  return range;
}

/** A single port (number) or a range at `field`; `allowZero` admits 0 (ephemeral) for hostPort. */
function checkPortOrRange(value: unknown, field: 'containerPort' | 'hostPort', allowZero: boolean): PortRange | 0 {
  if (allowZero && value === 0) return 0;
  if (isPort(value)) return { start: value, end: value };
  if (typeof value === 'object' && value !== null) return checkRange(value, field);
  const accepted = allowZero ? `${RANGE_ACCEPTED}; or 0 for an ephemeral port` : RANGE_ACCEPTED;
  // Keeps the single-port wording ("must be an integer 1..65535") first: most callers give one port.
  const single = allowZero ? `an integer ${MIN_PORT}..${MAX_PORT}, or 0 for an ephemeral port` : `an integer ${MIN_PORT}..${MAX_PORT}`;
  throw new ValidationError(`${field} must be ${single}; got ${JSON.stringify(value)} (a range { start, end } is accepted too)`, {
    path: field,
    accepted,
    given: value,
  });
}

/**
 * Validates a publish's `containerPort` and `hostPort` (each a port or a `{ start, end }` range;
 * hostPort omitted or 0 = ephemeral) as docker/cli's ParsePortSpec does: a host range must be as
 * long as the container range, except beside a single container port, where it is the range a
 * free host port is picked from. Throws ValidationError naming the field and what is accepted.
 */
export function planPorts(containerPort: unknown, hostPort: unknown): PortPlan {
  const container = checkPortOrRange(containerPort, 'containerPort', false) as PortRange;
  const host = hostPort === undefined ? 0 : checkPortOrRange(hostPort, 'hostPort', true);
  if (host === 0) return { containerPorts: container, host: { kind: 'ephemeral' } };
  const count = rangeLength(container);
  if (count === 1 && host.start !== host.end) return { containerPorts: container, host: { kind: 'pick', hostRange: host } };
  if (rangeLength(host) !== count) {
    throw new ValidationError(
      `invalid ranges specified for container and host Ports: ${formatPortRange(container)} and ${formatPortRange(host)}` +
        ` (hostPort must be a range of the same length as containerPort, ${count} ports, one host port per container port;` +
        ` or a single port with a single containerPort; or a host range beside a single containerPort, to pick a free port from; or 0 / omitted for ephemeral ports)`,
      { path: 'hostPort', accepted: `a range of ${count} ports, or 0 / omitted for ephemeral ports`, given: hostPort },
    );
  }
  return { containerPorts: container, host: { kind: 'fixed', hostStart: host.start } };
}

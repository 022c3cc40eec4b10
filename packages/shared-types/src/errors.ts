// Typed, user-facing failures: one class per stable code, one registry mapping code to
// HTTP status and description. Apps render these; cores throw them.

/** Every error code Strata can raise. Codes are stable and never reused. */
export const ERROR_CODES = {
  E_VALIDATION: { httpStatus: 400, description: 'An input failed validation: a field is missing, malformed, out of range or of an unknown form.' },
  E_NOT_FOUND: { httpStatus: 404, description: 'The named object (host, VM, container, network, task, group, ...) does not exist.' },
  E_CONFLICT: { httpStatus: 409, description: 'The request clashes with existing state, such as a name already in use in its scope.' },
  E_INVALID_TRANSITION: { httpStatus: 409, description: 'The command is not allowed in the object\'s current lifecycle state.' },
  E_INSUFFICIENT_RESOURCES: { httpStatus: 422, description: 'There is not enough CPU, memory, address space or other capacity to satisfy the request.' },
  E_SCHEDULE_IN_PAST: { httpStatus: 400, description: 'A simulation event was scheduled at a time earlier than the current simulated time.' },
  E_LIMIT_EXCEEDED: { httpStatus: 429, description: 'A configured limit (pids.max, event budget, queue size) would be exceeded.' },
  E_INTERNAL: { httpStatus: 500, description: 'A broken invariant inside Strata: a bug to report, never the user\'s fault.' },
} as const satisfies Record<string, { httpStatus: number; description: string }>;

/** A stable error code, such as `E_NOT_FOUND`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Machine-readable context of an error: field paths, offending values, accepted forms. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** Base of every user-caused failure: a stable `code`, a message that says what to change, `details` for machines. */
export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** The HTTP status this error maps to (one table: `ERROR_CODES`). */
  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  /** A JSON-safe form for APIs and logs. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** An input failed validation. `details.path` names the field, `details.accepted` the accepted forms. */
export class ValidationError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_VALIDATION', message, details, options);
  }
}

/** The named object does not exist. */
export class NotFoundError extends StrataError {
  constructor(kind: string, id: string, details: ErrorDetails = {}) {
    super('E_NOT_FOUND', `${kind} '${id}' does not exist`, { kind, id, ...details });
  }
}

/** The request clashes with existing state. */
export class ConflictError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_CONFLICT', message, details, options);
  }
}

/** A lifecycle command arrived in a state that does not allow it. */
export class InvalidTransitionError extends StrataError {
  readonly from: string;
  readonly command: string;

  /** `message` replaces the generic text where a system has its own (Docker's, libvirt's). */
  constructor(from: string, command: string, details: ErrorDetails = {}, message?: string) {
    super('E_INVALID_TRANSITION', message ?? `cannot ${command} while ${from}`, { from, command, ...details });
    this.from = from;
    this.command = command;
  }
}

/** Not enough capacity to satisfy the request. */
export class InsufficientResourcesError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_INSUFFICIENT_RESOURCES', message, details, options);
  }
}

/** A simulation event was scheduled before the current simulated time. */
export class ScheduleInPastError extends StrataError {
  constructor(time: number, now: number) {
    super('E_SCHEDULE_IN_PAST', `cannot schedule an event at ${time}us: the simulation is already at ${now}us; schedule at or after now`, { time, now });
  }
}

/** A configured limit would be exceeded. */
export class LimitExceededError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_LIMIT_EXCEEDED', message, details, options);
  }
}

/** A broken internal invariant: a Strata bug, never the user's fault. */
export class InternalError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_INTERNAL', message, details, options);
  }
}

/** True when `value` is a StrataError (across realms and duplicated package copies, by shape). */
export function isStrataError(value: unknown): value is StrataError {
  if (value instanceof StrataError) return true;
  if (!(value instanceof Error)) return false;
  const code: unknown = (value as Error & { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The longest text `shownValue` quotes before it cuts the value short with "…". */
const SHOWN_VALUE_MAX = 60;

/**
 * A rejected value as an error message shows it: strings quoted (so "2" is not read as the number 2),
 * numbers as JavaScript writes them (NaN and Infinity included, which JSON would print as null),
 * arrays and plain objects as JSON, anything else by its type; cut at 60 characters.
 */
export function shownValue(value: unknown): string {
  let text: string;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === undefined || value === null) {
    text = String(value);
  } else if (typeof value === 'string' || Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) {
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? String(v) : v)) ?? `(${typeof value})`;
    } catch {
      text = `(${typeof value})`;
    }
  } else {
    text = `(${typeof value})`;
  }
  return text.length > SHOWN_VALUE_MAX ? `${text.slice(0, SHOWN_VALUE_MAX - 1)}…` : text;
}

// Schema failures as Strata errors: every bad field becomes one `path: message` line, so a user
// reads `groups[0].cpu.quota: expected at least 1ms, got 500us` instead of a zod dump.
import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** One bad field: its path (`groups[0].cpu.quota`, `''` for the whole input) and what to change. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const ACCEPTED_FIELDS = 'accepted fields: ';

/** Format an issue path: dots for keys, brackets for indices (`['groups', 0, 'cpu']` → `groups[0].cpu`). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${typeof segment === 'string' ? JSON.stringify(segment) : String(segment)}]`;
  }
  return text;
}

/** A short description of a received value for messages: `"abc"`, `12`, `nothing`, `an object`. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value === 'object' ? 'object' : typeof value}`;
}

/** Edit distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function objectKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: unknown } } } | undefined)?._zod?.def?.shape;
  return shape !== null && typeof shape === 'object' ? Object.keys(shape) : [];
}

function bound(issue: { inclusive?: boolean }, word: 'least' | 'most', strict: 'more' | 'less'): string {
  return issue.inclusive === false ? `${strict} than` : `at ${word}`;
}

/**
 * The types a union expected when every branch failed on the type of the value itself (a branch may be a
 * union in turn, such as a quantity's string | number), else `undefined`: some branch got further.
 */
function rootExpected(branches: readonly (readonly z.core.$ZodIssue[])[]): string[] | undefined {
  const out: string[] = [];
  for (const branch of branches) {
    const [only] = branch;
    if (branch.length !== 1 || only === undefined || only.path.length !== 0) return undefined;
    if (only.code === 'invalid_type') out.push(only.expected);
    else if (only.code === 'invalid_union') {
      const inner = rootExpected(only.errors);
      if (inner === undefined) return undefined;
      out.push(...inner);
    } else return undefined;
  }
  return out.length > 0 ? out : undefined;
}

/** Per-parse message map: says what was expected and what arrived, in Strata's words. */
const messages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : `expected ${issue.expected}, got ${describe(issue.input)}`;
    case 'too_small': {
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' || issue.origin === 'set' ? ' items' : '';
      return `expected ${bound(issue, 'least', 'more')} ${String(issue.minimum)}${unit}, got ${describe(issue.input)}`;
    }
    case 'too_big': {
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' || issue.origin === 'set' ? ' items' : '';
      return `expected ${bound(issue, 'most', 'less')} ${String(issue.maximum)}${unit}, got ${describe(issue.input)}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(issue.input)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}, got ${describe(issue.input)}`;
    case 'unrecognized_keys':
      // `collect` splits this issue per key and reads the accepted fields back for "did you mean".
      return `${ACCEPTED_FIELDS}${objectKeys(issue.inst).join(', ')}`;
    case 'invalid_union': {
      if (issue.input === undefined) return 'required';
      const expected = rootExpected(issue.errors);
      return expected === undefined ? undefined : `expected ${[...new Set(expected)].join(' or ')}, got ${describe(issue.input)}`;
    }
    default:
      return undefined;
  }
};

/** The closest accepted key to a mistyped one: within 2 edits, or one a prefix of the other (`mem`, `memory`). */
function suggestion(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  const typed = key.toLowerCase();
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const prefix = typed.length >= 3 && (lower.startsWith(typed) || typed.startsWith(lower));
    const d = prefix ? 1 : distance(typed, lower);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function collect(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[], out: SchemaIssue[]): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const ours = issue.message.startsWith(ACCEPTED_FIELDS);
      const known = ours ? issue.message.slice(ACCEPTED_FIELDS.length).split(', ') : [];
      for (const key of issue.keys) {
        const message = ours ? `unknown field${suggestion(key, known)}; ${issue.message}` : issue.message;
        out.push({ path: formatIssuePath([...path, key]), message });
      }
    } else if (issue.code === 'invalid_union' && issue.message === 'Invalid input') {
      // No summary fits: report the branch that got furthest (its first issue is not a type mismatch at its root).
      const branch = issue.errors.find((candidate) => rootExpected([candidate]) === undefined && candidate.every((i) => !(i.code === 'invalid_type' && i.path.length === 0)));
      if (branch === undefined) out.push({ path: formatIssuePath(path), message: 'matches none of the accepted shapes' });
      else collect(branch, path, out);
    } else {
      out.push({ path: formatIssuePath(path), message: issue.message });
    }
  }
}

/** Flatten a ZodError (from any parse) into `{ path, message }` lines, unknown keys one per key. */
export function schemaIssues(error: z.ZodError): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  collect(error.issues, [], out);
  return out;
}

/**
 * Validate `input` against `schema` and return its output; on failure throw a `ValidationError` whose
 * message is `invalid <what>: <path>: <message>; ...` and whose `details.issues` lists `{ path, message }`.
 * Errors other than schema failures propagate unchanged.
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { error: messages });
  if (result.success) return result.data;
  const issues = schemaIssues(result.error);
  const lines = issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`));
  throw new ValidationError(`invalid ${what}: ${lines.join('; ')}`, { what, issues }, { cause: result.error });
}

// Scenario files in, a validated Scenario out: YAML or JSON parsed with line numbers, includes
// merged, ScenarioSchema applied, cross-references checked, batch files read. Every problem is
// reported at once as `file:line:col path: message`. Files come through an injected reader.
import { formatIssuePath, isStrataError, parseWithSchema, ScenarioSchema, ValidationError, MAX_SCENARIO_INCLUDES, type Scenario } from '@strata/shared-types';
import { checkReferences } from './references.js';
import { folderOf, resolveScenarioPath } from './scenario-paths.js';
import { parseSourceFile, type Position, type SourceFile } from './source-file.js';

/** The longest scenario or included file, characters. */
export const MAX_SCENARIO_TEXT = 64 * 1024 * 1024;
/** The longest data file (batch CSV) a scenario may name, characters. */
export const MAX_SCENARIO_DATA_FILE = 256 * 1024 * 1024;
/** How deep includes may nest (the scenario file is depth 0). */
export const MAX_INCLUDE_DEPTH = 8;
/** The most files a scenario may include, all levels together. */
export const MAX_INCLUDED_FILES = MAX_SCENARIO_INCLUDES;

/** The lists an included file may hold; they are appended, in include order, before the including file's own. */
export const INCLUDABLE_LISTS = ['hosts', 'networks', 'vms', 'containers', 'workloads', 'actions'] as const;
type ListKey = (typeof INCLUDABLE_LISTS)[number];

/** Reads a file the scenario names, by its path relative to the scenario's folder (`data/jobs.csv`); throws if it cannot. */
export type ScenarioFileReader = (relativePath: string) => string;

/** Options of `loadScenario`. */
export interface LoadScenarioOptions {
  /** The scenario file's path as the user gave it (messages start with it; `.json` selects JSON). */
  readonly path: string;
  /** Reads included and data files (absent: a scenario that names files is refused). */
  readonly readFile?: ScenarioFileReader;
}

/** Where something was written. */
export interface ScenarioLocation {
  /** The file, as messages show it (the scenario's path, or an included file's beside it). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/** One located problem. */
export interface ScenarioIssue extends ScenarioLocation {
  /** The path inside that file (`vms[2].memory`; `''` for the file as a whole). */
  readonly at: string;
  readonly message: string;
}

/** A loaded scenario. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  /** Data files (batch CSVs) by `workloads[i].file` of `scenario` (the path relative to the scenario's folder). */
  readonly files: ReadonlyMap<string, string>;
  /** Texts of the scenario file and every included file, by the path messages show. */
  readonly sources: ReadonlyMap<string, string>;
  /** Where a path of the merged scenario (`actions[3]`, `vms[0].memory`) was written (its nearest written ancestor when absent), for reporting run-time failures. */
  readonly locate: (at: string) => ScenarioLocation;
}

interface Origin {
  readonly file: LoadedFile;
  readonly index: number;
}

interface LoadedFile {
  readonly source: SourceFile;
  /** Path relative to the scenario's folder. */
  readonly relative: string;
  /** Path as messages show it. */
  readonly shown: string;
}

function joinShown(folder: string, relative: string): string {
  return folder === '' ? relative : `${folder}/${relative}`;
}

/** Parse a path written by `formatIssuePath` back into segments (`a.b[0]["x y"]` → `['a', 'b', 0, 'x y']`). */
export function parseIssuePath(text: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') i++;
    else if (c === '[') {
      if (text[i + 1] === '"') {
        let j = i + 2;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        try {
          out.push(JSON.parse(text.slice(i + 1, j + 1)) as string);
        } catch {
          out.push(text.slice(i + 2, j));
        }
        i = j + 2;
      } else {
        const end = text.indexOf(']', i);
        const inner = text.slice(i + 1, end < 0 ? text.length : end);
        out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
        i = end < 0 ? text.length : end + 1;
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/**
 * Load a scenario from `text` (YAML, or JSON when `path` ends in `.json`). Includes and batch files
 * are read with `readFile`, by paths relative to the scenario's folder; none may leave it. Throws a
 * ValidationError listing every problem, one per line, as
 * `scenario.yaml:14:7 vms[2].memory: expected a quantity like 4Gi, got "4 gigs"`, with
 * `details` `{ path, line, column, at, issues }` (the first problem, then all of them).
 */
export function loadScenario(text: string, options: LoadScenarioOptions): LoadedScenario {
  const shownFolder = folderOf(options.path);
  const slash = options.path.lastIndexOf('/');
  const mainRelative = slash < 0 ? options.path : options.path.slice(slash + 1);
  const issues: ScenarioIssue[] = [];
  const sources = new Map<string, string>();
  const issueAt = (file: LoadedFile, path: readonly PropertyKey[], message: string, key = false): void => {
    const { line, column } = file.source.locate(path, key);
    issues.push({ path: file.shown, line, column, at: formatIssuePath(path), message });
  };
  const fail = (): never => {
    throw locatedError(issues, [...sources.keys()]);
  };

  if (text.length > MAX_SCENARIO_TEXT) {
    issues.push({ path: options.path, line: 1, column: 1, at: '', message: `the file is ${text.length} characters long; at most ${MAX_SCENARIO_TEXT} are accepted` });
    fail();
  }
  const main = parseFile(options.path, mainRelative, text, issues);
  if (main === undefined) return fail();
  sources.set(main.shown, text);

  // Includes: depth-first, each file's included lists before its own.
  const lists = new Map<ListKey, { value: unknown; origin: Origin }[]>(INCLUDABLE_LISTS.map((k) => [k, []]));
  let included = 0;
  const gather = (file: LoadedFile, depth: number, stack: readonly string[]): void => {
    const value = file.source.value as Record<string, unknown>;
    if (depth > 0) {
      for (const key of Object.keys(value)) {
        if (key !== 'include' && !(INCLUDABLE_LISTS as readonly string[]).includes(key)) {
          issueAt(file, [key], `an included file may hold only include and the lists ${INCLUDABLE_LISTS.join(', ')}; "${key}" belongs in the scenario file`, true);
        }
      }
      for (const key of INCLUDABLE_LISTS) {
        if (key in value && !Array.isArray(value[key])) issueAt(file, [key], `expected a list of ${key}, got ${describe(value[key])}`);
      }
    }
    const include = value['include'];
    if (include !== undefined) {
      if (!Array.isArray(include)) issueAt(file, ['include'], `expected a list of relative file paths, got ${describe(include)}`);
      else {
        include.forEach((written: unknown, j) => {
          if (typeof written !== 'string') {
            issueAt(file, ['include', j], `expected a relative file path such as "common/hosts.yaml", got ${describe(written)}`);
            return;
          }
          const resolved = resolveScenarioPath(folderOf(file.relative), written);
          if (!resolved.ok) return issueAt(file, ['include', j], `cannot include "${written}": ${resolved.reason}`);
          if (stack.includes(resolved.path)) return issueAt(file, ['include', j], `include cycle: ${[...stack, resolved.path].join(' → ')}; a file may not include itself, directly or through others`);
          if (depth + 1 > MAX_INCLUDE_DEPTH) return issueAt(file, ['include', j], `includes nest deeper than ${MAX_INCLUDE_DEPTH} levels (${[...stack, resolved.path].join(' → ')})`);
          if (++included > MAX_INCLUDED_FILES) return issueAt(file, ['include', j], `a scenario may include at most ${MAX_INCLUDED_FILES} files in all`);
          const content = readNamed(options.readFile, resolved.path, MAX_SCENARIO_TEXT);
          if (typeof content !== 'string') return issueAt(file, ['include', j], `cannot include "${written}": ${content.error}`);
          const shown = joinShown(shownFolder, resolved.path);
          sources.set(shown, content);
          const child = parseFile(shown, resolved.path, content, issues);
          if (child !== undefined) gather(child, depth + 1, [...stack, resolved.path]);
        });
      }
    }
    for (const key of INCLUDABLE_LISTS) {
      const items = value[key];
      if (depth > 0 && Array.isArray(items)) items.forEach((item: unknown, index) => lists.get(key)?.push({ value: item, origin: { file, index } }));
    }
  };
  gather(main, 0, [mainRelative]);
  if (issues.length > 0) fail();

  // The merged input: included items first, then the scenario's own.
  const raw: Record<string, unknown> = { ...(main.source.value as Record<string, unknown>) };
  const origins = new Map<ListKey, Origin[]>();
  for (const key of INCLUDABLE_LISTS) {
    const fromIncludes = lists.get(key) ?? [];
    const own = raw[key];
    if (fromIncludes.length === 0 || !Array.isArray(own) && own !== undefined) continue;
    const ownItems = Array.isArray(own) ? (own as unknown[]) : [];
    raw[key] = [...fromIncludes.map((e) => e.value), ...ownItems];
    origins.set(key, [...fromIncludes.map((e) => e.origin), ...ownItems.map((_, index) => ({ file: main, index }))]);
  }
  /** The file and local path where a merged path was written. */
  const where = (path: readonly PropertyKey[]): { file: LoadedFile; local: PropertyKey[] } => {
    const [head, index, ...rest] = path;
    const origin = typeof head === 'string' && typeof index === 'number' ? origins.get(head as ListKey)?.[index] : undefined;
    return origin === undefined ? { file: main, local: [...path] } : { file: origin.file, local: [head as string, origin.index, ...rest] };
  };
  const report = (path: readonly PropertyKey[], message: string, key = false): void => {
    const { file, local } = where(path);
    issueAt(file, local, message, key);
  };

  let scenario: Scenario;
  try {
    scenario = parseWithSchema(ScenarioSchema, raw, 'scenario');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const found = error.details['issues'];
    if (!Array.isArray(found)) throw error;
    for (const issue of found as { path: string; message: string }[]) report(parseIssuePath(issue.path), issue.message, issue.message.startsWith('unknown field'));
    return fail();
  }

  for (const problem of checkReferences(scenario, raw)) report(problem.path, problem.message);
  if (issues.length > 0) fail();

  // Batch files, relative to the file that names them, keyed by their path from the scenario's folder.
  const files = new Map<string, string>();
  const workloads = scenario.workloads.map((w, i) => {
    const { file } = where(['workloads', i]);
    const resolved = resolveScenarioPath(folderOf(file.relative), w.file);
    if (!resolved.ok) {
      report(['workloads', i, 'file'], `cannot read "${w.file}": ${resolved.reason}`);
      return w;
    }
    if (!files.has(resolved.path)) {
      const content = readNamed(options.readFile, resolved.path, MAX_SCENARIO_DATA_FILE);
      if (typeof content !== 'string') {
        report(['workloads', i, 'file'], `cannot read "${w.file}": ${content.error}`);
        return w;
      }
      files.set(resolved.path, content);
    }
    return { ...w, file: resolved.path };
  });
  if (issues.length > 0) fail();

  const loaded: Scenario = { ...scenario, workloads };
  return {
    scenario: loaded,
    files,
    sources,
    locate: (at) => {
      const { file, local } = where(parseIssuePath(at));
      const { line, column }: Position = file.source.locate(local);
      return { path: file.shown, line, column };
    },
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

function parseFile(shown: string, relative: string, text: string, issues: ScenarioIssue[]): LoadedFile | undefined {
  const parsed = parseSourceFile(shown, text, shown.toLowerCase().endsWith('.json'));
  if (Array.isArray(parsed)) {
    for (const p of parsed) issues.push({ path: shown, line: p.line, column: p.column, at: '', message: p.message });
    return undefined;
  }
  return { source: parsed, relative, shown };
}

function readNamed(readFile: ScenarioFileReader | undefined, path: string, limit: number): string | { error: string } {
  if (readFile === undefined) return { error: 'no file reader was given to loadScenario (pass options.readFile)' };
  let content: unknown;
  try {
    content = readFile(path);
  } catch (error) {
    const message = isStrataError(error) || error instanceof Error ? error.message : String(error);
    return { error: message };
  }
  if (typeof content !== 'string') return { error: 'the reader returned no text' };
  if (content.length > limit) return { error: `the file is ${content.length} characters long; at most ${limit} are accepted` };
  return content;
}

/** One error for all `issues`, sorted by file (in loading order), line and column. */
function locatedError(found: readonly ScenarioIssue[], fileOrder: readonly string[]): ValidationError {
  const rank = (path: string) => {
    const i = fileOrder.indexOf(path);
    return i < 0 ? fileOrder.length : i;
  };
  const issues = [...found].sort((a, b) => rank(a.path) - rank(b.path) || a.line - b.line || a.column - b.column);
  const lines = issues.map((i) => `${i.path}:${i.line}:${i.column}${i.at === '' ? '' : ` ${i.at}`}: ${i.message}`);
  const first = issues[0];
  return new ValidationError(lines.join('\n'), {
    ...(first === undefined ? {} : { path: first.path, line: first.line, column: first.column, at: first.at }),
    issues: issues.map((i) => ({ ...i })),
  });
}

// The dependency policy check: walks a repository's packages and apps and reports every
// forbidden edge of the layer graph, every platform leak in a core package and every import
// cycle between source files.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { findImportCycles, formatCycle } from './import-cycles.js';
import { ALLOWED_DEPENDENCIES, FORBIDDEN_IN_CORE, NODE_BUILTINS } from './layers.js';
import { blankComments, findImports, lineOf } from './source-text.js';

/** One broken rule, located precisely enough to fix. */
export interface Violation {
  /** Path relative to the repository root, with `/` separators. */
  readonly file: string;
  readonly line: number;
  readonly rule: 'layer' | 'app-to-app' | 'unknown-package' | 'deep-import' | 'escape' | 'node-api' | 'platform' | 'cycle';
  readonly message: string;
}

interface Workspace {
  readonly kind: 'package' | 'app';
  readonly folder: string;
  readonly dir: string;
  readonly name: string;
}

const SOURCE_FOLDERS = ['src', 'test', 'bench'];

function listWorkspaces(root: string): Workspace[] {
  const found: Workspace[] = [];
  for (const [kind, parent] of [['package', 'packages'], ['app', 'apps']] as const) {
    const base = join(root, parent);
    if (!existsSync(base)) continue;
    for (const folder of readdirSync(base).sort()) {
      const dir = join(base, folder);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      found.push({ kind, folder, dir, name });
    }
  }
  return found;
}

function listSourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...listSourceFiles(path));
    else if (/\.(?:ts|tsx|mts|js|mjs|jsx)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Check the repository at `root` (layers, platform neutrality, import cycles in every src/); returns the violations, sorted by file and line (empty when clean). */
export function checkArchitecture(root: string): Violation[] {
  const workspaces = listWorkspaces(root);
  const byName = new Map(workspaces.map((w) => [w.name, w]));
  const violations: Violation[] = [];
  const rel = (path: string) => toPosix(relative(root, path));
  // A package's public entry points are what its package.json "exports" lists ("." and any "./sub").
  const exportsCache = new Map<Workspace, Set<string>>();
  const exportedSubpaths = (ws: Workspace): Set<string> => {
    let set = exportsCache.get(ws);
    if (set === undefined) {
      const exportsField = (JSON.parse(readFileSync(join(ws.dir, 'package.json'), 'utf8')) as { exports?: unknown }).exports;
      set = new Set(exportsField !== null && typeof exportsField === 'object' ? Object.keys(exportsField).filter((k) => k.startsWith('./')) : []);
      exportsCache.set(ws, set);
    }
    return set;
  };

  const edgeProblem = (from: Workspace, target: Workspace): Pick<Violation, 'rule' | 'message'> | undefined => {
    if (target === from) return undefined;
    if (target.kind === 'app') {
      return from.kind === 'app'
        ? { rule: 'app-to-app', message: `app ${from.name} depends on app ${target.name}: shared logic belongs in a package` }
        : { rule: 'layer', message: `package ${from.name} depends on app ${target.name}: a package never depends on an app` };
    }
    if (from.kind === 'app') return undefined;
    const allowed = ALLOWED_DEPENDENCIES[from.folder];
    if (allowed === undefined) return { rule: 'unknown-package', message: `package folder '${from.folder}' is not in the layer graph (tools/architecture/src/layers.ts)` };
    if (allowed.includes(target.folder)) return undefined;
    return { rule: 'layer', message: `${from.name} may not depend on ${target.name} (allowed: ${allowed.map((a) => `@strata/${a}`).join(', ') || 'none'})` };
  };

  for (const ws of workspaces) {
    const manifestPath = join(ws.dir, 'package.json');
    const manifestText = readFileSync(manifestPath, 'utf8');
    const manifest = JSON.parse(manifestText) as Record<string, Record<string, string> | undefined>;
    if (ws.kind === 'package' && ALLOWED_DEPENDENCIES[ws.folder] === undefined) {
      violations.push({ file: rel(manifestPath), line: 1, rule: 'unknown-package', message: `package folder '${ws.folder}' is not in the layer graph (tools/architecture/src/layers.ts)` });
    }
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        const target = byName.get(dep);
        if (target === undefined) continue;
        const problem = edgeProblem(ws, target);
        if (problem) violations.push({ file: rel(manifestPath), line: lineOf(manifestText, manifestText.indexOf(`"${dep}"`)), ...problem });
      }
    }

    const isCore = ws.kind === 'package' && ws.folder.startsWith('core-');
    for (const folder of SOURCE_FOLDERS) {
      for (const file of listSourceFiles(join(ws.dir, folder))) {
        const text = readFileSync(file, 'utf8');
        const inSrc = folder === 'src';
        for (const { specifier, line } of findImports(text)) {
          if (specifier.startsWith('@strata/')) {
            const [scope, pkg, ...rest] = specifier.split('/');
            const targetName = `${scope}/${pkg}`;
            const target = byName.get(targetName);
            if (rest.length > 0 && !(target !== undefined && exportedSubpaths(target).has(`./${rest.join('/')}`))) {
              violations.push({ file: rel(file), line, rule: 'deep-import', message: `'${specifier}' reaches inside ${targetName}: import the package name or a subpath its package.json "exports" lists` });
            }
            if (target === undefined) continue;
            const problem = edgeProblem(ws, target);
            if (problem) violations.push({ file: rel(file), line, ...problem });
          } else if (specifier.startsWith('.')) {
            const resolved = resolve(file, '..', specifier);
            if (!resolved.startsWith(ws.dir + sep)) violations.push({ file: rel(file), line, rule: 'escape', message: `'${specifier}' leaves ${ws.name}: import other packages by name` });
          } else if (isCore && inSrc && (specifier.startsWith('node:') || NODE_BUILTINS.includes(specifier))) {
            violations.push({ file: rel(file), line, rule: 'node-api', message: `core package imports Node module '${specifier}': cores are platform-neutral` });
          }
        }
        if (isCore && inSrc) {
          const code = blankComments(text);
          for (const { pattern, what, instead } of FORBIDDEN_IN_CORE) {
            const global = new RegExp(pattern.source, 'g');
            for (const match of code.matchAll(global)) {
              violations.push({ file: rel(file), line: lineOf(code, match.index), rule: 'platform', message: `${what} in a core package: use ${instead}` });
            }
          }
        }
      }
    }
  }
  for (const cycle of findImportCycles(root)) {
    violations.push({ file: cycle.files[0]!, line: cycle.lines[0]!, rule: 'cycle', message: formatCycle(cycle) });
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.message.localeCompare(b.message));
}

// Import cycles between source files: a graph of every relative import (type-only ones too) in
// each package's and app's src/, its strongly connected components (Tarjan), one readable chain each.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { findImports } from './source-text.js';

/** One import circle: the files in order, each importing the next and the last importing the first. */
export interface ImportCycle {
  /** Repository-relative paths (`/` separators), starting at the alphabetically first file of the component. */
  readonly files: readonly string[];
  /** 1-based line, in `files[i]`, of its import of `files[i + 1]` (the last one: of `files[0]`). */
  readonly lines: readonly number[];
  /** Files in the strongly connected component the chain was drawn from (≥ files.length). */
  readonly componentSize: number;
}

/** A directed file graph: for each file, the files it imports, with the line of the import. */
export type ImportGraph = Map<string, Map<string, number>>;

const SOURCE_FILE = /\.(?:ts|tsx|mts|cts|js|mjs|jsx)$/;

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...listFiles(path));
    else if (SOURCE_FILE.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** The `src/` folders of every workspace under `packages/*` and `apps/*`. */
function sourceRoots(root: string): string[] {
  const roots: string[] = [];
  for (const parent of ['packages', 'apps']) {
    const base = join(root, parent);
    if (!existsSync(base)) continue;
    for (const folder of readdirSync(base).sort()) {
      const src = join(base, folder, 'src');
      if (existsSync(join(base, folder, 'package.json')) && existsSync(src) && statSync(src).isDirectory()) roots.push(src);
    }
  }
  return roots;
}

/**
 * The file a relative specifier names, as TypeScript's NodeNext/bundler resolution finds it:
 * `./x.js` → x.ts (or .tsx/.mts/.cts/.js…), `./x` → x.ts, `./dir` or `./dir/index.js` → dir/index.ts.
 * `known` holds every source file; undefined when the specifier names none of them.
 */
export function resolveRelative(fromFile: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  const target = resolve(dirname(fromFile), specifier);
  const stem = target.replace(/\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/, '');
  const candidates = [
    target,
    ...['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.jsx'].map((ext) => stem + ext),
    ...['index.ts', 'index.tsx', 'index.js'].map((index) => join(target, index)),
  ];
  return candidates.find((c) => known.has(c));
}

/** The import graph of the given files (absolute paths): only edges to files of the set count. */
export function buildImportGraph(files: readonly string[], readText: (file: string) => string = (f) => readFileSync(f, 'utf8')): ImportGraph {
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const edges = new Map<string, number>();
    for (const { specifier, line } of findImports(readText(file))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier, known);
      if (target !== undefined && !edges.has(target)) edges.set(target, line);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Strongly connected components of `graph` (Tarjan's algorithm, iterative), each sorted; only those that hold a cycle. */
export function cyclicComponents(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    // Each frame: a node and an iterator over its successors.
    const frames: { node: string; next: Iterator<string> }[] = [];
    const visit = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      frames.push({ node, next: [...(graph.get(node)?.keys() ?? [])].sort()[Symbol.iterator]() });
    };
    visit(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const step = frame.next.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const v = frame.node;
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        const selfLoop = component.length === 1 && graph.get(v)?.has(v) === true;
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest cycle through `start` inside `component` (breadth-first), as the list of its files. */
function shortestCycleThrough(graph: ImportGraph, component: readonly string[], start: string): string[] {
  const inside = new Set(component);
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const next of [...graph.get(node)!.keys()].sort()) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return path;
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start]; // unreachable for a cyclic component
}

/** Every import cycle among the src/ files of the repository at `root`, one chain per strongly connected component. */
export function findImportCycles(root: string): ImportCycle[] {
  const files = sourceRoots(root).flatMap(listFiles);
  const graph = buildImportGraph(files);
  const rel = (path: string) => relative(root, path).split(sep).join('/');
  return cyclicComponents(graph).map((component) => {
    const chain = shortestCycleThrough(graph, component, component[0]!);
    const lines = chain.map((file, i) => graph.get(file)!.get(chain[(i + 1) % chain.length]!)!);
    return { files: chain.map(rel), lines, componentSize: component.length };
  });
}

/** `a.ts:3 → b.ts:7 → a.ts`: each file with the line of its import of the next. */
export function formatCycle(cycle: ImportCycle): string {
  const chain = cycle.files.map((f, i) => `${f}:${cycle.lines[i]}`).join(' → ');
  const more = cycle.componentSize > cycle.files.length ? ` (one of the circles among ${cycle.componentSize} files that import each other)` : '';
  return `import cycle: ${chain} → ${cycle.files[0]}${more}`;
}

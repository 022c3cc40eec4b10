// Import cycles (the real tree is checked by architecture.test.ts through checkArchitecture): the checker finds a 2-file and a 3-file circle closed by
// type-only imports in a fixture built to fail, and Tarjan's components agree with a plain
// topological sort on many pseudo-random graphs.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImportGraph } from '../src/index.js';
import { buildImportGraph, checkArchitecture, cyclicComponents, formatCycle, resolveRelative } from '../src/index.js';

const cyclicRepo = fileURLToPath(new URL('../fixtures/cyclic-repo/', import.meta.url));

const graphOf = (edges: Record<string, string[]>): ImportGraph =>
  new Map(Object.entries(edges).map(([from, tos]) => [from, new Map(tos.map((to, i) => [to, i + 1]))]));

describe('the cycle checker on a fixture built to fail', () => {
  it('reports the 2-file and the 3-file cycle (both closed by type-only imports) as readable chains, and nothing else', () => {
    expect(checkArchitecture(cyclicRepo).map((v) => `${v.rule} ${v.file}:${v.line} ${v.message}`)).toEqual([
      'cycle apps/cli/src/commands/run.ts:2 import cycle: apps/cli/src/commands/run.ts:2 → apps/cli/src/report/index.ts:1 → apps/cli/src/report/table.ts:2 → apps/cli/src/commands/run.ts',
      'cycle packages/core-sim/src/clock.ts:2 import cycle: packages/core-sim/src/clock.ts:2 → packages/core-sim/src/timer.ts:3 → packages/core-sim/src/clock.ts',
    ]);
  });

  it('resolves ./x.js, ./x, ./dir and ./dir/index.js to the TypeScript file', () => {
    const known = new Set(['/r/src/a.ts', '/r/src/dir/index.ts', '/r/src/b.tsx']);
    expect(resolveRelative('/r/src/m.ts', './a.js', known)).toBe('/r/src/a.ts');
    expect(resolveRelative('/r/src/m.ts', './a', known)).toBe('/r/src/a.ts');
    expect(resolveRelative('/r/src/m.ts', './b.js', known)).toBe('/r/src/b.tsx');
    expect(resolveRelative('/r/src/x/m.ts', '../dir', known)).toBe('/r/src/dir/index.ts');
    expect(resolveRelative('/r/src/x/m.ts', '../dir/index.js', known)).toBe('/r/src/dir/index.ts');
    expect(resolveRelative('/r/src/m.ts', './missing.js', known)).toBeUndefined();
  });

  it('sees type-only imports and re-exports as edges', () => {
    const texts: Record<string, string> = {
      '/r/a.ts': "import type { B } from './b.js';\nexport type { C } from './c.js';\nimport { type D } from './d.js';",
      '/r/b.ts': '',
      '/r/c.ts': '',
      '/r/d.ts': '',
    };
    const graph = buildImportGraph(Object.keys(texts), (f) => texts[f]!);
    expect([...graph.get('/r/a.ts')!.entries()]).toEqual([['/r/b.ts', 1], ['/r/c.ts', 2], ['/r/d.ts', 3]]);
  });
});

describe('cyclicComponents', () => {
  it('finds self-imports, separate circles and one component for circles that share a file', () => {
    const graph = graphOf({ a: ['b'], b: ['a', 'c'], c: ['d'], d: ['b'], e: ['e'], f: ['g'], g: [] });
    expect(cyclicComponents(graph)).toEqual([['a', 'b', 'c', 'd'], ['e']]);
  });

  it('names the component size when the chain shows only one of its circles', () => {
    expect(formatCycle({ files: ['a.ts', 'b.ts'], lines: [3, 4], componentSize: 4 })).toBe('import cycle: a.ts:3 → b.ts:4 → a.ts (one of the circles among 4 files that import each other)');
  });

  it('agrees with a topological sort on 500 pseudo-random graphs', () => {
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + next(12);
      const edges: Record<string, string[]> = {};
      for (let i = 0; i < n; i++) edges[`f${i}`] = [];
      const m = next(2 * n);
      for (let k = 0; k < m; k++) edges[`f${next(n)}`]!.push(`f${next(n)}`);
      const graph = graphOf(Object.fromEntries(Object.entries(edges).map(([k, v]) => [k, [...new Set(v)]])));
      // Kahn: the nodes left after repeatedly removing nodes without incoming edges are exactly those on or behind a cycle.
      const indegree = new Map([...graph.keys()].map((k) => [k, 0]));
      for (const tos of graph.values()) for (const to of tos.keys()) indegree.set(to, indegree.get(to)! + 1);
      const ready = [...indegree].filter(([, d]) => d === 0).map(([k]) => k);
      let removed = 0;
      while (ready.length > 0) {
        const v = ready.pop()!;
        removed++;
        for (const to of graph.get(v)!.keys()) {
          indegree.set(to, indegree.get(to)! - 1);
          if (indegree.get(to) === 0) ready.push(to);
        }
      }
      const components = cyclicComponents(graph);
      expect(components.length > 0, `trial ${trial}`).toBe(removed < n);
      // Every node of a component reaches every other inside it.
      for (const component of components) {
        const inside = new Set(component);
        const reach = new Set([component[0]!]);
        const todo = [component[0]!];
        while (todo.length > 0) {
          for (const to of graph.get(todo.pop()!)!.keys()) {
            if (inside.has(to) && !reach.has(to)) {
              reach.add(to);
              todo.push(to);
            }
          }
        }
        expect(reach.size).toBe(component.length);
      }
    }
  });
});

// Firecracker-style dependency policy test: the real tree must be clean, and the checker must
// catch every kind of violation in a fixture tree built to break each rule once.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, findImports, blankComments } from '../src/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const badRepo = fileURLToPath(new URL('../fixtures/bad-repo/', import.meta.url));

describe('the Strata tree', () => {
  it('has no forbidden dependency edge, no platform leak in a core package and no import cycle between source files', () => {
    const violations = checkArchitecture(repoRoot);
    expect(violations.map((v) => `${v.file}:${v.line} ${v.message}`)).toEqual([]);
  });
});

describe('the checker on a fixture built to fail', () => {
  const found = checkArchitecture(badRepo).map((v) => `${v.rule} ${v.file}:${v.line}`);

  it('reports each violation exactly once, at its line', () => {
    expect(found).toEqual([
      'app-to-app apps/cli/package.json:1',
      'unknown-package packages/core-gpu/package.json:1',
      'layer packages/core-sim/package.json:5',
      'node-api packages/core-sim/src/index.ts:1',
      'layer packages/core-sim/src/index.ts:3',
      'escape packages/core-sim/src/index.ts:4',
      'platform packages/core-sim/src/index.ts:6',
      'platform packages/core-sim/src/index.ts:7',
      'platform packages/core-sim/src/index.ts:8',
      'platform packages/core-sim/src/index.ts:9',
      'node-api packages/core-sim/src/index.ts:11',
      'layer packages/core-vmm/src/index.ts:1',
      'deep-import packages/core-vmm/src/index.ts:2',
    ]);
  });

  it('leaves apps, tests and comments alone', () => {
    expect(found.some((v) => v.includes('apps/cli/src'))).toBe(false);
    expect(found.some((v) => v.includes('/test/'))).toBe(false);
    expect(found.some((v) => v.includes('shared-types'))).toBe(false);
  });
});

describe('source scanning', () => {
  it('finds static, re-export, dynamic and type imports', () => {
    const source = [
      "import a from 'a';",
      "import type { B } from 'b';",
      "export * from 'c';",
      "export { d } from 'd';",
      "const e = await import('e');",
      "// import f from 'f';",
      "import 'g';",
    ].join('\n');
    expect(findImports(source).map((s) => `${s.line}:${s.specifier}`)).toEqual(['1:a', '2:b', '3:c', '4:d', '5:e', '7:g']);
  });

  it('blanks comments but keeps strings and line numbers', () => {
    const source = "const url = 'http://x'; // tail\n/* a\n b */ const y = `//`;";
    const blanked = blankComments(source);
    expect(blanked).toContain("'http://x'");
    expect(blanked).toContain('`//`');
    expect(blanked).not.toContain('tail');
    expect(blanked.split('\n')).toHaveLength(3);
    expect(blanked).toHaveLength(source.length);
  });
});

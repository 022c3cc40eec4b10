// The README's example is real: it runs in a fresh process and prints, line by line, what its
// `// prints:` comments say.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('README', () => {
  it('the example prints what its comments state', () => {
    const stated = [...example.matchAll(/\/\/ prints: (.*)/g)].map((m) => m[1]!);
    expect(stated.length).toBeGreaterThanOrEqual(3);
    mkdirSync(`${packageDir}/test-results`, { recursive: true });
    writeFileSync(`${packageDir}/test-results/readme-example.ts`, example);
    const out = execFileSync('npx', ['tsx', '--conditions=strata-source', 'test-results/readme-example.ts'], { cwd: packageDir, encoding: 'utf8', timeout: 60_000 });
    expect(out.trimEnd().split('\n')).toEqual(stated);
  }, 90_000);
});

// The README's Namespaces example is real: run as a module, it prints what its `// prints:` lines say.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Namespaces\n'));
const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

afterEach(() => vi.restoreAllMocks());

describe('README: Namespaces', () => {
  it('the example prints what its comments state', async () => {
    const stated = [...example.matchAll(/\/\/ prints: (.*)/g)].map((m) => m[1]!);
    expect(stated.length).toBeGreaterThanOrEqual(5);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    const dir = new URL('../test-results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('namespaces-readme-example.ts', dir);
    writeFileSync(file, example);
    await import(/* @vite-ignore */ file.href);
    expect(printed).toEqual(stated);
  });
});

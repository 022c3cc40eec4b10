// The README's "Memory controller" example is real: run as a module, it prints, line by line, what
// its `// prints:` comments say.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Memory controller'));
const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

afterEach(() => vi.restoreAllMocks());

describe('README, Memory controller', () => {
  it('the example prints what its comments state', async () => {
    const stated = [...example.matchAll(/\/\/ prints: (.*)/g)].map((m) => m[1]!);
    expect(stated.length).toBeGreaterThanOrEqual(4);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    const dir = new URL('../test-results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('readme-memory-example.ts', dir);
    writeFileSync(file, example);
    await import(/* @vite-ignore */ file.href);
    expect(printed).toEqual(stated);
  });
});

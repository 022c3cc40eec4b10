// The README's example is real: run as a module, it prints, line by line, what its `// prints:`
// comments say.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

afterEach(() => vi.restoreAllMocks());

describe('README', () => {
  it.each(examples.map((example, i) => [i, example] as const))('example %i prints what its comments state', async (i, example) => {
    const stated = [...example.matchAll(/\/\/ prints: (.*)/g)].map((m) => m[1]!);
    expect(stated.length).toBeGreaterThanOrEqual(1);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    const dir = new URL('../test-results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`readme-example-${i}.ts`, dir);
    writeFileSync(file, example);
    await import(/* @vite-ignore */ file.href);
    expect(printed).toEqual(stated);
  });
});

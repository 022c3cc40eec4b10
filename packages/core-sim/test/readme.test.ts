// The README's code is real: the quick example runs in a fresh process and prints what the
// README says, and the M/M/1 listing is the very code that test/mm1.test.ts checks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README', () => {
  it('shows the M/M/1 model exactly as test/mm1-model.ts has it', () => {
    const model = readFileSync(new URL('./mm1-model.ts', import.meta.url), 'utf8');
    const body = model.slice(model.indexOf('import '));
    expect(blocks).toContain(body);
  });

  it('quick example runs and prints the result its comment states', () => {
    const example = blocks[0]!;
    mkdirSync(`${packageDir}/test-results`, { recursive: true });
    writeFileSync(`${packageDir}/test-results/readme-example.ts`, example);
    const out = execFileSync('npx', ['tsx', '--conditions=strata-source', 'test-results/readme-example.ts'], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const stated = /\/\/ prints (.*) \(same seed/.exec(example)?.[1];
    expect(stated).toBeDefined();
    expect(out.trim()).toBe(stated);
  }, 90_000);
});

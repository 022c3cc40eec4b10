// House rules of the monorepo that are cheaper to check than to review: package shape,
// tsconfig references that mirror dependencies, pinned tooling, a valid CI workflow.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  exports?: Record<string, Record<string, string>>;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const libraries = readdirSync(join(root, 'packages')).filter((f) => existsSync(join(root, 'packages', f, 'package.json'))).sort();
const apps = readdirSync(join(root, 'apps')).filter((f) => existsSync(join(root, 'apps', f, 'package.json'))).sort();

describe.each(libraries)('library package %s', (folder) => {
  const dir = `packages/${folder}`;
  const manifest = readJson(`${dir}/package.json`) as unknown as Manifest;

  it('is an ESM package named after its folder, publishing only dist', () => {
    expect(manifest.name).toBe(`@strata/${folder}`);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.type).toBe('module');
    expect(manifest.files).toEqual(['dist']);
    expect(manifest.private).toBeUndefined();
  });

  it('exports its source to tests and its build to everyone else', () => {
    expect(manifest.exports?.['.']).toEqual({ 'strata-source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' });
  });

  it('has its own index, README, vitest config and test/lint/typecheck/build scripts', () => {
    for (const file of ['src/index.ts', 'README.md', 'vitest.config.ts', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(existsSync(join(root, dir, file)), `${dir}/${file}`).toBe(true);
    }
    for (const script of ['build', 'test', 'lint', 'typecheck']) expect(manifest.scripts?.[script], script).toBeTruthy();
  });

  it('has tsconfig references that mirror its @strata dependencies', () => {
    const tsconfig = readJson(`${dir}/tsconfig.build.json`) as { references?: { path: string }[] };
    const referenced = (tsconfig.references ?? []).map((r) => r.path.replace(/^\.\.\/([^/]+)\/.*$/, '$1')).sort();
    const deps = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@strata/')).map((d) => d.slice('@strata/'.length)).sort();
    expect(referenced).toEqual(deps);
  });
});

describe.each(apps)('app %s', (folder) => {
  it('is private, so changesets never publishes it', () => {
    expect((readJson(`apps/${folder}/package.json`) as unknown as Manifest).private).toBe(true);
  });
});

describe('tooling', () => {
  it('pins pnpm 10.34.9 with its integrity hash', () => {
    expect(readJson('package.json').packageManager).toMatch(/^pnpm@10\.34\.9\+sha512\.[0-9a-f]{128}$/);
  });

  it('versions library packages on their own and never versions private apps', () => {
    const config = readJson('.changeset/config.json') as { fixed: unknown[]; linked: unknown[]; privatePackages: { version: boolean; tag: boolean } };
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
    expect(config.privatePackages).toEqual({ version: false, tag: false });
  });

  it('has a CI workflow that checks affected packages on pull requests and releases from main', () => {
    const workflow = parseYaml(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }>;
    };
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    expect(steps.some((s) => s.run?.includes('turbo run lint typecheck test --affected'))).toBe(true);
    expect(steps.some((s) => s.uses === 'actions/checkout@v4' && s.with?.['fetch-depth'] === 0)).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('changesets/action'))).toBe(true);
  });

  it('has a README quick start of exactly two commands', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const quickStart = /## Quick start\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(quickStart.trim().split('\n')).toEqual(['npm i -g pnpm@10.34.9 && pnpm install && pnpm start', 'pnpm test']);
  });
});

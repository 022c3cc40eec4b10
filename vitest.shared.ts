// One vitest setup for every package: tests run on `src` through the `strata-source`
// export condition, and each run leaves a JSON report that `.ci/run` totals.
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** Build a package's vitest config; `overrides.test` is merged over the shared test options. */
export function strataVitestConfig(overrides: { testTimeout?: number; include?: string[] } = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['strata-source'] },
    ssr: { resolve: { conditions: ['strata-source'] } },
    test: {
      include: overrides.include ?? ['test/**/*.test.ts', 'src/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 30_000,
      setupFiles: [fileURLToPath(new URL('./vitest.fast-check.ts', import.meta.url))],
      reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    },
  });
}

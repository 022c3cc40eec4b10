// One lint policy for the whole monorepo: typescript-eslint's type-aware rules on every
// package, plus the bans that keep `packages/core-*` platform-neutral.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/test-results/**', '**/fixtures/**', '**/coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true } }],
    },
  },
  {
    // Config files are the one place where a default export is the tool's contract.
    files: ['**/vitest.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['packages/core-*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'core packages are platform-neutral: no Node APIs.' }] }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'use a seeded stream from core-sim (sim.rng(name)).' },
        { object: 'Date', property: 'now', message: 'simulated time only: use sim.now().' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'core packages have no timers: schedule a simulation event.' },
        { name: 'setInterval', message: 'core packages have no timers: use sim.every().' },
        { name: 'process', message: 'core packages are platform-neutral.' },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts', '**/bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
);

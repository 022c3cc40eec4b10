import { strataVitestConfig } from '../../vitest.shared.ts';

// The CLI tests run the built binary as a subprocess, which is slower than in-process tests.
export default strataVitestConfig({ testTimeout: 60_000 });

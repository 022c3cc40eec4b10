// Bench entry (`pnpm bench`): the CPU simulator, then placement when its bench is present.
import { existsSync } from 'node:fs';
import { runCpuBench } from './cpu-bench.js';

runCpuBench();
if (existsSync(new URL('./placement-bench.ts', import.meta.url))) {
  const placement = (await import('./placement-bench.js')) as { runPlacementBench?: () => Promise<void> | void };
  await placement.runPlacementBench?.();
}

// Bench entry (`pnpm bench`): the exact CPU simulator, group scheduling, then placement.
import { runCpuBench, runLoneJobBench } from './cpu-bench.js';
import { runGroupsBench } from './groups-bench.js';
import { runPlacementBench } from './placement-bench.js';

runCpuBench();
runLoneJobBench();
runGroupsBench();
await runPlacementBench();

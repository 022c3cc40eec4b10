// Bench entry (`pnpm bench`): the exact CPU simulator, group scheduling, the streaming summary, then placement.
import { runCpuBench, runLoneJobBench } from './cpu-bench.js';
import { runFluidUncontendedBench } from './fluid-uncontended-bench.js';
import { runGroupsBench } from './groups-bench.js';
import { runPlacementBench } from './placement-bench.js';
import { runSummaryBench } from './summary-bench.js';

runCpuBench();
runLoneJobBench();
runGroupsBench();
runFluidUncontendedBench();
runSummaryBench();
await runPlacementBench();

// Bench entry (`pnpm bench`): the kernel with 10,000 request servers.
import { runKernelBench } from './kernel-bench.js';

runKernelBench();

// Bench entry (`pnpm bench`): the kernel with 10,000 request servers, and block I/O.
import { runIoBench } from './io-bench.js';
import { runKernelBench } from './kernel-bench.js';

runKernelBench();
runIoBench();

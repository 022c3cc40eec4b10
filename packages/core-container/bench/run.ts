// Bench entry (`pnpm bench`): the kernel with 10,000 request servers, block I/O and network I/O.
import { runIoBench } from './io-bench.js';
import { runKernelBench } from './kernel-bench.js';
import { runNetBench } from './net-bench.js';

runKernelBench();
runIoBench();
runNetBench();

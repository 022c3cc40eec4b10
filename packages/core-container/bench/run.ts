// Bench entry (`pnpm bench`): the kernel with 10,000 request servers, block I/O, network I/O and the memory model's charge path.
import { runIoBench } from './io-bench.js';
import { runKernelBench } from './kernel-bench.js';
import { runMemoryBench } from './memory-bench.js';
import { runNetBench } from './net-bench.js';

runKernelBench();
runIoBench();
runNetBench();
runMemoryBench();

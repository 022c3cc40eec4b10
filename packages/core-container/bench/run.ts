// Bench entry (`pnpm bench`): the kernel with 10,000 request servers, one issue-14 VM's kernel and engine many times over, block I/O, network I/O, the memory model's charge path, and the container engine (10,000 containers started; 1,000 crash-looping).
import { runCreateStartBench, runCrashLoopBench } from './container-bench.js';
import { runIoBench } from './io-bench.js';
import { runKernelBench } from './kernel-bench.js';
import { runMemoryBench } from './memory-bench.js';
import { runNetBench } from './net-bench.js';
import { runVmKernelBench } from './vm-kernel-bench.js';

runKernelBench();
runVmKernelBench();
runIoBench();
runNetBench();
runMemoryBench();
runCreateStartBench();
runCrashLoopBench();

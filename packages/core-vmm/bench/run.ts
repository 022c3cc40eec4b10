// Bench entry (`pnpm bench`): each part's benchmark prints its figures and a met / NOT met verdict.
import { runHostBench } from './host-bench.js';
import { runHypervisorBench } from './hypervisor-bench.js';
import { runLifecycleBench } from './lifecycle-bench.js';
import { runMemoryDevicesBench } from './memory-devices-bench.js';
import { runNestedExperimentBench } from './nested-experiment-bench.js';

// lifecycle: 1,000 VM lifecycles (< 200 ms).
runLifecycleBench();
// host: 64 pCPUs, 256 VMs × 4 busy vCPUs (fluid 60 s < 1 s; exact with credit's 30 ms slices 10 s < 3 s).
runHostBench();
// memory and devices: a 100-VM host for 1 simulated hour; 1,000,000 rate-limited block requests (figures only).
runMemoryDevicesBench();
// hypervisor facade: VM lifecycles with guests, 100 running VMs for 1 simulated hour, the 64-pCPU host through the facade.
runHypervisorBench();
// nested host experiment (`strata vm host`): a large guest, and the budget stopping a costly one (figures only).
runNestedExperimentBench();

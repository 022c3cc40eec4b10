// Bench entry (`pnpm bench`): each part's benchmark prints its figures and a met / NOT met verdict.
import { runBatchBench } from './batch-bench.js';
import { runDatacenterBench } from './datacenter-bench.js';
import { runIssue14Bench } from './issue14-bench.js';
import { runRecorderBench } from './recorder-bench.js';

// batch (issue 13): 1,000/4,000/40,000 ≤ 0.5 s and ≤ 200 MB; 20,000/40,000/50,000 ≤ 2 s; 1,000/8,000/200,000 ≤ 5 s.
runBatchBench();

// datacenter (issue 14): build 20,000 hosts / 40,000 VMs < 1 s; a container scenario's events per second.
runDatacenterBench();

// metrics recorder: 89,000 series × 601 instants (define included) through openRow/commitRow < 1 s, beside sampleMany.
runRecorderBench();

// issue 14's benchmark: 1,000 hosts / 8,000 VMs / 40,000 request servers, 10 simulated minutes < 60 s and < 4 GB (child processes; STRATA_ISSUE14_SCALE=0.1 for a quick run).
runIssue14Bench([]);

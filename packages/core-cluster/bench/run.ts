// Bench entry (`pnpm bench`): each part's benchmark prints its figures and a met / NOT met verdict.
import { runBatchBench } from './batch-bench.js';

// batch (issue 13): 1,000/4,000/40,000 ≤ 0.5 s and ≤ 200 MB; 20,000/40,000/50,000 ≤ 2 s; 1,000/8,000/200,000 ≤ 5 s.
runBatchBench();

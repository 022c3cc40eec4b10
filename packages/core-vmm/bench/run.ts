// Bench entry (`pnpm bench`): each part's benchmark prints its figures and a met / NOT met verdict.
export {};

// lifecycle: 1,000 VM lifecycles (< 200 ms).
import { runLifecycleBench } from './lifecycle-bench.js';
runLifecycleBench();

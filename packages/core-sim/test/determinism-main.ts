// Entry point for the cross-process determinism test: prints the workload's result as JSON.
import { runWorkload } from './determinism-workload.js';

const seed = process.argv[2] ?? '42';
console.log(JSON.stringify(runWorkload(/^-?\d+$/.test(seed) ? Number(seed) : seed)));

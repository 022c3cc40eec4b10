// Bench entry (`pnpm bench`): NetworkPolicy decisions at scale, then flows on a leaf-spine fabric.
// The flow bench runs the full 100,000 flows (about a second); STRATA_FLOWS=N runs N flows
// instead, for a quick look, and says so in its output.
import { runFlowsBench } from './flows-bench.js';
import { runPolicyBench } from './policy-bench.js';

runPolicyBench();
const flows = process.env['STRATA_FLOWS'];
runFlowsBench(1, flows === undefined ? undefined : Number(flows));

// Loads a package's TypeScript benchmarks as the compiler would emit them, for `pnpm bench`:
//   node --conditions=strata-source --import ../../scripts/bench-register.mjs bench/run.ts
// A development loader that keeps function names (it wraps every function it creates in a helper
// that defines its `name`) slows closure-heavy code by up to ~40%, which the built packages that
// users import never pay; benchmarks measure the code as built. See bench-hooks.mjs.
import { register } from 'node:module';

register('./bench-hooks.mjs', import.meta.url);

// Exact against fluid over random flat cgroup trees with CPU quotas on one period grid, capped tasks
// and single-CPU cpusets: how many trees have a task whose CPU fractions differ by more than 1% of a
// CPU over the run, the worst gap, those gaps summed, and (unless --quiet) each such tree with both
// answers. The README's figures for the on/off quota phases come from here, e.g.
//   npx tsx --conditions=strata-source bench/quota-agreement.ts --seed 1 --runs 150
// Not part of `pnpm bench` (it has no target: it measures a stated gap).
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { compareQuotaTree, quotaTreeArb } from '../test/quota-trees.ts';

const USAGE = 'usage: quota-agreement.ts [--seed N (integer)] [--runs 1..2000] [--seconds 1..120] [--quiet]';

interface Options {
  seed: number;
  runs: number;
  seconds: number;
  quiet: boolean;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { seed: 1, runs: 150, seconds: 20, quiet: false };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    if (flag === '--quiet') {
      o.quiet = true;
      i--;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    const n = Number(value);
    if (flag === '--seed') {
      if (!Number.isSafeInteger(n)) throw new Error(`--seed must be an integer, got ${value}`);
      o.seed = n;
    } else if (flag === '--runs') {
      if (!(Number.isInteger(n) && n >= 1 && n <= 2000)) throw new Error(`--runs must be an integer in 1..2000, got ${value}`);
      o.runs = n;
    } else if (flag === '--seconds') {
      if (!(Number.isInteger(n) && n >= 1 && n <= 120)) throw new Error(`--seconds must be an integer in 1..120, got ${value}`);
      o.seconds = n;
    } else throw new Error(`unknown option ${flag}; ${USAGE}`);
  }
  return o;
}

let opts: Options;
try {
  opts = parse(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}

const t0 = performance.now();
const trees = fc.sample(quotaTreeArb, { numRuns: opts.runs, seed: opts.seed });
const gaps: number[] = [];
trees.forEach((tree, i) => {
  const { gap, exact, fluid } = compareQuotaTree(tree, opts.seconds);
  gaps.push(gap);
  if (gap >= 0.01 && !opts.quiet) {
    console.log(`#${i} gap ${(gap * 100).toFixed(2)}% ${JSON.stringify(tree)}`);
    console.log(`   exact ${exact.map((x) => x.toFixed(3)).join(' ')}`);
    console.log(`   fluid ${fluid.map((x) => x.toFixed(3)).join(' ')}`);
  }
  if ((i + 1) % 50 === 0) console.error(`… ${i + 1} of ${trees.length} trees`);
});
const beyond = gaps.filter((g) => g >= 0.01);
const sorted = [...gaps].sort((a, b) => a - b);
const pct = (p: number): string => ((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 100).toFixed(2);
console.log(
  `seed ${opts.seed}, ${trees.length} trees, ${opts.seconds} s each: ${beyond.length} beyond 1% of a CPU, median ${pct(0.5)}%, p90 ${pct(0.9)}%, worst ${pct(1)}%, gaps beyond 1% summed ${beyond.reduce((a, b) => a + b, 0).toFixed(2)} CPUs (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

// Exact against fluid over many random nested setups of one class: how many guest tasks differ by
// more than 1% of a CPU over 20 s, the worst gap, and each setup beyond 1% with both answers. The
// figures of README "Gaps, stated" come from here, e.g.
//   npx tsx --conditions=strata-source bench/nested-agreement.ts --seed 1234 --runs 200
// Not part of `pnpm bench` (it has no target: it measures a stated gap).
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { CLASSES, classArb, compare } from '../test/host/nested-setups.ts';

type ClassName = keyof typeof CLASSES;
const NAMES = Object.keys(CLASSES) as ClassName[];
const USAGE =
  'usage: nested-agreement.ts [--seed N (integer)] [--runs 1..2000] [--seconds 1..120] [--host-tick 100..100000 (µs; default: per policy)] [--guest-quotas on|off (off: the same setups without them)] [--class mixed|busy|busy-pins|busy-no-caps|busy-pins-no-caps|capped-one-vm|all] [--only N (setup #N of the class alone, printed whatever its gap; 0..runs-1, not with --class all)]';

interface Options {
  seed: number;
  runs: number;
  seconds: number;
  cls: string;
  /** The host's slice, µs (absent: the policy's). */
  hostTick?: number;
  /** false: every VM's guest quota dropped from the drawn setups (what the guest quotas account for). */
  guestQuotas: boolean;
  /** Run setup #only of the drawn ones alone (its index as the bench prints it). */
  only?: number;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { seed: 1234, runs: 200, seconds: 20, cls: 'mixed', guestQuotas: true };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    const n = Number(value);
    if (flag === '--class') {
      if (!(value in CLASSES) && value !== 'all') throw new Error(`--class ${value} is not a class; accepted: ${NAMES.join(', ')}, all`);
      o.cls = value;
    } else if (flag === '--seed') {
      if (!Number.isSafeInteger(n)) throw new Error(`--seed must be an integer, got ${value}`);
      o.seed = n;
    } else if (flag === '--runs') {
      if (!(Number.isInteger(n) && n >= 1 && n <= 2000)) throw new Error(`--runs must be an integer in 1..2000, got ${value}`);
      o.runs = n;
    } else if (flag === '--seconds') {
      if (!(Number.isInteger(n) && n >= 1 && n <= 120)) throw new Error(`--seconds must be an integer in 1..120, got ${value}`);
      o.seconds = n;
    } else if (flag === '--host-tick') {
      if (!(Number.isInteger(n) && n >= 100 && n <= 100_000)) throw new Error(`--host-tick must be an integer in 100..100000 (µs), got ${value}`);
      o.hostTick = n;
    } else if (flag === '--guest-quotas') {
      if (value !== 'on' && value !== 'off') throw new Error(`--guest-quotas must be on or off, got ${value}`);
      o.guestQuotas = value === 'on';
    } else if (flag === '--only') {
      if (!(Number.isInteger(n) && n >= 0 && n < 2000)) throw new Error(`--only must be an integer in 0..1999 (a setup's # as printed), got ${value}`);
      o.only = n;
    } else throw new Error(`unknown option ${flag}; ${USAGE}`);
  }
  if (o.only !== undefined && o.only >= o.runs) throw new Error(`--only ${o.only} is past the ${o.runs} setups drawn (--runs); accepted: 0..${o.runs - 1}`);
  if (o.only !== undefined && o.cls === 'all') throw new Error(`--only needs one --class, not all; accepted: ${NAMES.join(', ')}`);
  return o;
}

let opts: ReturnType<typeof parse>;
try {
  opts = parse(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
/** Measure one class: print each setup beyond 1% (unless `quiet`) and a summary line. */
function measure(cls: ClassName, quiet: boolean): void {
  const drawn = fc.sample(classArb(CLASSES[cls]), { numRuns: opts.runs, seed: opts.seed });
  const setups = opts.guestQuotas ? drawn : drawn.map((s) => ({ ...s, vms: s.vms.map((vm) => ({ ...vm, quota: 0 })) }));
  const t0 = performance.now();
  const gaps: number[] = [];
  const fmt = (usec: number[]): string => usec.map((x) => (x / (opts.seconds * 1e6)).toFixed(3)).join(' ');
  setups.forEach((setup, i) => {
    if (opts.only !== undefined && i !== opts.only) return;
    const { gap: g, exact, fluid } = compare(setup, opts.seconds, opts);
    gaps.push(g);
    if ((g >= 0.01 || opts.only !== undefined) && !quiet) {
      console.log(`#${i} gap ${(g * 100).toFixed(2)}% ${JSON.stringify(setup)}`);
      console.log(`   exact ${fmt(exact)}`);
      console.log(`   fluid ${fmt(fluid)}`);
    }
    if ((i + 1) % 50 === 0 && opts.only === undefined) console.error(`… ${cls}: ${i + 1} of ${setups.length} setups`);
  });
  const beyond = gaps.filter((g) => g >= 0.01).length;
  const beyondSum = gaps.reduce((sum, g) => (g >= 0.01 ? sum + g : sum), 0);
  const sorted = [...gaps].sort((a, b) => a - b);
  const pct = (p: number): string => ((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 100).toFixed(2);
  if (opts.only !== undefined) return;
  console.log(
    `class ${cls}, seed ${opts.seed}${opts.hostTick === undefined ? '' : `, host tick ${opts.hostTick} µs`}${opts.guestQuotas ? '' : ', guest quotas off'}, ${setups.length} setups, ${opts.seconds} s each: ${beyond} beyond 1% of a CPU, median ${pct(0.5)}%, p90 ${pct(0.9)}%, worst ${pct(1)}%, gaps beyond 1% summed ${beyondSum.toFixed(2)} CPUs (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

// `--class all`: every class, one summary line each (the README's table: run it for each seed).
if (opts.cls === 'all') for (const cls of NAMES) measure(cls, true);
else measure(opts.cls as ClassName, false);

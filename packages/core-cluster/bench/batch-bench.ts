// Issue 13's three targets, each measured as a whole process: a generated scenario and CSV in a temp
// folder, a child `node` that imports the built `@strata/core-cluster/batch`, loads the scenario, runs
// it and writes jobs.csv; wall time around the child, its CPU time by phase, peak RSS, events, and the
// ratio to CloudSim Plus's figures; then once with the package's main entry, and `strata run` if built.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { generateCloudletWorkload } from '../src/index.ts';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(PACKAGE, 'dist/index.js');
/** `@strata/core-cluster/batch`: the loader and the batch engine without the rest of the datacenter. */
const DIST_BATCH = join(PACKAGE, 'dist/batch-entry.js');
const CLI = fileURLToPath(new URL('../../../apps/cli/dist/bin.js', import.meta.url));

interface Target {
  readonly label: string;
  readonly hosts: number;
  readonly vms: number;
  readonly cloudlets: number;
  readonly maxWallS: number;
  readonly maxRssMB?: number;
  /** CloudSim Plus 8.5.7 on the same shape: wall seconds (a lower bound when it did not finish) and RSS. */
  readonly cloudsimPlusS: number;
  readonly cloudsimPlusNote: string;
  readonly cloudsimPlusRssMB?: number;
}

const TARGETS: readonly Target[] = [
  { label: '1,000 hosts / 4,000 VMs / 40,000 cloudlets, time-shared', hosts: 1000, vms: 4000, cloudlets: 40_000, maxWallS: 0.5, maxRssMB: 200, cloudsimPlusS: 50, cloudsimPlusNote: '~50 s', cloudsimPlusRssMB: 1024 },
  { label: '20,000 hosts / 40,000 VMs / 50,000 cloudlets, time-shared', hosts: 20_000, vms: 40_000, cloudlets: 50_000, maxWallS: 2, cloudsimPlusS: 78, cloudsimPlusNote: '1.3 min (its own statement)' },
  { label: '1,000 hosts / 8,000 VMs / 200,000 cloudlets, time-shared', hosts: 1000, vms: 8000, cloudlets: 200_000, maxWallS: 5, cloudsimPlusS: 300, cloudsimPlusNote: '> 5 min (did not finish)' },
];

const RUNS = 3;

// The child: what `strata run SCENARIO --json --results jobs.csv` does for a batch-only scenario.
const CHILD = `
import { readFileSync, writeFileSync } from 'node:fs';
const dir = process.argv[2];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu();
const { loadScenario, runBatchScenario } = await import(process.argv[3]);
const c1 = cpu();
const { scenario, files } = loadScenario(readFileSync(dir + '/scenario.yaml', 'utf8'), { path: 'scenario.yaml', readFile: (p) => readFileSync(dir + '/' + p, 'utf8') });
const c2 = cpu();
const run = runBatchScenario(scenario, files);
const c3 = cpu();
writeFileSync(dir + '/jobs.csv', run.csvBytes());
const c4 = cpu();
const ru = process.resourceUsage();
console.log(JSON.stringify({ jobs: run.summary, events: run.events, maxRssKB: ru.maxRSS, cpuS: (ru.userCPUTime + ru.systemCPUTime) / 1e6,
  phasesCpuMs: { nodeStart: c0, import: c1 - c0, loadScenario: c2 - c1, run: c3 - c2, writeResults: c4 - c3 } }));
`;

interface ChildResult {
  readonly jobs: { count: number; completed: number; makespan_s: number; meanFinish_s: number };
  readonly events: number;
  readonly maxRssKB: number;
  /** User + system CPU time of the child, s. */
  readonly cpuS: number;
  readonly phasesCpuMs?: Record<string, number>;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runChild(args: string[]): { wallS: number; result: ChildResult | null; error: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallS = (performance.now() - t) / 1000;
  if (r.status !== 0) return { wallS, result: null, error: (r.stderr || r.stdout || `exit ${String(r.status)}`).trim().split('\n').slice(0, 3).join(' | ') };
  try {
    const line = r.stdout.trim().split('\n').pop() ?? '';
    return { wallS, result: JSON.parse(line) as ChildResult, error: '' };
  } catch {
    return { wallS, result: null, error: `unreadable output: ${r.stdout.slice(0, 200)}` };
  }
}

/** `strata run` when the CLI's dist runs batch scenarios; its peak RSS comes from /usr/bin/time when present. */
function tryStrataRun(dir: string): { wallS: number; result: ChildResult | null; error: string } {
  if (!existsSync(CLI)) return { wallS: 0, result: null, error: `${CLI} is not built` };
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'run', join(dir, 'scenario.yaml'), '--json', '--results', join(dir, 'strata-jobs.csv')], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallS = (performance.now() - t) / 1000;
  if (r.status !== 0) return { wallS, result: null, error: (r.stderr || r.stdout).trim().split('\n').slice(0, 2).join(' | ') };
  try {
    const report = JSON.parse(r.stdout) as { jobs?: ChildResult['jobs']; events?: number };
    if (report.jobs === undefined) return { wallS, result: null, error: 'its JSON has no jobs' };
    return { wallS, result: { jobs: report.jobs, events: report.events ?? NaN, maxRssKB: NaN, cpuS: NaN }, error: '' };
  } catch {
    return { wallS, result: null, error: 'its output is not one JSON object' };
  }
}

/** Run the three targets; returns false when one is not met. */
export function runBatchBench(): boolean {
  console.log('\n== batch workloads (issue 13): whole process, node', process.version, `, ${RUNS} runs each, median ==`);
  if (!existsSync(DIST) || !existsSync(DIST_BATCH)) {
    console.log(`dist not built (${DIST_BATCH}): run pnpm --filter @strata/core-cluster build first. NOT met`);
    return false;
  }
  console.log(`dist built ${statSync(DIST).mtime.toISOString()}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  let allMet = true;
  for (const target of TARGETS) {
    const dir = mkdtempSync(join(tmpdir(), 'strata-batch-bench-'));
    try {
      const g = generateCloudletWorkload({ hosts: target.hosts, vms: target.vms, cloudlets: target.cloudlets, seed: 42 });
      writeFileSync(join(dir, 'scenario.yaml'), stringify(g.scenario));
      writeFileSync(join(dir, g.file), g.csv);
      writeFileSync(join(dir, 'child.mjs'), CHILD);
      const walls: number[] = [];
      const rss: number[] = [];
      const cpuTimes: number[] = [];
      let last: ChildResult | null = null;
      for (let i = 0; i < RUNS; i++) {
        const r = runChild([join(dir, 'child.mjs'), dir, pathToFileURL(DIST_BATCH).href]);
        if (r.result === null) {
          console.log(`${target.label}: the child failed: ${r.error}. NOT met`);
          allMet = false;
          break;
        }
        walls.push(r.wallS);
        rss.push(r.result.maxRssKB / 1024);
        cpuTimes.push(r.result.cpuS);
        last = r.result;
      }
      if (last === null) continue;
      const wall = median(walls);
      const rssMB = median(rss);
      const rows = readFileSync(join(dir, 'jobs.csv'), 'utf8').split('\n').length - 2;
      const done = last.jobs.completed === target.cloudlets && rows === target.cloudlets;
      const met = done && wall <= target.maxWallS && (target.maxRssMB === undefined || rssMB <= target.maxRssMB);
      allMet &&= met;
      const ratio = target.cloudsimPlusS / wall;
      const rssRatio = target.cloudsimPlusRssMB === undefined ? '' : `, ${(target.cloudsimPlusRssMB / rssMB).toFixed(1)}× less memory than its ~1 GB`;
      const phases = last.phasesCpuMs === undefined ? '' : Object.entries(last.phasesCpuMs).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
      console.log(
        `${target.label}: wall ${wall.toFixed(3)} s (runs ${walls.map((w) => w.toFixed(3)).join(' ')}; CPU ${median(cpuTimes).toFixed(3)} s), peak RSS ${rssMB.toFixed(0)} MB, events ${last.events}, ` +
          `makespan ${last.jobs.makespan_s} s, mean finish ${last.jobs.meanFinish_s.toFixed(4)} s, ${last.jobs.completed}/${last.jobs.count} done, jobs.csv ${rows} rows`,
      );
      console.log(`  CPU by phase (ms, last run): ${phases}`);
      console.log(
        `  target ≤ ${target.maxWallS} s${target.maxRssMB === undefined ? '' : ` and ≤ ${target.maxRssMB} MB`}: ${met ? 'met' : 'NOT met'}; ` +
          `load average now ${loadavg()[0]!.toFixed(1)}; CloudSim Plus ${target.cloudsimPlusNote}: ${ratio.toFixed(0)}× ${target.cloudsimPlusS === 300 ? 'at least ' : ''}faster${rssRatio} (100× needed: ${ratio >= 100 ? 'met' : 'NOT met'})`,
      );
      const full = runChild([join(dir, 'child.mjs'), dir, pathToFileURL(DIST).href]);
      if (full.result !== null) {
        console.log(`  with the package's main entry instead of @strata/core-cluster/batch (one run): wall ${full.wallS.toFixed(3)} s, CPU ${full.result.cpuS.toFixed(3)} s, import ${full.result.phasesCpuMs?.['import']?.toFixed(0) ?? '?'} ms CPU`);
      }
      const cli = tryStrataRun(dir);
      if (cli.result === null) console.log(`  strata run: not measured (${cli.error}); the figures above are runBatchScenario in a child process, what strata run does for a batch-only scenario`);
      else console.log(`  strata run (one run): wall ${cli.wallS.toFixed(3)} s, ${cli.result.jobs.completed}/${cli.result.jobs.count} done, makespan ${cli.result.jobs.makespan_s} s, target ${cli.wallS <= target.maxWallS ? 'met' : 'NOT met'}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return allMet;
}

// Design measurement behind the kernel's queue: the shipped queue against textual variants
// of it (a binary heap; removing the running event at once instead of deferring it), each
// copied into test-results/variants/ and run interleaved on the hold model through the
// public API. Run: npx tsx --conditions=strata-source bench/kernel-variants.ts
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { createSimulation as Create, SimHandle } from '@strata/core-sim';

const root = fileURLToPath(new URL('..', import.meta.url));
const variants: Record<string, [string, string][]> = {
  'shipped (4-ary, deferred removal)': [],
  'binary heap': [
    ['const p = (i - 1) >> 2;', 'const p = (i - 1) >> 1;'],
    ['const c = 4 * i + 1;', 'const c = 2 * i + 1;'],
    ['const end = c + 4 < n ? c + 4 : n;', 'const end = c + 2 < n ? c + 2 : n;'],
    ['for (let i = (n - 2) >> 2; i >= 0; i--)', 'for (let i = (n - 2) >> 1; i >= 0; i--)'],
  ],
  'immediate removal (pop + push)': [['    this.hole = true;\n    this.live--;', '    this.removeRoot();\n    this.live--;']],
};

const creators: [string, typeof Create][] = [];
for (const [name, patches] of Object.entries(variants)) {
  const dir = `${root}test-results/variants/${name.replace(/\W+/g, '-')}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(`${root}src`, dir, { recursive: true });
  let text = readFileSync(`${dir}/event-queue.ts`, 'utf8');
  for (const [from, to] of patches) {
    if (!text.includes(from)) throw new Error(`variant '${name}': patch target not found: ${from}`);
    text = text.split(from).join(to);
  }
  writeFileSync(`${dir}/event-queue.ts`, text);
  const mod = (await import(pathToFileURL(`${dir}/index.ts`).href)) as { createSimulation: typeof Create };
  creators.push([name, mod.createSimulation]);
}

const TABLE = 1 << 20;
const MASK = TABLE - 1;
const delays = new Float64Array(TABLE);
let x = 1;
for (let i = 0; i < TABLE; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  delays[i] = Math.round(-1_000_000 * Math.log(1 - x / 4294967296));
}

function rate(create: typeof Create, pending: number, events: number): number {
  const sim = create({ seed: 1 });
  let d = 0;
  const hold = (h: SimHandle): void => {
    h.after(delays[d++ & MASK]!, hold);
  };
  for (let i = 0; i < pending; i++) sim.after(delays[d++ & MASK]!, hold);
  sim.run({ maxEvents: 200_000 });
  const c0 = process.cpuUsage();
  sim.run({ maxEvents: events });
  const c = process.cpuUsage(c0);
  return events / ((c.user + c.system) / 1e6);
}

const REPEATS = 5;
console.log(`kernel variants, hold model, M events per CPU second (median of ${REPEATS}, interleaved)`);
console.log(`${'variant'.padEnd(34)} ${['1k', '100k', '1M'].map((s) => s.padStart(7)).join(' ')}`);
const results = new Map<string, number[][]>(creators.map(([n]) => [n, [[], [], []]]));
for (let r = 0; r < REPEATS; r++) {
  [1_000, 100_000, 1_000_000].forEach((pending, col) => {
    for (const [name, create] of creators) results.get(name)![col]!.push(rate(create, pending, 2_000_000));
  });
}
for (const [name, cols] of results) {
  const med = cols.map((xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
  console.log(`${name.padEnd(34)} ${med.map((m) => (m / 1e6).toFixed(2).padStart(7)).join(' ')}`);
}

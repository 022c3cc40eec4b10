// `strata vm migrate-estimate` and `strata vm host FILE` on hostile input, as a user runs them
// (`node dist/bin.js`, a subprocess): every malformed flag and file exits 2 with one `strata: ` line
// naming the flag or field and what it accepts, no stack trace, nothing on stdout; no input hangs
// or crashes the process; a spent budget exits 1 naming the flags that help. Needs `tsc -b` first.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata, type BinaryRun } from './strata-binary.js';

/** Far above the ~0.3 s a refused run takes: a hang or a runaway allocation fails its case instead of stalling the suite. */
const KILL_AFTER_MS = 30_000;

function strata(args: readonly string[]): BinaryRun {
  return runStrata(args, { timeout: KILL_AFTER_MS });
}

/** A failure as the CLI prints it: `code`, no signal, nothing on stdout, one `strata: ` line matching `message`, no stack trace. */
function expectOneLineFailure(r: BinaryRun, code: 1 | 2, message: RegExp): void {
  expect(r.signal).toBeNull();
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code });
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^strata: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|this is a bug|\bat .*\.js:\d+|Error:|JavaScript heap/);
}

const dir = mkdtempSync(join(tmpdir(), 'strata-vm-bad-'));

/** Write `text` to a fresh file in the temp dir; returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A nested host spec with one VM of `vcpus` (as written) and the host fields `host` (YAML lines). */
function hostSpec(name: string, { vcpus = '1', host = 'cpus: 2\nduration: 1s' }: { vcpus?: string; host?: string } = {}): string {
  return file(name, `${host}\nvms:\n  - { name: a, vcpus: ${vcpus}, guest: { tasks: [ { name: t } ] } }\n`);
}

/** A YAML "billion laughs": 11 levels of 10 aliases each. */
function yamlBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

const ESTIMATE = ['vm', 'migrate-estimate'];
const GOOD = { '--memory': '4Gi', '--dirty-rate': '50MiB/s', '--wss': '1Gi', '--bandwidth': '1Gbit' } as const;

/** `strata vm migrate-estimate` with the good flags, `change` replacing some of them, then `extra`. */
function estimateArgs(change: Partial<Record<keyof typeof GOOD, string>>, ...extra: string[]): string[] {
  const flags = { ...GOOD, ...change };
  return [...ESTIMATE, ...Object.entries(flags).flatMap(([k, v]) => [k, v]), ...extra];
}

interface Case {
  readonly name: string;
  readonly args: () => readonly string[];
  readonly code: 1 | 2;
  /** What stderr must say: the flag or field, and what is accepted. */
  readonly message: RegExp;
}

const ESTIMATE_CASES: readonly Case[] = [
  { name: '--memory without a unit smaller than --wss', args: () => estimateArgs({ '--memory': '4' }), code: 2, message: /--wss: .*must not exceed --memory \(4\)/ },
  { name: '--memory with an unknown unit', args: () => estimateArgs({ '--memory': '4Xi' }), code: 2, message: /^strata: --memory: .*unknown suffix "Xi"; accepted: .*Gi/ },
  { name: '--memory negative', args: () => estimateArgs({ '--memory': '-4Gi' }), code: 2, message: /^strata: --memory: .*negative.*accepted:/ },
  { name: '--memory zero', args: () => estimateArgs({ '--memory': '0', '--wss': '0' }), code: 2, message: /^strata: --memory: expected a memory size > 0, at least 1 byte \(4Gi.*got "0"$/m },
  { name: '--memory NaN', args: () => estimateArgs({ '--memory': 'NaN' }), code: 2, message: /^strata: --memory: .*"NaN".*accepted:/ },
  { name: '--memory 1e400', args: () => estimateArgs({ '--memory': '1e400' }), code: 2, message: /^strata: --memory: .*exceeds the largest exact integer.*accepted:/ },
  { name: '--memory 999999Ti', args: () => estimateArgs({ '--memory': '999999Ti' }), code: 2, message: /^strata: --memory: .*exceeds the largest exact integer/ },
  { name: '--memory 4GiB', args: () => estimateArgs({ '--memory': '4GiB' }), code: 2, message: /^strata: --memory: .*writes "Gi"/ },
  { name: '--memory empty', args: () => estimateArgs({ '--memory': '' }), code: 2, message: /^strata: --memory: .*empty/ },
  { name: '--wss over --memory', args: () => estimateArgs({ '--wss': '5Gi' }), code: 2, message: /^strata: --wss: the writable working set \(5Gi\) must not exceed --memory \(4Gi\)/ },
  { name: '--dirty-rate without a unit', args: () => estimateArgs({ '--dirty-rate': '50' }), code: 2, message: /^strata: --dirty-rate: .*bare number.*"50MB\/s"/ },
  { name: '--dirty-rate without /s', args: () => estimateArgs({ '--dirty-rate': '50MiB' }), code: 2, message: /^strata: --dirty-rate: .*needs "\/s"/ },
  { name: '--dirty-rate negative', args: () => estimateArgs({ '--dirty-rate': '-50MiB/s' }), code: 2, message: /^strata: --dirty-rate: .*negative/ },
  { name: '--dirty-rate NaN', args: () => estimateArgs({ '--dirty-rate': 'NaN' }), code: 2, message: /^strata: --dirty-rate: .*accepted:/ },
  { name: '--dirty-rate huge', args: () => estimateArgs({ '--dirty-rate': '999999999TiB/s' }), code: 2, message: /^strata: --dirty-rate: .*exceeds the largest exact integer/ },
  { name: '--bandwidth zero', args: () => estimateArgs({ '--bandwidth': '0Gbit' }), code: 2, message: /^strata: --bandwidth: expected a bandwidth > 0, at least 1 byte per second .*got "0Gbit"$/m },
  { name: '--bandwidth bare zero', args: () => estimateArgs({ '--bandwidth': '0' }), code: 2, message: /^strata: --bandwidth: expected a bandwidth > 0, at least 1 byte per second/ },
  { name: '--bandwidth below a byte per second', args: () => estimateArgs({ '--bandwidth': '1bit' }), code: 2, message: /^strata: --bandwidth: .*not a whole number of bytes/ },
  { name: '--bandwidth negative', args: () => estimateArgs({ '--bandwidth': '-1Gbit' }), code: 2, message: /^strata: --bandwidth: .*negative/ },
  { name: '--bandwidth Infinity', args: () => estimateArgs({ '--bandwidth': 'InfinityGbit' }), code: 2, message: /^strata: --bandwidth: .*accepted:/ },
  { name: '--bandwidth huge', args: () => estimateArgs({ '--bandwidth': '999999TiB/s' }), code: 2, message: /^strata: --bandwidth: .*exceeds the largest exact integer/ },
  { name: '--downtime-limit without a unit', args: () => estimateArgs({}, '--downtime-limit', '300'), code: 2, message: /^strata: --downtime-limit: .*"300ms"/ },
  { name: '--downtime-limit unknown unit', args: () => estimateArgs({}, '--downtime-limit', '300xs'), code: 2, message: /^strata: --downtime-limit: .*unknown unit.*accepted:/ },
  { name: '--downtime-limit negative', args: () => estimateArgs({}, '--downtime-limit', '-1s'), code: 2, message: /^strata: --downtime-limit: .*negative/ },
  { name: '--downtime-limit 1e400s', args: () => estimateArgs({}, '--downtime-limit', '1e400s'), code: 2, message: /^strata: --downtime-limit: .*accepted:/ },
  { name: '--downtime-limit finer than 1us', args: () => estimateArgs({}, '--downtime-limit', '1ns'), code: 2, message: /^strata: --downtime-limit: .*finer than one microsecond/ },
  {
    name: '--downtime-limit past the model (1e9 s)',
    args: () => estimateArgs({}, '--downtime-limit', '2000000000s'),
    code: 2,
    message: /^strata: --downtime-limit: must be a finite number ≥ 0, at most 1000000000 \(seconds\), got 2000000000$/m,
  },
  ...['-1', '1.5', '1e9', 'abc', '', '100001', '0x5', '99999999999999999999999'].map(
    (v): Case => ({ name: `--max-rounds ${JSON.stringify(v)}`, args: () => estimateArgs({}, '--max-rounds', v), code: 2, message: /^strata: --max-rounds: expected an integer from 0 to 100000, got / }),
  ),
  { name: '--memory twice', args: () => estimateArgs({}, '--memory', '8Gi'), code: 2, message: /--memory was given twice \("4Gi", then "8Gi"\): give it once/ },
  { name: '--max-rounds twice', args: () => estimateArgs({}, '--max-rounds', '3', '--max-rounds=5'), code: 2, message: /--max-rounds was given twice \("3", then "5"\)/ },
  { name: 'an unknown flag', args: () => estimateArgs({}, '--bogus'), code: 2, message: /unknown option '--bogus' \(see 'strata vm migrate-estimate --help'\)/ },
  { name: 'a value for a switch', args: () => estimateArgs({}, '--auto-converge=yes'), code: 2, message: /unknown option '--auto-converge=yes'/ },
  { name: 'a required flag missing', args: () => [...ESTIMATE, '--memory', '4Gi'], code: 2, message: /required option '--dirty-rate <rate>' not specified/ },
  { name: 'a flag without its value', args: () => estimateArgs({}, '--downtime-limit'), code: 2, message: /option '--downtime-limit <duration>' argument missing/ },
  { name: 'a stray argument', args: () => estimateArgs({}, 'extra'), code: 2, message: /too many arguments for 'migrate-estimate'/ },
  {
    name: 'a migration past the 100,000-round budget',
    args: () => [...ESTIMATE, '--memory', '8000Ti', '--dirty-rate', '999999999B/s', '--wss', '8000Ti', '--bandwidth', '1000000000B/s'],
    code: 1,
    message: /not converged after 100,000 pre-copy rounds.*--max-rounds N.*--auto-converge/,
  },
];

const EXAMPLE = 'examples/nested-steal.yaml';

const HOST_CASES: readonly Case[] = [
  { name: 'a missing file', args: () => ['vm', 'host', join(dir, 'nope.yaml')], code: 2, message: /nope\.yaml: cannot read the file \(no such file\)/ },
  { name: 'a directory', args: () => ['vm', 'host', dir], code: 2, message: /cannot read the file \(it is a directory\)/ },
  { name: 'an empty file name', args: () => ['vm', 'host', ''], code: 2, message: /^strata: FILE: expected the path of a nested host spec .*got ""$/m },
  { name: 'an empty file', args: () => ['vm', 'host', file('empty.yaml', '')], code: 2, message: /empty\.yaml: the file is empty .*expected a nested host spec: a mapping with cpus, duration and vms/ },
  { name: 'a file of comments', args: () => ['vm', 'host', file('comments.yaml', '# nothing\n')], code: 2, message: /comments\.yaml: the file is empty \(or only comments\)/ },
  { name: 'invalid YAML', args: () => ['vm', 'host', file('invalid.yaml', 'cpus: [\n')], code: 2, message: /invalid\.yaml: not valid YAML: .*\(line \d+, column \d+\)/ },
  { name: 'invalid JSON', args: () => ['vm', 'host', file('bad.json', '{"cpus": 2,\n')], code: 2, message: /bad\.json: not valid JSON: .*\(line 2, column 1\)/ },
  { name: 'YAML in a .json file', args: () => ['vm', 'host', file('yaml.json', 'cpus: 2\n')], code: 2, message: /yaml\.json: not valid JSON/ },
  { name: 'a YAML bomb', args: () => ['vm', 'host', file('bomb.yaml', yamlBomb())], code: 2, message: /bomb\.yaml: not valid YAML: Excessive alias count/ },
  { name: 'deeply nested YAML', args: () => ['vm', 'host', file('deep.yaml', `cpus: 2\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)], code: 2, message: /deep\.yaml: not valid YAML: nested too deeply for the parser/ },
  {
    name: 'deeply nested JSON',
    args: () => ['vm', 'host', file('deep.json', `{"cpus": 2, "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)],
    code: 2,
    message: /deep\.json: invalid nested host spec: .*x: unknown field; accepted fields: cpus/,
  },
  { name: 'a scalar document', args: () => ['vm', 'host', file('scalar.yaml', 'just text\n')], code: 2, message: /scalar\.yaml: invalid nested host spec: expected object/ },
  { name: 'an unknown field', args: () => ['vm', 'host', hostSpec('unknown.yaml', { host: 'cpus: 2\nduration: 1s\nfoo: 1' })], code: 2, message: /foo: unknown field; accepted fields: cpus, speed, policy, fidelity, tick, duration, vms/ },
  { name: 'an unknown policy', args: () => ['vm', 'host', hostSpec('policy.yaml', { host: 'cpus: 2\nduration: 1s\npolicy: xen' })], code: 2, message: /policy: expected "credit" or "cfs" or "rr" or "priority", got "xen"/ },
  { name: 'cpus 1e9', args: () => ['vm', 'host', hostSpec('cpus.yaml', { host: 'cpus: 1e9\nduration: 1s' })], code: 2, message: /invalid nested host spec: cpus: expected at most 1024, got 1000000000/ },
  { name: 'cpus 0', args: () => ['vm', 'host', hostSpec('cpus0.yaml', { host: 'cpus: 0\nduration: 1s' })], code: 2, message: /cpus: expected at least 1, got 0/ },
  { name: 'duration 1e300', args: () => ['vm', 'host', hostSpec('dur.yaml', { host: 'cpus: 2\nduration: 1e300' })], code: 2, message: /invalid nested host spec: duration: / },
  { name: 'duration 99999999h', args: () => ['vm', 'host', hostSpec('durh.yaml', { host: 'cpus: 2\nduration: 99999999h' })], code: 2, message: /duration: .*exceeds the largest exact integer/ },
  { name: 'speed 0', args: () => ['vm', 'host', hostSpec('speed.yaml', { host: 'cpus: 2\nduration: 1s\nspeed: 0' })], code: 2, message: /speed: expected more than 0, got 0/ },
  ...['257', '100000000', '1e9', '4294967296', '1e300'].map(
    (vcpus): Case => ({
      name: `vcpus ${vcpus} (refused by its range, quickly)`,
      args: () => ['vm', 'host', hostSpec(`vcpus-${vcpus}.yaml`, { vcpus })],
      code: 2,
      message: /invalid nested host spec: vms\[0\]\.vcpus: expected .*256/,
    }),
  ),
  { name: 'vcpus 0', args: () => ['vm', 'host', hostSpec('vcpus0.yaml', { vcpus: '0' })], code: 2, message: /vms\[0\]\.vcpus: expected at least 1, got 0/ },
  ...['0', '-1', 'abc', '1.5', '1e9', '1e13', '1000000000001', ''].map(
    (v): Case => ({ name: `--max-steps ${JSON.stringify(v)}`, args: () => ['vm', 'host', EXAMPLE, '--max-steps', v], code: 2, message: /^strata: --max-steps: expected an integer from 1 to 1000000000000 \(1e12\), got / }),
  ),
  ...['bogus', 'EXACT', ''].map(
    (v): Case => ({ name: `--fidelity ${JSON.stringify(v)}`, args: () => ['vm', 'host', EXAMPLE, '--fidelity', v], code: 2, message: /^strata: --fidelity: expected one of exact, fluid, both, got / }),
  ),
  { name: '--fidelity twice', args: () => ['vm', 'host', EXAMPLE, '--fidelity', 'exact', '--fidelity', 'fluid'], code: 2, message: /--fidelity was given twice \("exact", then "fluid"\): give it once/ },
  { name: '--max-steps twice', args: () => ['vm', 'host', EXAMPLE, '--max-steps', '10', '--max-steps', '1000000'], code: 2, message: /--max-steps was given twice/ },
  { name: 'an unknown flag', args: () => ['vm', 'host', EXAMPLE, '--bogus'], code: 2, message: /unknown option '--bogus' \(see 'strata vm host --help'\)/ },
  { name: 'no file', args: () => ['vm', 'host'], code: 2, message: /missing required argument 'file'/ },
  { name: 'two files', args: () => ['vm', 'host', EXAMPLE, EXAMPLE], code: 2, message: /too many arguments for 'host'/ },
  { name: 'an unknown subcommand', args: () => ['vm', 'bogus'], code: 2, message: /unknown command 'bogus' \(see 'strata vm --help'\)/ },
  { name: 'a spent budget', args: () => ['vm', 'host', EXAMPLE, '--max-steps', '1'], code: 1, message: /used up its budget of 1 steps .*raise the budget with --max-steps/ },
  {
    name: 'a spent budget with both fidelities',
    args: () => ['vm', 'host', EXAMPLE, '--max-steps', '1', '--fidelity', 'both'],
    code: 1,
    message: /the exact run used up its budget .*--max-steps.*use --fidelity fluid/,
  },
];

describe('strata vm migrate-estimate: bad input (binary)', () => {
  it.each(ESTIMATE_CASES)('$name → exit $code', ({ args, code, message }) => {
    expectOneLineFailure(strata(args()), code, message);
  });

  it('the good flags still run (exit 0, the table on stdout, nothing on stderr)', () => {
    for (const extra of [[], ['--max-rounds', '0'], ['--max-rounds', ' 5 '], ['--downtime-limit', '0'], ['--downtime-limit', '1000000000s']]) {
      const r = strata(estimateArgs({}, ...extra));
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^pre-copy live migration estimate: /);
    }
  });
});

describe('strata vm host: bad input (binary)', () => {
  it.each(HOST_CASES)('$name → exit $code', ({ args, code, message }) => {
    expectOneLineFailure(strata(args()), code, message);
  });

  it('a JSON document in a .yaml file runs (YAML reads JSON)', () => {
    const path = file('json.yaml', JSON.stringify({ cpus: 2, duration: '1s', vms: [{ name: 'a', vcpus: 1, guest: { tasks: [{ name: 't' }] } }] }));
    const r = strata(['vm', 'host', path]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/: 2 pCPUs, credit policy, fluid fidelity, 1 s simulated/);
  });
});

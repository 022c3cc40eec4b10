// `strata vm migrate-estimate` as a user runs it: `node dist/bin.js` with the flags of the reference's
// worked examples (vmm-semantics.md §6.3), in JSON and text, and with bad flags. Needs `tsc -b` first
// (turbo builds before the tests).

import { describe, expect, it } from 'vitest';
import { strataOutput, type BinaryOutput } from './strata-binary.js';

const MiB = 1024 * 1024;

function strata(...args: string[]): BinaryOutput {
  return strataOutput(args, { timeout: 30_000 });
}

interface EstimateJson {
  converged: boolean;
  rounds: { round: number; bytes: number; seconds: number }[];
  totalSeconds: number;
  downtimeSeconds: number;
  bytesSent: number;
}

function estimate(...flags: string[]): EstimateJson {
  const run = strata('vm', 'migrate-estimate', '--memory', '4Gi', '--wss', '1Gi', ...flags, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as EstimateJson;
}

const mib = (bytes: number): number => Math.round((bytes / MiB) * 100) / 100;
const at = (seconds: number, digits: number): number => Math.round(seconds * 10 ** digits) / 10 ** digits;

describe('strata vm migrate-estimate (binary)', () => {
  it('Ex. 1 (1Gbit, 50MiB/s): rounds 4096/1024/429.50/180.14/75.56 MiB, downtime 0.266 s, total 48.963 s, converged; the JSON has exactly the specified keys', () => {
    const json = estimate('--dirty-rate', '50MiB/s', '--bandwidth', '1Gbit', '--downtime-limit', '300ms');
    expect(Object.keys(json)).toEqual(['converged', 'rounds', 'totalSeconds', 'downtimeSeconds', 'bytesSent']);
    for (const round of json.rounds) expect(Object.keys(round)).toEqual(['round', 'bytes', 'seconds']);
    expect(json.rounds.map((r) => r.round)).toEqual([0, 1, 2, 3, 4]);
    expect(json.rounds.map((r) => mib(r.bytes))).toEqual([4096, 1024, 429.5, 180.14, 75.56]);
    expect(json.rounds.map((r) => at(r.seconds, 3))).toEqual([34.36, 8.59, 3.603, 1.511, 0.634]);
    expect(at(json.downtimeSeconds, 3)).toBe(0.266);
    expect(at(json.totalSeconds, 3)).toBe(48.963);
    expect(Math.round((json.bytesSent / MiB) * 10) / 10).toBe(5836.9);
    expect(json.converged).toBe(true);
  });

  it('Ex. 2 (10Gbit, 200MiB/s, default limit 300ms): 2 rounds, downtime 0.097 s, total 4.109 s', () => {
    const json = estimate('--dirty-rate', '200MiB/s', '--bandwidth', '10Gbit');
    expect(json.rounds.map((r) => mib(r.bytes))).toEqual([4096, 687.19]);
    expect(at(json.downtimeSeconds, 3)).toBe(0.097);
    expect(at(json.totalSeconds, 3)).toBe(4.109);
    expect(json.converged).toBe(true);
  });

  it('Ex. 3 (1Gbit, 200MiB/s) with --max-rounds 5: 68.72 s of pre-copy, then 8.59 s downtime, not converged', () => {
    const json = estimate('--dirty-rate', '200MiB/s', '--bandwidth', '1Gbit', '--max-rounds', '5');
    expect(json.rounds.map((r) => mib(r.bytes))).toEqual([4096, 1024, 1024, 1024, 1024]);
    expect(at(json.totalSeconds - json.downtimeSeconds, 2)).toBe(68.72);
    expect(at(json.downtimeSeconds, 2)).toBe(8.59);
    expect(json.converged).toBe(false);
  });

  it('Ex. 3 without --max-rounds: converged false after the first round that repeats, with a forced stop-and-copy’s downtime (8.59 s)', () => {
    const json = estimate('--dirty-rate', '200MiB/s', '--bandwidth', '1Gbit');
    expect(json.converged).toBe(false);
    expect(json.rounds.map((r) => mib(r.bytes))).toEqual([4096, 1024, 1024]);
    expect(at(json.downtimeSeconds, 2)).toBe(8.59);
  });

  it('--auto-converge converges Ex. 3', () => {
    const json = estimate('--dirty-rate', '200MiB/s', '--bandwidth', '1Gbit', '--auto-converge');
    expect(json.converged).toBe(true);
    expect(json.downtimeSeconds).toBeLessThanOrEqual(0.3);
  });

  it('text: the rounds table, the stop-and-copy row, the verdict and the totals', () => {
    const run = strata('vm', 'migrate-estimate', '--memory', '4Gi', '--dirty-rate', '50MiB/s', '--wss', '1Gi', '--bandwidth', '1Gbit');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('pre-copy live migration estimate: memory 4Gi, dirty rate 50MiB/s, WSS 1Gi, bandwidth 1Gbit (119.209 MiB/s), downtime limit 300ms');
    expect(lines.slice(2, 10)).toEqual([
      'round      MiB  seconds',
      '-----  -------  -------',
      '    0  4096.00   34.360',
      '    1  1024.00    8.590',
      '    2   429.50    3.603',
      '    3   180.14    1.511',
      '    4    75.56    0.634',
      ' stop    31.69    0.266',
    ]);
    expect(lines.at(-2)).toBe('converges: 31.69 MiB left after round 4 fits the limit (35.76 MiB at the bandwidth)');
    expect(lines.at(-1)).toBe('pre-copy 48.698 s, downtime 0.266 s, total 48.963 s, sent 5836.89 MiB');
  });

  it('text says when it does not converge', () => {
    const run = strata('vm', 'migrate-estimate', '--memory', '4Gi', '--dirty-rate', '200MiB/s', '--wss', '1Gi', '--bandwidth', '1Gbit', '--max-rounds', '5');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('does not converge: stopped after 5 rounds (--max-rounds) with 1024.00 MiB left, over the limit of 35.76 MiB');
    expect(run.stdout).toContain('downtime 8.590 s');
  });

  it('text: memory that fits the limit is copied at once, with no pre-copy round', () => {
    const run = strata('vm', 'migrate-estimate', '--memory', '16Mi', '--dirty-rate', '0B/s', '--wss', '0', '--bandwidth', '1Gbit');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('converges at once: all 16.00 MiB fit the limit (35.76 MiB at the bandwidth), a stop-and-copy with no pre-copy round');
    expect(run.stdout).toContain('pre-copy 0.000 s, downtime 0.134 s, total 0.134 s, sent 16.00 MiB');
  });

  it.each([
    [['--memory', '4GB'], /^strata: --memory: invalid Kubernetes memory quantity "4GB".*accepted: .*2Gi/],
    [['--wss', '1GiB'], /^strata: --wss: invalid Kubernetes memory quantity "1GiB".*accepted:/],
    [['--dirty-rate', '200MiB'], /^strata: --dirty-rate: invalid bandwidth "200MiB".*"200MiB\/s".*accepted: .*10MB\/s/],
    [['--bandwidth', '10G'], /^strata: --bandwidth: invalid bandwidth "10G": unknown unit "G"; accepted: 100Mbit, 1Gbps/],
    [['--downtime-limit', '300'], /^strata: --downtime-limit: invalid duration "300".*accepted: 100us, 250ms/],
    [['--max-rounds', '-1'], /^strata: --max-rounds: expected an integer from 0 to 100000, got "-1"/],
    [['--max-rounds', 'five'], /^strata: --max-rounds: expected an integer from 0 to 100000/],
    [['--wss', '8Gi'], /^strata: --wss: the writable working set \(8Gi\) must not exceed --memory \(4Gi\)/],
    [['--bandwidth', '0bit'], /^strata: --bandwidth: .*> 0/],
  ])('bad flag %j exits 2 naming the flag and the accepted forms', (patch, message) => {
    const flags: Record<string, string> = { '--memory': '4Gi', '--dirty-rate': '200MiB/s', '--wss': '1Gi', '--bandwidth': '10Gbit' };
    flags[patch[0]!] = patch[1]!;
    const run = strata('vm', 'migrate-estimate', ...Object.entries(flags).flat());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a missing required flag is a usage error (exit 2) naming it', () => {
    const run = strata('vm', 'migrate-estimate', '--memory', '4Gi', '--wss', '1Gi', '--bandwidth', '1Gbit');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--dirty-rate <rate>/);
  });
});

// `strata netpol` as a user runs it: `node dist/bin.js` on the fixture manifests (the Kubernetes
// e2e layout: namespaces x, y, z; pods a, b, c on 80 and 81; deny-all ingress in y and an
// allow-from-namespace-x policy for y/a). Needs `tsc -b` first (turbo builds before the tests).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { strataOutput, type BinaryOutput } from './strata-binary.js';

const CLI = fileURLToPath(new URL('../', import.meta.url));
const CLUSTER = 'test/fixtures/netpol/cluster.yaml';
const POLICIES = 'test/fixtures/netpol/policies.yaml';

function strata(...args: string[]): BinaryOutput {
  return strataOutput(args, { cwd: CLI });
}

// Written out by hand from the policies: y/b and y/c admit nobody else, y/a admits namespace x.
const MATRIX = `-	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
x/a	.	.	.	.	X	X	.	.	.
x/b	.	.	.	.	X	X	.	.	.
x/c	.	.	.	.	X	X	.	.	.
y/a	.	.	.	.	X	X	.	.	.
y/b	.	.	.	X	.	X	.	.	.
y/c	.	.	.	X	X	.	.	.	.
z/a	.	.	.	X	X	X	.	.	.
z/b	.	.	.	X	X	X	.	.	.
z/c	.	.	.	X	X	X	.	.	.
`;

const WARNING = `strata: warning: ${POLICIES}[2]: skipped kind Service\n`;

describe('strata netpol (binary)', () => {
  it('prints the e2e reachability matrices and the count, warning about the skipped Service', () => {
    const run = strata('netpol', CLUSTER, POLICIES);
    expect(run).toEqual({
      code: 0,
      stdout: `80/TCP\n${MATRIX}60 of 81 allowed on 80/TCP\n\n81/TCP\n${MATRIX}60 of 81 allowed on 81/TCP\n\n120 of 162 connections allowed\n`,
      stderr: WARNING,
    });
  });

  it('prints exactly the JSON object, one result per line', () => {
    const run = strata('netpol', '--json', '--port', '80/tcp', CLUSTER, POLICIES);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(WARNING);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '{',
      '  "pods": ["x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"],',
      '  "results": [',
      '    {"from": "x/a", "to": "x/a", "port": 80, "protocol": "TCP", "allowed": true, "reason": "a pod can always reach itself: x/a on 80/TCP"},',
    ]);
    expect(lines.slice(-4)).toEqual([
      '    {"from": "z/c", "to": "z/c", "port": 80, "protocol": "TCP", "allowed": true, "reason": "a pod can always reach itself: z/c on 80/TCP"}',
      '  ]',
      '}',
      '',
    ]);
    const json = JSON.parse(run.stdout) as { pods: string[]; results: { from: string; to: string; allowed: boolean; reason: string }[] };
    expect(json.results).toHaveLength(81);
    const marks = json.pods.map((from) => `${from}\t${json.pods.map((to) => (json.results.find((r) => r.from === from && r.to === to)!.allowed ? '.' : 'X')).join('\t')}`);
    expect(`-\t${json.pods.join('\t')}\n${marks.join('\n')}\n`).toBe(MATRIX);
    expect(json.results.find((r) => r.from === 'x/a' && r.to === 'y/b')).toEqual({
      from: 'x/a',
      to: 'y/b',
      port: 80,
      protocol: 'TCP',
      allowed: false,
      reason:
        'pod x/a is not isolated for egress: no policy selecting it has Egress in policyTypes; pod y/b is isolated for ingress by y/deny-all; no ingress rule of any policy selecting it admits x/a on 80/TCP',
    });
  });

  it('--explain prints the reason chain only', () => {
    expect(strata('netpol', '--explain', 'x/b', 'y/a', '81/TCP', CLUSTER, POLICIES)).toEqual({
      code: 0,
      stdout:
        'x/b -> y/a on 81/TCP: allowed\n' +
        '  pod x/b is not isolated for egress: no policy selecting it has Egress in policyTypes\n' +
        '  ingress of y/a from x/b on 81/TCP is allowed by y/allow-from-x rule ingress[0]\n',
      stderr: WARNING,
    });
  });

  it('exits 2 with one line naming the file, document and field of a bad manifest', () => {
    expect(strata('netpol', CLUSTER, 'test/fixtures/netpol/bad-cidr.yaml')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'strata: test/fixtures/netpol/bad-cidr.yaml[0].spec.ingress[0].from[1].ipBlock.cidr: "10.0.0/8" is not a CIDR; expected an IPv4 or IPv6 CIDR such as "10.0.0.0/8" or "fd00::/64"\n',
    });
  });

  it('exits 2 naming an unknown pod, a bad --port, a missing file', () => {
    const unknown = strata('netpol', '--explain', 'x/a', 'w/a', '80/tcp', CLUSTER);
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'strata: --explain: TO pod "w/a" is not in the manifests; name a pod as namespace/name (9 pods, e.g. "x/a")\n' });
    const port = strata('netpol', '--port', '80/icmp', CLUSTER);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/^strata: --port: expected PORT\/PROTOCOL [^\n]*got "80\/icmp"\n$/);
    expect(strata('netpol', 'missing.yaml')).toEqual({ code: 2, stdout: '', stderr: 'strata: missing.yaml: cannot read the file (no such file)\n' });
  });

  it('lists netpol in the help', () => {
    const help = strata('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/netpol/);
    const own = strata('netpol', '--help');
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/--explain/);
  });

  it('finishes the largest check allowed (5,000 pods on one port: 25 M decisions) and refuses one more pod', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-netpol-'));
    const pods = (n: number): string =>
      Array.from({ length: n }, (_, i) => `kind: Pod\nmetadata: { name: p${i}, labels: { app: a${i % 10} } }\nspec: { containers: [{ name: c, ports: [{ containerPort: 80 }] }] }\n`).join('---\n');
    // Each pod admits ingress only from the next app label: a tenth of the pairs (plus each pod to itself).
    const policies = Array.from({ length: 10 }, (_, j) => `kind: NetworkPolicy\nmetadata: { name: from-a${(j + 1) % 10}-to-a${j} }\nspec:\n  podSelector: { matchLabels: { app: a${j} } }\n  ingress: [{ from: [{ podSelector: { matchLabels: { app: a${(j + 1) % 10} } } }] }]\n`).join('---\n');
    writeFileSync(join(dir, 'max.yaml'), `${pods(5000)}---\n${policies}`);
    const run = strata('netpol', join(dir, 'max.yaml'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toHaveLength(1 + 1 + 5000 + 1 + 1 + 1 + 1);
    expect(run.stdout.endsWith(`\n${2_500_000 + 5000} of 25000000 connections allowed\n`)).toBe(true);
    writeFileSync(join(dir, 'over.yaml'), pods(5001));
    expect(strata('netpol', join(dir, 'over.yaml'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `strata: ${join(dir, 'over.yaml')}[5000]: more than 5000 pods (the pair count must stay at most 25,000,000); check fewer pods at once\n`,
    });
  });
});

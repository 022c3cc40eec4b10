// `strata netpol` in-process: every option and every error, on the e2e fixture (namespaces x, y, z;
// pods a, b, c on 80 and 81; deny-all ingress in y plus allow-from-x to y/a) and small inline files.

import { readFileSync } from 'node:fs';
import { createPolicyEngine } from '@strata/core-network';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { loadManifests } from '../src/netpol-manifests.js';
import { planMatrices, writeNetpolJson } from '../src/netpol-report.js';
import type { NetpolResult } from '../src/netpol-report.js';
import { memoryIo } from './memory-io.js';
import type { MemoryIo } from './memory-io.js';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/netpol/${name}`, import.meta.url), 'utf8');
const FILES = { 'cluster.yaml': fixture('cluster.yaml'), 'policies.yaml': fixture('policies.yaml'), 'bad-cidr.yaml': fixture('bad-cidr.yaml') };
const PODS = ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c'];

/** The expected rule, written independently of the engine: y isolated for ingress; y/a admits namespace x. */
function expectedAllowed(from: string, to: string): boolean {
  if (from === to || !to.startsWith('y/')) return true;
  return to === 'y/a' && from.startsWith('x/');
}

/** The matrix block for one port, built from expectedAllowed. */
function expectedMatrix(port: string): string {
  const rows = PODS.map((from) => `${from}\t${PODS.map((to) => (expectedAllowed(from, to) ? '.' : 'X')).join('\t')}`);
  return `${port}\n-\t${PODS.join('\t')}\n${rows.join('\n')}\n60 of 81 allowed on ${port}\n\n`;
}

async function netpol(args: string[], files: Record<string, string> = FILES): Promise<{ code: number; io: MemoryIo }> {
  const io = memoryIo(files);
  const code = await run(['netpol', ...args], io);
  return { code, io };
}

/** A usage error: exit 2, nothing on stdout, exactly one stderr line `strata: ...`; returns the line. */
async function usageError(args: string[], files: Record<string, string> = FILES): Promise<string> {
  const { code, io } = await netpol(args, files);
  expect(io.out()).toBe('');
  expect(code).toBe(2);
  const lines = io.err().split('\n').filter((l) => l !== '' && !l.startsWith('strata: warning: '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^strata: /);
  return lines[0]!;
}

const ns = (name: string, labels = ''): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${labels === '' ? '' : `  labels: { ${labels} }\n`}`;
const pod = (namespace: string, name: string, extra = ''): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  labels: { app: ${name} }\nspec:\n  containers:\n    - name: main\n      ports:\n        - containerPort: 80\n${extra}`;

describe('strata netpol: matrices', () => {
  it('prints one matrix per declared port, the count line, and warns about skipped kinds', async () => {
    const { code, io } = await netpol(['cluster.yaml', 'policies.yaml']);
    expect(io.err()).toBe('strata: warning: policies.yaml[2]: skipped kind Service\n');
    expect(code).toBe(0);
    expect(io.out()).toBe(`${expectedMatrix('80/TCP')}${expectedMatrix('81/TCP')}120 of 162 connections allowed\n`);
  });

  it('without policies every connection is allowed', async () => {
    const { code, io } = await netpol(['cluster.yaml']);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/\n162 of 162 connections allowed\n$/);
    expect(io.out()).not.toMatch(/\tX/);
  });

  it('--port checks every pod on the given ports only, in the order given, any case, repeats dropped', async () => {
    const { code, io } = await netpol(['--port', '81/tcp', '--port', '80/TCP', '--port', '81', 'cluster.yaml', 'policies.yaml']);
    expect(code).toBe(0);
    expect(io.out()).toBe(`${expectedMatrix('81/TCP')}${expectedMatrix('80/TCP')}120 of 162 connections allowed\n`);
  });

  it('--port on a port no pod declares still checks every pair (declared ports are informational)', async () => {
    const { code, io } = await netpol(['--port', '53/UDP', 'cluster.yaml', 'policies.yaml']);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^53\/UDP\n-\tx\/a/);
    expect(io.out()).toMatch(/\n60 of 81 connections allowed\n$/);
  });

  it('without --port, a port is checked only against the pods that declare it', async () => {
    const files = { 'm.yaml': [ns('n'), pod('n', 'web'), `${pod('n', 'dns').replace('containerPort: 80', 'containerPort: 53\n          protocol: UDP')}`].join('---\n') };
    const { code, io } = await netpol(['m.yaml'], files);
    expect(code).toBe(0);
    expect(io.out()).toBe('53/UDP\n-\tn/dns\nn/web\t.\nn/dns\t.\n2 of 2 allowed on 53/UDP\n\n80/TCP\n-\tn/web\nn/web\t.\nn/dns\t.\n2 of 2 allowed on 80/TCP\n\n4 of 4 connections allowed\n');
  });
});

describe('strata netpol --json', () => {
  it('prints pods and one result per ordered pair and destination port, reasons joined with "; "', async () => {
    const { code, io } = await netpol(['--json', 'cluster.yaml', 'policies.yaml']);
    expect(code).toBe(0);
    const json = JSON.parse(io.out()) as { pods: string[]; results: NetpolResult[] };
    expect(Object.keys(json)).toEqual(['pods', 'results']);
    expect(json.pods).toEqual(PODS);
    expect(json.results).toHaveLength(9 * 9 * 2);
    const expectedOrder = PODS.flatMap((from) => PODS.flatMap((to) => [80, 81].map((port) => `${from} ${to} ${port}`)));
    expect(json.results.map((r) => `${r.from} ${r.to} ${r.port}`)).toEqual(expectedOrder);
    for (const r of json.results) {
      expect(Object.keys(r)).toEqual(['from', 'to', 'port', 'protocol', 'allowed', 'reason']);
      expect(r.protocol).toBe('TCP');
      expect(r.allowed, `${r.from} -> ${r.to}`).toBe(expectedAllowed(r.from, r.to));
      expect(typeof r.reason).toBe('string');
    }
    expect(json.results.find((r) => r.from === 'z/a' && r.to === 'y/a' && r.port === 80)).toEqual({
      from: 'z/a',
      to: 'y/a',
      port: 80,
      protocol: 'TCP',
      allowed: false,
      reason:
        'pod z/a is not isolated for egress: no policy selecting it has Egress in policyTypes; pod y/a is isolated for ingress by y/deny-all, y/allow-from-x; no ingress rule of any policy selecting it admits z/a on 80/TCP',
    });
    expect(json.results.find((r) => r.from === 'x/b' && r.to === 'y/a' && r.port === 81)?.reason).toMatch(/ingress of y\/a from x\/b on 81\/TCP is allowed by y\/allow-from-x rule ingress\[0\]/);
  });

  it('with --port, results cover every pod on those ports', async () => {
    const { code, io } = await netpol(['--json', '--port', '8080/sctp', 'cluster.yaml']);
    expect(code).toBe(0);
    const json = JSON.parse(io.out()) as { results: NetpolResult[] };
    expect(json.results).toHaveLength(81);
    expect(new Set(json.results.map((r) => `${r.port}/${r.protocol}`))).toEqual(new Set(['8080/SCTP']));
  });

  it('streams in chunks whose concatenation is the same JSON', async () => {
    const io = memoryIo(FILES);
    const manifests = await loadManifests(io, ['cluster.yaml', 'policies.yaml']);
    const engine = createPolicyEngine(manifests);
    const matrices = planMatrices(engine.podNames, manifests.podPorts, []);
    const chunks: string[] = [];
    let waits = 0;
    await writeNetpolJson(engine, matrices, (c) => chunks.push(c), 1000, () => {
      waits += 1;
      return Promise.resolve();
    });
    expect(waits).toBe(chunks.length - 1);
    expect(chunks.length).toBeGreaterThan(10);
    const whole: string[] = [];
    await writeNetpolJson(engine, matrices, (c) => whole.push(c));
    expect(chunks.join('')).toBe(whole.join(''));
    expect((JSON.parse(chunks.join('')) as { results: unknown[] }).results).toHaveLength(162);
  });

  it('an empty pod list prints empty arrays', async () => {
    const { code, io } = await netpol(['--json', 'n.yaml'], { 'n.yaml': ns('only') });
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ pods: [], results: [] });
  });
});

describe('strata netpol --explain', () => {
  it('prints the verdict and the reason chain, and nothing else', async () => {
    const { code, io } = await netpol(['--explain', 'z/a', 'y/a', '80/tcp', 'cluster.yaml', 'policies.yaml']);
    expect(code).toBe(0);
    expect(io.out()).toBe(
      'z/a -> y/a on 80/TCP: denied\n' +
        '  pod z/a is not isolated for egress: no policy selecting it has Egress in policyTypes\n' +
        '  pod y/a is isolated for ingress by y/deny-all, y/allow-from-x; no ingress rule of any policy selecting it admits z/a on 80/TCP\n',
    );
  });

  it('takes the files before or after it and prints one JSON result with --json', async () => {
    const { code, io } = await netpol(['cluster.yaml', '--explain', 'x/c', 'y/a', '81/TCP', 'policies.yaml', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(io.out()) as NetpolResult;
    expect(result).toMatchObject({ from: 'x/c', to: 'y/a', port: 81, protocol: 'TCP', allowed: true });
    expect(result.reason).toMatch(/; ingress of y\/a from x\/c on 81\/TCP is allowed by y\/allow-from-x rule ingress\[0\]$/);
  });

  it('reads a bare pod name as the default namespace', async () => {
    const files = { 'm.yaml': [pod('default', 'web'), pod('default', 'db')].join('---\n') };
    const { code, io } = await netpol(['--explain', 'web', 'db', '80', 'm.yaml'], files);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^default\/web -> default\/db on 80\/TCP: allowed\n/);
  });

  it('names an unknown pod (exit 2)', async () => {
    expect(await usageError(['--explain', 'x/a', 'q/zz', '80/tcp', 'cluster.yaml'])).toBe(
      'strata: --explain: TO pod "q/zz" is not in the manifests; name a pod as namespace/name (9 pods, e.g. "x/a")',
    );
    expect(await usageError(['--explain', 'x/q', 'x/a', '80/tcp', 'cluster.yaml'])).toMatch(/^strata: --explain: FROM pod "x\/q" is not in the manifests/);
  });

  it('needs FROM TO PORT/PROTO, a valid port, and no --port', async () => {
    expect(await usageError(['cluster.yaml', '--explain', 'x/a', 'y/a'])).toBe('strata: --explain: expected FROM TO PORT/PROTO such as --explain x/a y/b 80/tcp, got "x/a y/a"');
    expect(await usageError(['--explain', 'x/a', 'y/a', '80/icmp', 'cluster.yaml'])).toMatch(/^strata: --explain: expected PORT\/PROTOCOL .* got "80\/icmp"$/);
    expect(await usageError(['--port', '80', '--explain', 'x/a', 'y/a', '80/tcp', 'cluster.yaml'])).toBe(
      'strata: --explain: cannot be combined with --port; the connection names its own PORT/PROTO',
    );
  });
});

describe('strata netpol: flag errors (exit 2, one line)', () => {
  it.each([
    ['0/tcp'],
    ['65536/tcp'],
    ['99999999999999999999'],
    ['80/icmp'],
    ['http'],
    ['-1'],
    ['80/'],
    ['8 0'],
  ])('--port %s', async (value) => {
    expect(await usageError(['--port', value, 'cluster.yaml'])).toBe(
      `strata: --port: expected PORT/PROTOCOL with a port from 1 to 65535 and tcp, udp or sctp (any case), such as 80/tcp, got ${JSON.stringify(value)}`,
    );
  });

  it('accepts the range ends 1 and 65535', async () => {
    const { code, io } = await netpol(['--port', '1/udp', '--port', '65535/Sctp', 'cluster.yaml']);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^1\/UDP\n[\s\S]*\n65535\/SCTP\n/);
  });

  it('rejects more than 1024 --port flags', async () => {
    const args = Array.from({ length: 1025 }, (_, i) => ['--port', String(i + 1)]).flat();
    expect(await usageError([...args, 'cluster.yaml'])).toBe('strata: --port: expected at most 1024 ports, got 1025');
  });

  it('needs a file', async () => {
    expect(await usageError([])).toMatch(/^strata: FILE: expected at least one manifest file/);
    expect(await usageError(['--json'])).toMatch(/^strata: FILE: expected at least one manifest file/);
  });

  it('rejects unknown options', async () => {
    expect(await usageError(['--prot', '80', 'cluster.yaml'])).toMatch(/^strata: unknown option '--prot'.*\(see 'strata netpol --help'\)$/);
  });
});

describe('strata netpol: manifest errors (exit 2, naming file, document and field)', () => {
  it('an invalid CIDR', async () => {
    expect(await usageError(['cluster.yaml', 'bad-cidr.yaml'])).toBe(
      'strata: bad-cidr.yaml[0].spec.ingress[0].from[1].ipBlock.cidr: "10.0.0/8" is not a CIDR; expected an IPv4 or IPv6 CIDR such as "10.0.0.0/8" or "fd00::/64"',
    );
  });

  it('an except outside its cidr (checked by the engine, reported with its document)', async () => {
    const policy = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p, namespace: x }\nspec:\n  podSelector: {}\n  egress:\n    - to:\n        - ipBlock: { cidr: 10.0.0.0/16, except: [192.168.0.0/24] }\n';
    expect(await usageError(['p.yaml'], { 'p.yaml': `${ns('x')}---\n${policy}` })).toBe(
      'strata: p.yaml[1].spec.egress[0].to[0].ipBlock.except[0]: expected a CIDR strictly inside 10.0.0.0/16, got "192.168.0.0/24"',
    );
  });

  it('every bad field of a document, joined', async () => {
    const bad = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web_1\n  labels: { app: "-x" }\nspec:\n  containers:\n    - name: c\n      ports: [{ containerPort: 70000 }]\n';
    const line = await usageError(['b.yaml'], { 'b.yaml': `---\n${bad}` });
    expect(line).toMatch(/^strata: b\.yaml\[0\]\.metadata\.name: .*; b\.yaml\[0\]\.metadata\.labels\.app: .*; b\.yaml\[0\]\.spec\.containers\[0\]\.ports\[0\]\.containerPort: /);
  });

  it.each([
    ['a list', '- a\n- b\n', 'strata: m.yaml[0]: expected a Kubernetes object (a mapping with kind), got a list'],
    ['a scalar', '42\n', 'strata: m.yaml[0]: expected a Kubernetes object (a mapping with kind), got 42'],
    ['no kind', 'metadata: { name: a }\n', 'strata: m.yaml[0].kind: expected Namespace, Pod or NetworkPolicy (other kinds are skipped), got nothing'],
    ['a wrong apiVersion', 'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: { name: p }\nspec: { podSelector: {} }\n', /^strata: m\.yaml\[0\]\.apiVersion: /],
    ['a bad selector operator', 'kind: NetworkPolicy\nmetadata: { name: p }\nspec: { podSelector: { matchExpressions: [{ key: a, operator: Is }] } }\n', /^strata: m\.yaml\[0\]\.spec\.podSelector\.matchExpressions\[0\]\.operator: /],
    ['an unknown spec field', 'kind: NetworkPolicy\nmetadata: { name: p }\nspec: { podSelector: {}, ingres: [] }\n', /^strata: m\.yaml\[0\]\.spec\.ingres: /],
    ['a bad podIP', 'kind: Pod\nmetadata: { name: p }\nstatus: { podIP: 10.0.0.300 }\n', /^strata: m\.yaml\[0\]\.status\.podIP: /],
  ])('%s', async (_, text, expected) => {
    const line = await usageError(['m.yaml'], { 'm.yaml': text });
    if (typeof expected === 'string') expect(line).toBe(expected);
    else expect(line).toMatch(expected);
  });

  it('a document index counts every document of its file', async () => {
    const line = await usageError(['m.yaml'], { 'm.yaml': `${ns('a')}---\n---\n${ns('b')}---\nkind: Pod\nmetadata: { name: BAD }\n` });
    expect(line).toMatch(/^strata: m\.yaml\[3\]\.metadata\.name: /);
  });

  it('duplicates name both places', async () => {
    expect(await usageError(['a.yaml', 'b.yaml'], { 'a.yaml': pod('default', 'web'), 'b.yaml': `${ns('z')}---\n${pod('default', 'web')}` })).toBe(
      'strata: b.yaml[1].metadata.name: Pod default/web is also defined at a.yaml[0]; pod names are unique within their namespace',
    );
    expect(await usageError(['a.yaml'], { 'a.yaml': `${ns('z')}---\n${ns('z')}` })).toMatch(/^strata: a\.yaml\[1\]\.metadata\.name: Namespace z is also defined at a\.yaml\[0\]/);
    const p = 'kind: NetworkPolicy\nmetadata: { name: p }\nspec: { podSelector: {} }\n';
    expect(await usageError(['a.yaml'], { 'a.yaml': `${p}---\n${p}` })).toMatch(/^strata: a\.yaml\[1\]\.metadata\.name: NetworkPolicy default\/p is also defined at a\.yaml\[0\]/);
  });

  it('bad YAML, a missing file and an oversized file', async () => {
    expect(await usageError(['m.yaml'], { 'm.yaml': `${ns('a')}---\nkind: [Pod\n` })).toMatch(/^strata: m\.yaml\[1\]: not valid YAML: /);
    expect(await usageError(['m.yaml'], { 'm.yaml': 'a: 1\na: 2\n' })).toMatch(/^strata: m\.yaml\[0\]: not valid YAML: .*[Uu]nique/);
    expect(await usageError(['nope.yaml'])).toBe('strata: nope.yaml: cannot read the file (no such file)');
    expect(await usageError(['big.yaml'], { 'big.yaml': `# ${'x'.repeat(16 * 1024 * 1024)}\n` })).toMatch(/^strata: big\.yaml: the file has 16777219 characters, more than the 16777216 \(16 MiB\)/);
  });

  it('a YAML alias bomb is capped by the parser', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(await usageError(['m.yaml'], { 'm.yaml': `${bomb}\n` })).toMatch(/^strata: m\.yaml\[0\]: not valid YAML: .*alias/i);
  });
});

describe('strata netpol: manifests', () => {
  it('creates a namespace with no Namespace document, warning unless it is built in', async () => {
    const files = { 'm.yaml': [pod('team', 'web'), pod('default', 'db'), 'kind: NetworkPolicy\nmetadata: { name: p, namespace: team }\nspec:\n  podSelector: {}\n  ingress:\n    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: default } } }]\n'].join('---\n') };
    const { code, io } = await netpol(['--explain', 'default/db', 'team/web', '80/tcp', 'm.yaml'], files);
    expect(io.err()).toBe('strata: warning: m.yaml[0]: namespace team has no Namespace document; assumed with the single label kubernetes.io/metadata.name=team\n');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/: allowed\n/);
  });

  it('reads the List that kubectl get -o yaml prints, naming items in warnings and errors', async () => {
    const files = { 'list.yaml': fixture('kubectl-list.yaml') };
    const { code, io } = await netpol(['list.yaml'], files);
    expect(io.err()).toBe('strata: warning: list.yaml[0].items[4]: skipped kind Service\n');
    expect(code).toBe(0);
    expect(io.out()).toBe(
      '5432/TCP\n-\tshop/db-0\nshop/frontend-7d4b9c-x2k8p\t.\nshop/db-0\t.\n2 of 2 allowed on 5432/TCP\n\n' +
        '8080/TCP\n-\tshop/frontend-7d4b9c-x2k8p\nshop/frontend-7d4b9c-x2k8p\t.\nshop/db-0\t.\n2 of 2 allowed on 8080/TCP\n\n4 of 4 connections allowed\n',
    );
    const explain = await netpol(['--explain', 'shop/frontend-7d4b9c-x2k8p', 'shop/db-0', '5432/tcp', 'list.yaml'], files);
    expect(explain.io.out()).toMatch(/is allowed by shop\/db-from-frontend rule ingress\[0\]\n$/);
    // The named port pg resolves to 5432 only: the same pods on 8080 are denied.
    const denied = await netpol(['--explain', 'shop/frontend-7d4b9c-x2k8p', 'shop/db-0', '8080/tcp', 'list.yaml'], files);
    expect(denied.io.out()).toMatch(/^shop\/frontend-7d4b9c-x2k8p -> shop\/db-0 on 8080\/TCP: denied\n/);
    expect(await usageError(['list.yaml'], { 'list.yaml': 'kind: List\nitems:\n  - kind: Pod\n    metadata: { name: a }\n  - null\n' })).toBe(
      'strata: list.yaml[0].items[1]: expected a Kubernetes object (a mapping with kind), got null',
    );
    expect(await usageError(['list.yaml'], { 'list.yaml': 'kind: List\n' })).toBe("strata: list.yaml[0].items: expected the list's objects, got nothing");
  });

  it('skips empty documents and reads JSON files', async () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j', namespace: 'default' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 443 }] }] } });
    const { code, io } = await netpol(['m.yaml', 'p.json'], { 'm.yaml': '---\n---\n# nothing\n', 'p.json': json });
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toBe('443/TCP\n-\tdefault/j\ndefault/j\t.\n1 of 1 allowed on 443/TCP\n\n1 of 1 connections allowed\n');
  });

  it('assigns 10.244.0.0/16 addresses in input order to pods without status.podIP, skipping given ones', async () => {
    const manifests = await loadManifests(memoryIo({ 'm.yaml': [pod('n', 'p1'), pod('n', 'p2', 'status: { podIP: 10.244.0.2 }\n'), pod('n', 'p3'), pod('n', 'p4', 'status: { podIP: 192.168.1.1 }\n')].join('---\n') }), ['m.yaml']);
    expect(manifests.pods.map((p) => p.status?.podIP)).toEqual(['10.244.0.1', '10.244.0.2', '10.244.0.3', '192.168.1.1']);
    // The addresses take part in ipBlock peers.
    const policy = 'kind: NetworkPolicy\nmetadata: { name: p, namespace: n }\nspec:\n  podSelector: { matchLabels: { app: p1 } }\n  ingress: [{ from: [{ ipBlock: { cidr: 10.244.0.3/32 } }] }]\n';
    const files = { 'm.yaml': [pod('n', 'p1'), pod('n', 'p2', 'status: { podIP: 10.244.0.2 }\n'), pod('n', 'p3'), policy].join('---\n') };
    const { code, io } = await netpol(['--port', '80', 'm.yaml'], files);
    expect(code).toBe(0);
    expect(io.out()).toBe('80/TCP\n-\tn/p1\tn/p2\tn/p3\nn/p1\t.\t.\t.\nn/p2\tX\t.\t.\nn/p3\t.\t.\t.\n8 of 9 allowed on 80/TCP\n\n8 of 9 connections allowed\n');
  });
});

describe('strata netpol: limits', () => {
  const manyPods = (n: number, ports = 1): string =>
    Array.from({ length: n }, (_, i) => `kind: Pod\nmetadata: { name: p${i} }\nspec: { containers: [{ name: c, ports: [${Array.from({ length: ports }, (_, j) => `{ containerPort: ${80 + j} }`).join(', ')}] }] }\n`).join('---\n');

  it('refuses more than 5,000 pods, naming the document', async () => {
    expect(await usageError(['m.yaml'], { 'm.yaml': manyPods(5001) })).toBe(
      'strata: m.yaml[5000]: more than 5000 pods (the pair count must stay at most 25,000,000); check fewer pods at once',
    );
  });

  it('refuses more than 25,000,000 decisions before deciding any', async () => {
    const files = { 'm.yaml': manyPods(3000, 3) };
    expect(await usageError(['m.yaml'], files)).toBe(
      'strata: this check needs 27,000,000 decisions (3000 pods, each to 9,000 pod ports), more than the 25,000,000 allowed; choose fewer ports with --port or check fewer pods at once',
    );
    expect(await usageError(['--port', '80', '--port', '81', '--port', '82/udp', 'm.yaml'], files)).toMatch(/^strata: this check needs 27,000,000 decisions/);
  });

  it('refuses more than 10,000 policies', async () => {
    const text = Array.from({ length: 10_001 }, (_, i) => `kind: NetworkPolicy\nmetadata: { name: p${i} }\nspec: { podSelector: {} }\n`).join('---\n');
    expect(await usageError(['m.yaml'], { 'm.yaml': text })).toBe('strata: m.yaml[10000]: more than 10000 network policies; check fewer at once');
  });
});

describe('strata netpol progress', () => {
  it('reports decisions to the display the IO offers (a terminal), reaches the total, and always erases it', async () => {
    for (const json of [false, true]) {
      const updates: [number, string][] = [];
      let stops = 0;
      const io = { ...memoryIo(FILES), progress: () => ({ update: (fraction: number, detail: string) => void updates.push([fraction, detail]), stop: () => void stops++ }) };
      expect(await run(['netpol', ...(json ? ['--json'] : []), 'cluster.yaml', 'policies.yaml'], io)).toBe(0);
      expect(stops).toBe(1);
      if (!json) {
        // One update per source row of each matrix: 9 rows × 2 ports; the last one covers all 162 decisions.
        expect(updates).toHaveLength(18);
        expect(updates.at(-1)).toEqual([1, '162 decisions']);
      }
      for (let i = 1; i < updates.length; i++) expect(updates[i]![0]).toBeGreaterThan(updates[i - 1]![0]);
    }
  });
});

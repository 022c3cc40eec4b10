// NetworkPolicy benchmark: 10,000 pods in 100 namespaces under 1,000 policies; 1,000,000 random
// reach() decisions (with reason chains, pods resolved once with engine.pod()) must take under
// 1 s after indexing. Also reports reach() by name, isAllowed() (no reasons) and the build time.
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { NamespaceInput, NetworkPolicyInput, NetworkProtocol, PodInput } from '@strata/shared-types';
import { createPolicyEngine, type PodRef } from '../src/policy/index.js';

const NAMESPACES = 100;
const PODS_PER_NAMESPACE = 100;
const POLICIES_PER_NAMESPACE = 10;
const DECISIONS = 1_000_000;
const TARGET_MS = 1000;

/** mulberry32: a small seeded PRNG, so every run decides the same pairs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function workload(random: () => number): { namespaces: NamespaceInput[]; pods: PodInput[]; policies: NetworkPolicyInput[] } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const apps = Array.from({ length: 10 }, (_, i) => `app${i}`);
  const teams = ['red', 'green', 'blue', 'gold'];
  const namespaces = Array.from({ length: NAMESPACES }, (_, n) => ({ metadata: { name: `ns${n}`, labels: { team: pick(teams), env: n % 2 === 0 ? 'prod' : 'dev' } } }));
  const pods: PodInput[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    for (let p = 0; p < PODS_PER_NAMESPACE; p++) {
      pods.push({
        metadata: { name: `pod${p}`, namespace: `ns${n}`, labels: { app: pick(apps), tier: pick(['web', 'api', 'db']) } },
        spec: { containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9090 }] }] },
        status: { podIP: `10.${n >> 8}.${n & 255}.${p + 1}` },
      });
    }
  }
  const policies: NetworkPolicyInput[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const namespace = `ns${n}`;
    for (let i = 0; i < POLICIES_PER_NAMESPACE; i++) {
      const name = `pol${i}`;
      const kind = i % 5;
      const podSelector = i === 0 ? {} : { matchLabels: { app: pick(apps) } };
      if (kind === 0) policies.push({ metadata: { name, namespace }, spec: { podSelector } });
      else if (kind === 1) policies.push({ metadata: { name, namespace }, spec: { podSelector, ingress: [{ from: [{ podSelector: { matchLabels: { tier: pick(['web', 'api']) } } }], ports: [{ port: 'http' }] }] } });
      else if (kind === 2) policies.push({ metadata: { name, namespace }, spec: { podSelector, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: pick(teams) } }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] } }] }] } });
      else if (kind === 3) policies.push({ metadata: { name, namespace }, spec: { podSelector, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.7.0/24'] } }], ports: [{ port: 80, endPort: 443 }] }] } });
      else policies.push({ metadata: { name, namespace }, spec: { podSelector, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [`ns${(n + 1) % NAMESPACES}`] }] } }], ports: [{ protocol: 'UDP' }, { port: 443 }] }] } });
    }
  }
  return { namespaces, pods, policies };
}

/** Build the workload, time indexing and 1,000,000 decisions; print the figures and a met/not-met verdict. */
export function runPolicyBench(): { buildMs: number; reachMs: number; reachByNameMs: number; isAllowedMs: number; allowedShare: number; met: boolean } {
  const random = prng(20261127);
  const input = workload(random);
  let t0 = performance.now();
  const engine = createPolicyEngine(input);
  const buildMs = performance.now() - t0;

  const names = engine.podNames;
  const ports = [80, 81, 443, 9090];
  const protocols: NetworkProtocol[] = ['TCP', 'TCP', 'TCP', 'UDP', 'SCTP'];
  const refs = names.map((name) => engine.pod(name));
  const from: string[] = [];
  const to: string[] = [];
  const fromRef: PodRef[] = [];
  const toRef: PodRef[] = [];
  const port = new Int32Array(DECISIONS);
  const protocol: NetworkProtocol[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const f = Math.floor(random() * names.length);
    const t = Math.floor(random() * names.length);
    from.push(names[f]!);
    to.push(names[t]!);
    fromRef.push(refs[f]!);
    toRef.push(refs[t]!);
    port[i] = ports[Math.floor(random() * ports.length)]!;
    protocol.push(protocols[Math.floor(random() * protocols.length)]!);
  }

  // Three timed passes after one warm-up pass; the verdict uses the median pass.
  let allowed = 0;
  const passes: number[] = [];
  for (let pass = 0; pass < 4; pass++) {
    allowed = 0;
    t0 = performance.now();
    for (let i = 0; i < DECISIONS; i++) if (engine.reach(fromRef[i]!, toRef[i]!, port[i]!, protocol[i]).allowed) allowed++;
    if (pass > 0) passes.push(performance.now() - t0);
  }
  passes.sort((a, b) => a - b);
  const reachMs = passes[1]!;

  let allowedByName = 0;
  t0 = performance.now();
  for (let i = 0; i < DECISIONS; i++) if (engine.reach(from[i]!, to[i]!, port[i]!, protocol[i]).allowed) allowedByName++;
  const reachByNameMs = performance.now() - t0;

  let allowedFast = 0;
  t0 = performance.now();
  for (let i = 0; i < DECISIONS; i++) if (engine.isAllowed(fromRef[i]!, toRef[i]!, port[i]!, protocol[i])) allowedFast++;
  const isAllowedMs = performance.now() - t0;
  if (allowedFast !== allowed || allowedByName !== allowed) throw new Error(`reach by ref, reach by name and isAllowed disagree: ${allowed}, ${allowedByName}, ${allowedFast} allowed`);

  const met = reachMs < TARGET_MS;
  const lines = [
    `network policy: ${NAMESPACES * PODS_PER_NAMESPACE} pods, ${NAMESPACES} namespaces, ${input.policies.length} policies`,
    `  build (validate, compile, index): ${buildMs.toFixed(0)} ms`,
    `  ${DECISIONS.toLocaleString('en-US')} reach() decisions with reasons (pod refs), median of 3: ${reachMs.toFixed(0)} ms (best ${passes[0]!.toFixed(0)} ms, ${((allowed / DECISIONS) * 100).toFixed(1)}% allowed)  target < ${TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`,
    `  ${DECISIONS.toLocaleString('en-US')} reach() decisions with reasons (pod names): ${reachByNameMs.toFixed(0)} ms`,
    `  ${DECISIONS.toLocaleString('en-US')} isAllowed() decisions (pod refs): ${isAllowedMs.toFixed(0)} ms`,
  ];
  lines.push(`  load average when measured: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`);
  console.log(lines.join('\n'));
  return { buildMs, reachMs, reachByNameMs, isAllowedMs, allowedShare: allowed / DECISIONS, met };
}

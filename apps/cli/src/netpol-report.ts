// Presenting `strata netpol`: which connections to decide, the reachability matrices (Kubernetes
// e2e truth-table layout), the streamed JSON results and the reason chain of one connection.

import type { PolicyEngine, PodRef } from '@strata/core-network';
import type { PortProtocol } from './netpol-flags.js';

/** The most decisions one run makes: 5,000 pods × 5,000 pods × 1 port. */
export const MAX_DECISIONS = 25_000_000;

const PROTOCOL_ORDER = { TCP: 0, UDP: 1, SCTP: 2 } as const;

/** `80/TCP`. */
export function trafficLabel(t: PortProtocol): string {
  return `${t.port}/${t.protocol}`;
}

/** One matrix to print: a port/protocol and the destination pods it is checked on. */
export interface NetpolMatrix {
  readonly traffic: PortProtocol;
  /** Indexes into the pod list. */
  readonly destinations: readonly number[];
}

/**
 * The matrices of a run. With `ports` (from `--port`), each given port against every pod, in the
 * order given; without, every port some pod declares, sorted by port then TCP, UDP, SCTP, against
 * the pods that declare it.
 */
export function planMatrices(pods: readonly string[], podPorts: ReadonlyMap<string, readonly PortProtocol[]>, ports: readonly PortProtocol[]): NetpolMatrix[] {
  if (ports.length > 0) {
    const all = pods.map((_, i) => i);
    return ports.map((traffic) => ({ traffic, destinations: all }));
  }
  const byTraffic = new Map<string, { traffic: PortProtocol; destinations: number[] }>();
  pods.forEach((pod, i) => {
    for (const traffic of podPorts.get(pod) ?? []) {
      const key = trafficLabel(traffic);
      const entry = byTraffic.get(key) ?? { traffic, destinations: [] };
      entry.destinations.push(i);
      byTraffic.set(key, entry);
    }
  });
  return [...byTraffic.values()].sort((a, b) => a.traffic.port - b.traffic.port || PROTOCOL_ORDER[a.traffic.protocol] - PROTOCOL_ORDER[b.traffic.protocol]);
}

/** The number of decisions the matrices take: sources × destinations, summed. */
export function decisionCount(pods: readonly string[], matrices: readonly NetpolMatrix[]): number {
  return matrices.reduce((sum, m) => sum + pods.length * m.destinations.length, 0);
}

/**
 * Write one matrix per port/protocol, as Kubernetes' e2e truth tables print them: a title line,
 * then tab-separated rows, a header `-` and the destination pods, one row per source with `.`
 * (allowed) or `X` (denied); then `N of M connections allowed`. Writes a row at a time, awaiting
 * `drained` (the output's backpressure) after each.
 */
export async function writeMatrices(
  engine: PolicyEngine,
  matrices: readonly NetpolMatrix[],
  write: (text: string) => void,
  drained: () => Promise<void> = () => Promise.resolve(),
  progress?: (decisions: number) => void,
): Promise<void> {
  const pods = engine.podNames;
  const refs: PodRef[] = pods.map((p) => engine.pod(p));
  let allowed = 0;
  let total = 0;
  for (const matrix of matrices) {
    const { port, protocol } = matrix.traffic;
    let count = 0;
    write(`${trafficLabel(matrix.traffic)}\n`);
    write(`-\t${matrix.destinations.map((d) => pods[d]).join('\t')}\n`);
    for (let f = 0; f < refs.length; f += 1) {
      const from = refs[f]!;
      let row = pods[f]!;
      for (const d of matrix.destinations) {
        const ok = engine.isAllowed(from, refs[d]!, port, protocol);
        if (ok) count += 1;
        row += ok ? '\t.' : '\tX';
      }
      write(`${row}\n`);
      progress?.(total + (f + 1) * matrix.destinations.length);
      await drained();
    }
    const cells = pods.length * matrix.destinations.length;
    write(`${count} of ${cells} allowed on ${trafficLabel(matrix.traffic)}\n\n`);
    allowed += count;
    total += cells;
  }
  write(`${allowed} of ${total} connections allowed\n`);
}

/** One JSON result. */
export interface NetpolResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly allowed: boolean;
  readonly reason: string;
}

/**
 * Write `{"pods": [...], "results": [...]}`: one result per source, destination and port of that
 * destination (source-major, then destination, then the matrices' port order), one result per
 * line, in chunks of about `chunkSize` characters so millions of results never sit in memory.
 * After each chunk it awaits `drained` (the output's backpressure), so a slow reader does not make
 * the unwritten output pile up in memory.
 */
export async function writeNetpolJson(
  engine: PolicyEngine,
  matrices: readonly NetpolMatrix[],
  write: (chunk: string) => void,
  chunkSize = 1 << 16,
  drained: () => Promise<void> = () => Promise.resolve(),
  progress?: (decisions: number) => void,
): Promise<void> {
  const pods = engine.podNames;
  const refs = pods.map((p) => engine.pod(p));
  const names = pods.map((p) => JSON.stringify(p));
  // Per destination, the ports it is checked on, in matrix order.
  const portsOf: PortProtocol[][] = pods.map(() => []);
  for (const m of matrices) for (const d of m.destinations) portsOf[d]!.push(m.traffic);
  let buffer = `{\n  "pods": [${names.join(', ')}],\n  "results": [`;
  let first = true;
  let done = 0;
  for (let f = 0; f < refs.length; f += 1) {
    const from = refs[f]!;
    for (let t = 0; t < refs.length; t += 1) {
      const to = refs[t]!;
      for (const traffic of portsOf[t]!) {
        const d = engine.reach(from, to, traffic.port, traffic.protocol);
        buffer += `${first ? '\n' : ',\n'}    {"from": ${names[f]!}, "to": ${names[t]!}, "port": ${traffic.port}, "protocol": "${traffic.protocol}", "allowed": ${d.allowed}, "reason": ${JSON.stringify(d.reason.join('; '))}}`;
        first = false;
        done += 1;
        if (buffer.length >= chunkSize) {
          write(buffer);
          buffer = '';
          progress?.(done);
          await drained();
        }
      }
    }
  }
  write(`${buffer}${first ? ']' : '\n  ]'}\n}\n`);
}

/** The reason chain of one connection as text: a verdict line, then one indented line per reason. */
export function renderExplain(result: NetpolResult, reasons: readonly string[]): string {
  return `${result.from} -> ${result.to} on ${result.port}/${result.protocol}: ${result.allowed ? 'allowed' : 'denied'}\n${reasons.map((r) => `  ${r}\n`).join('')}`;
}

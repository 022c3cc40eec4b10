// The work of `strata netpol`: parse the flags, load and validate the manifests, build the policy
// engine from @strata/core-network, refuse runs past the decision bound, print.

import { createPolicyEngine } from '@strata/core-network';
import { ValidationError } from '@strata/shared-types';
import { parsePortFlags, splitExplain } from '../netpol-flags.js';
import { loadManifests } from '../netpol-manifests.js';
import { MAX_DECISIONS, decisionCount, planMatrices, renderExplain, writeMatrices, writeNetpolJson } from '../netpol-report.js';
import { watchRun } from '../progress-display.js';
import type { CommandContext } from './context.js';

/** Options of `strata netpol` as commander gives them. */
export interface NetpolOptions {
  readonly json?: boolean;
  readonly port?: string[];
  readonly explain?: string[];
}

/**
 * Run `strata netpol`. Every bad flag, file, manifest or a run past the limits is a
 * ValidationError (exit 2) naming the flag or `file[document].field`; nothing is printed on
 * stdout before the whole input has been checked.
 */
export async function runNetpol(positional: readonly string[], options: NetpolOptions, context: CommandContext): Promise<void> {
  const io = context.io;
  const ports = parsePortFlags(options.port ?? []);
  const { explain, files: explainFiles } = splitExplain(options.explain);
  if (explain !== undefined && ports.length > 0) throw new ValidationError('--explain: cannot be combined with --port; the connection names its own PORT/PROTO', { path: '--explain' });
  const files = [...positional, ...explainFiles];
  if (files.length === 0) throw new ValidationError('FILE: expected at least one manifest file (multi-document YAML with Namespace, Pod and NetworkPolicy objects)', { path: 'FILE' });

  const manifests = await loadManifests(io, files);
  for (const warning of manifests.warnings) io.writeErr(`strata: warning: ${warning}\n`);
  const engine = createPolicyEngine(manifests);

  if (explain !== undefined) {
    for (const [which, pod] of [
      ['FROM', explain.from],
      ['TO', explain.to],
    ] as const) {
      if (!engine.podNames.includes(pod)) {
        throw new ValidationError(`--explain: ${which} pod ${JSON.stringify(pod)} is not in the manifests; name a pod as namespace/name (${engine.podNames.length} pods, e.g. ${JSON.stringify(engine.podNames[0] ?? 'default/web')})`, {
          path: '--explain',
          given: pod,
        });
      }
    }
    const { port, protocol } = explain.traffic;
    const decision = engine.reach(explain.from, explain.to, port, protocol);
    const result = { from: explain.from, to: explain.to, port, protocol, allowed: decision.allowed, reason: decision.reason.join('; ') };
    io.writeOut(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderExplain(result, decision.reason));
    return;
  }

  const matrices = planMatrices(engine.podNames, manifests.podPorts, ports);
  const decisions = decisionCount(engine.podNames, matrices);
  if (decisions > MAX_DECISIONS) {
    throw new ValidationError(
      `this check needs ${decisions.toLocaleString('en-US')} decisions (${engine.podNames.length} pods, each to ${(decisions / Math.max(1, engine.podNames.length)).toLocaleString('en-US')} pod ports), more than the ${MAX_DECISIONS.toLocaleString('en-US')} allowed; choose fewer ports with --port or check fewer pods at once`,
      { decisions, limit: MAX_DECISIONS },
    );
  }
  // A long check shows its progress on a terminal (stderr), counted in decisions.
  const watch = watchRun(io.progress?.('strata netpol'), 'decisions');
  const report = watch.onProgress === undefined ? undefined : (done: number): void => watch.onProgress?.({ steps: done, fraction: done / Math.max(1, decisions) });
  try {
    if (options.json) await writeNetpolJson(engine, matrices, io.writeOut, undefined, io.drained, report);
    else await writeMatrices(engine, matrices, io.writeOut, io.drained, report);
  } finally {
    watch.stop();
  }
}

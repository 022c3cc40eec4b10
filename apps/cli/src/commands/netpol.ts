// `strata netpol FILE...`: load Kubernetes Namespace, Pod and NetworkPolicy manifests and print who
// can reach whom (one matrix per port), every decision as JSON, or why one connection is allowed.
// The work lives in netpol-run.ts, loaded only when the command runs.

import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';

const HELP = `
Each FILE is multi-document YAML (or JSON) holding Namespace, Pod and NetworkPolicy
(networking.k8s.io/v1) objects; other kinds are skipped with a warning. Pods without
status.podIP get addresses from 10.244.0.0/16 in input order. A namespace used without
a Namespace document is assumed, with only its kubernetes.io/metadata.name label.

Output: one matrix per port/protocol (rows: from, columns: to; '.' allowed, 'X' denied),
then "N of M connections allowed". Without --port, each pod is checked on the ports its
containers declare; with --port, every pod on the given ports.
Limits: 5,000 pods, 10,000 policies, 25,000,000 decisions (pairs x ports).

Examples:
  strata netpol cluster.yaml policies.yaml
  strata netpol --port 80/tcp --port 53/udp cluster.yaml policies.yaml
  strata netpol --json cluster.yaml policies.yaml
  strata netpol --explain x/a y/b 80/tcp cluster.yaml policies.yaml
`;

/** Add the `netpol` subcommand to `program`. */
export function registerNetpolCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('netpol')
    .description('evaluate Kubernetes NetworkPolicies over pod manifests: who can reach whom, and why')
    .argument('[files...]', 'manifest files (multi-document YAML)')
    .option('--json', 'print every decision as one JSON object instead of the matrices')
    .option('--port <port/proto>', 'check this port (1..65535) and protocol (tcp, udp, sctp; default tcp); repeatable', (value: string, previous: string[] = []) => [...previous, value])
    .option('--explain <from to port/proto...>', 'print why FROM (ns/name) can or cannot reach TO on PORT/PROTO, and nothing else')
    .addHelpText('after', HELP.trimEnd())
    .action(async (files: string[], options: { json?: boolean; port?: string[]; explain?: string[] }) => {
      const { runNetpol } = await import('./netpol-run.js');
      await runNetpol(files, options, context);
    });
  configureCommandOutput(command, context.io, 'strata netpol --help');
}

// `strata validate SCENARIO`: check a datacenter scenario without running it, and print a
// one-screen summary or every problem at its file, line and column. The work lives in
// validate-run.ts, loaded only when the command runs.

import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';
import type { ValidateOptions } from './validate-run.js';

const VALIDATE_HELP = `
SCENARIO is a datacenter scenario (YAML, or JSON for .json), in the format of
@strata/core-cluster's README ("Scenario files"). Files it names (include, batch CSVs)
are read relative to its folder and may not leave it.

Valid: a summary (hosts, VMs, containers, networks, workloads, actions, duration), exit 0.
Not valid: every problem on its own line, as
  scenario.yaml:14:7 vms[2].memory: expected a quantity like 4Gi, got "4 gigs"
then exit 2. With --json, one object: {"valid": true, ...counts} or
{"valid": false, "issues": [{"path", "line", "column", "at", "message"}]}.

Examples:
  strata validate examples/datacenter.yaml
  strata validate cloudsim.yaml --json
`;

/** Add the `validate` subcommand to `program`. */
export function registerValidateCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('validate')
    .description('check a datacenter scenario without running it: a summary, or every problem at its line')
    .argument('<scenario>', 'scenario file (YAML, or JSON for .json)')
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', VALIDATE_HELP.trimEnd())
    .action(async (scenario: string, options: ValidateOptions) => {
      const { validateScenario } = await import('./validate-run.js');
      await validateScenario(scenario, options, context);
    });
  configureCommandOutput(command, context.io, 'strata validate --help');
}

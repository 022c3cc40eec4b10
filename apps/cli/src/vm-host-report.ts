// What `strata vm host FILE` prints for a nested host experiment: a VM table (host CPU, steal per
// vCPU) and a guest task table, or JSON; with `--fidelity both`, the two runs side by side and the
// gap between them per guest task (core-vmm's `fidelityGaps`). Every number is core-vmm's; this
// module only lays them out.

import { FIDELITY_AGREEMENT_CPUS, fidelityGaps, largestGap } from '@strata/core-vmm';
import type { FidelityGap, NestedExperimentResult } from '@strata/core-vmm';
import { formatFixed } from './format-fixed.js';
import { formatDuration } from './group-report.js';
import { formatPercent } from './sched-report.js';
import { renderTable } from './text-table.js';

/** The JSON `--fidelity both --json` prints: both results whole, the gap per guest task, and the largest (null without tasks). */
export interface VmHostBothJson {
  readonly fidelity: 'both';
  readonly exact: NestedExperimentResult;
  readonly fluid: NestedExperimentResult;
  readonly gaps: readonly FidelityGap[];
  readonly largestGap: FidelityGap | null;
}

/** The `--fidelity both --json` object. */
export function vmHostBothJson(exact: NestedExperimentResult, fluid: NestedExperimentResult): VmHostBothJson {
  const gaps = fidelityGaps(exact, fluid);
  return { fidelity: 'both', exact, fluid, gaps, largestGap: largestGap(gaps) };
}

const cpus = (fraction: number): string => formatFixed(fraction, 3);
const seconds = (usec: number): string => formatFixed(usec / 1e6, 3);
const stealPercents = (vm: NestedExperimentResult['vms'][number]): string => vm.vcpus.map((v) => formatPercent(v.stealFraction)).join(' ');
const stealTicks = (vm: NestedExperimentResult['vms'][number]): string => vm.vcpus.map((v) => String(v.stealTicks)).join(' ');

/** The host part of the header: pCPUs (and their speed when below the reference's) and policy. */
function hostSetup(result: NestedExperimentResult): string {
  const speed = result.speed === 1 ? '' : ` at speed ${result.speed}`;
  return `${result.cpus} pCPU${result.cpus === 1 ? '' : 's'}${speed}, ${result.policy} policy`;
}

const hostSlice = (result: NestedExperimentResult): string => `host slice ${formatDuration(result.hostTick)}`;

const FOOTNOTE = [
  "host CPU = pCPUs the VM's vCPUs got (their pCPU time / simulated time); CPU = CPUs a guest task got",
  'steal = time a vCPU was runnable on the host but not running, as a share of the simulated time',
  "and in the steal column of the guest's /proc/stat (ticks of 1/100 s, USER_HZ)",
];

/**
 * The text report of one run: a header line (pCPUs, policy, fidelity, duration, the host slice in
 * exact fidelity), the VM table, the guest task table and what the columns mean.
 */
export function renderVmHostText(result: NestedExperimentResult, options: { file?: string } = {}): string[] {
  const slice = result.fidelity === 'exact' ? `, ${hostSlice(result)}` : '';
  const lines = [`${options.file ?? 'nested host'}: ${hostSetup(result)}, ${result.fidelity} fidelity, ${formatDuration(result.duration)} simulated${slice}`, ''];
  lines.push(
    ...renderTable(
      [
        { header: 'VM', align: 'left' },
        { header: 'vCPUs', align: 'right' },
        { header: 'host CPU', align: 'right' },
        { header: 'steal per vCPU', align: 'right' },
        { header: 'steal ticks per vCPU', align: 'right' },
      ],
      result.vms.map((vm) => [vm.name, String(vm.vcpus.length), cpus(vm.hostFraction), stealPercents(vm), stealTicks(vm)]),
    ),
  );
  const tasks = result.vms.flatMap((vm) => vm.tasks.map((t) => [vm.name, t.group, t.name, cpus(t.fraction), seconds(t.cpuUsec)]));
  lines.push('');
  if (tasks.length === 0) lines.push('(no guest tasks)');
  else {
    lines.push(
      ...renderTable(
        [
          { header: 'VM', align: 'left' },
          { header: 'group', align: 'left' },
          { header: 'task', align: 'left' },
          { header: 'CPU', align: 'right' },
          { header: 'CPU (s)', align: 'right' },
        ],
        tasks,
      ),
    );
  }
  lines.push('', ...FOOTNOTE);
  return lines;
}

/**
 * The text report of `--fidelity both`: one header, the VM table and the guest task table with an
 * exact and a fluid column for each number, the gap per task (flagged with `!` from
 * FIDELITY_AGREEMENT_CPUS up), and a last line naming the largest gap.
 */
export function renderVmHostBothText(exact: NestedExperimentResult, fluid: NestedExperimentResult, options: { file?: string } = {}): string[] {
  const lines = [
    `${options.file ?? 'nested host'}: ${hostSetup(exact)}, ${formatDuration(exact.duration)} simulated, exact (${hostSlice(exact)}) and fluid fidelity side by side`,
    '',
  ];
  lines.push(
    ...renderTable(
      [
        { header: 'VM', align: 'left' },
        { header: 'vCPUs', align: 'right' },
        { header: 'host CPU exact', align: 'right' },
        { header: 'fluid', align: 'right' },
        { header: 'steal per vCPU exact', align: 'right' },
        { header: 'fluid', align: 'right' },
        { header: 'steal ticks exact', align: 'right' },
        { header: 'fluid', align: 'right' },
      ],
      exact.vms.map((vm, i) => {
        const other = fluid.vms[i]!;
        return [vm.name, String(vm.vcpus.length), cpus(vm.hostFraction), cpus(other.hostFraction), stealPercents(vm), stealPercents(other), stealTicks(vm), stealTicks(other)];
      }),
    ),
  );
  const gaps = fidelityGaps(exact, fluid);
  const flagged = gaps.filter((g) => g.flagged).length;
  lines.push('');
  if (gaps.length === 0) lines.push('(no guest tasks)');
  else {
    // The flag column appears only when a gap is flagged (an empty column would leave a ragged rule).
    const mark = flagged > 0 ? [{ header: '', align: 'left' as const }] : [];
    lines.push(
      ...renderTable(
        [
          { header: 'VM', align: 'left' },
          { header: 'group', align: 'left' },
          { header: 'task', align: 'left' },
          { header: 'CPU exact', align: 'right' },
          { header: 'fluid', align: 'right' },
          { header: 'gap', align: 'right' },
          ...mark,
        ],
        gaps.map((g) => [g.vm, g.group, g.task, cpus(g.exact), cpus(g.fluid), formatFixed(g.gap, 4), ...(flagged > 0 ? [g.flagged ? '!' : ''] : [])]),
      ),
    );
  }
  lines.push('', ...FOOTNOTE, `gap = |exact - fluid| in CPUs; ! marks a gap of ${FIDELITY_AGREEMENT_CPUS} CPU (1% of a CPU) or more`);
  const largest = largestGap(gaps);
  const count = flagged === 0 ? `no gap of ${FIDELITY_AGREEMENT_CPUS} CPU or more` : `${flagged} of ${gaps.length} task${gaps.length === 1 ? '' : 's'} flagged`;
  lines.push(largest === null ? 'largest gap: none (no guest tasks)' : `largest gap: ${formatFixed(largest.gap, 4)} CPU (VM ${largest.vm}, group ${largest.group}, task ${largest.task}); ${count}`);
  return lines;
}

// The cgroup core's own files (kernel/cgroup/cgroup.c): cgroup.controllers, cgroup.subtree_control,
// cgroup.freeze and cgroup.events.
import { kstrtoint, strstrip } from './kernel-integers.js';
import { formatKeyedLines, parseKeyedLines, type KeyedLayout } from './keyed-lines.js';
import { rejectedWrite, unreadableText, valueOrReject } from './write-error.js';

/** The controllers Strata's kernel has, in the kernel's subsystem order (include/linux/cgroup_subsys.h). */
export const CGROUP_CONTROLLERS = ['cpuset', 'cpu', 'io', 'memory', 'pids'] as const;

/** A cgroup v2 controller of the model. */
export type CgroupController = (typeof CGROUP_CONTROLLERS)[number];

function isController(name: string): name is CgroupController {
  return (CGROUP_CONTROLLERS as readonly string[]).includes(name);
}

/** Controllers in the kernel's order, each once. */
export function inKernelOrder(controllers: Iterable<CgroupController>): CgroupController[] {
  const set = new Set(controllers);
  return CGROUP_CONTROLLERS.filter((c) => set.has(c));
}

/** A parsed `cgroup.subtree_control` write: what to enable and what to disable (never both for one controller). */
export interface SubtreeControlChange {
  readonly enable: readonly CgroupController[];
  readonly disable: readonly CgroupController[];
}

const SUBTREE_ACCEPTS = `write space-separated +name or -name tokens, such as "+cpu +memory -io", with names from ${CGROUP_CONTROLLERS.join(', ')}`;

/**
 * Parse a `cgroup.subtree_control` write as `cgroup_subtree_control_write()` does: stripped, split on
 * single spaces (empty tokens skipped, a tab is not a separator), each token +name or -name of a known
 * controller (EINVAL otherwise), a later token for the same controller overriding an earlier one.
 * Whether the change is allowed (ENOENT, EBUSY) depends on the tree: the kernel model checks that.
 */
export function parseSubtreeControlChange(text: string): SubtreeControlChange {
  const enable = new Set<CgroupController>();
  const disable = new Set<CgroupController>();
  for (const token of strstrip(text).split(' ')) {
    if (token === '') continue;
    const name = token.slice(1);
    if (!isController(name) || (token[0] !== '+' && token[0] !== '-')) {
      throw rejectedWrite('cgroup.subtree_control', text, 'EINVAL', SUBTREE_ACCEPTS);
    }
    (token[0] === '+' ? enable : disable).add(name);
    (token[0] === '+' ? disable : enable).delete(name);
  }
  return { enable: inKernelOrder(enable), disable: inKernelOrder(disable) };
}

/** The enabled set after a write: `current` plus the enabled names minus the disabled ones, in kernel order. */
export function parseSubtreeControlWrite(text: string, current: readonly CgroupController[]): CgroupController[] {
  const change = parseSubtreeControlChange(text);
  return inKernelOrder([...current, ...change.enable].filter((c) => !change.disable.includes(c)));
}

/**
 * A controller set as read from cgroup.controllers or cgroup.subtree_control (`cgroup_print_ss_mask()`):
 * names in kernel order separated by spaces and a "\n" — and nothing at all, not even "\n", when empty.
 */
export function formatControllers(controllers: readonly CgroupController[]): string {
  const names = inKernelOrder(controllers);
  return names.length === 0 ? '' : `${names.join(' ')}\n`;
}

/** Read captured cgroup.controllers / cgroup.subtree_control text. */
export function parseControllersRead(file: string, text: string): CgroupController[] {
  if (text === '') return [];
  const names = text.endsWith('\n') ? text.slice(0, -1).split(' ') : [];
  if (names.length === 0 || !names.every(isController) || formatControllers(names) !== text) {
    throw unreadableText(file, text, `names from ${CGROUP_CONTROLLERS.join(' ')} in that order, separated by spaces, with "\\n"; or nothing`);
  }
  return names;
}

const FREEZE_ACCEPTS = 'write 1 to freeze the cgroup and its descendants, 0 to thaw';

/** A write to `cgroup.freeze`: stripped, kstrtoint, then 0 or 1 — other integers are ERANGE, as `cgroup_freeze_write()` returns. */
export function parseFreezeWrite(text: string): boolean {
  const value = valueOrReject(kstrtoint(strstrip(text)), 'cgroup.freeze', text, FREEZE_ACCEPTS);
  if (value !== 0 && value !== 1) throw rejectedWrite('cgroup.freeze', text, 'ERANGE', FREEZE_ACCEPTS);
  return value === 1;
}

/** `cgroup.events`: live processes in the subtree; the freeze having completed. */
export interface CgroupEvents {
  readonly populated: boolean;
  readonly frozen: boolean;
}

/** cgroup.events' layout, in `cgroup_events_show()` order. */
export const CGROUP_EVENTS_LAYOUT: KeyedLayout = { file: 'cgroup.events', keys: ['populated', 'frozen'] };

/** `cgroup.events` as read: "populated 0\nfrozen 0\n". */
export function formatCgroupEvents(events: CgroupEvents): string {
  return formatKeyedLines(CGROUP_EVENTS_LAYOUT, { populated: Number(events.populated), frozen: Number(events.frozen) });
}

/** Read captured `cgroup.events` text. */
export function parseCgroupEventsRead(text: string): CgroupEvents {
  const record = parseKeyedLines<{ populated: number; frozen: number }>(CGROUP_EVENTS_LAYOUT, text);
  if (record.populated > 1 || record.frozen > 1) throw unreadableText('cgroup.events', text, 'populated and frozen each 0 or 1');
  return { populated: record.populated === 1, frozen: record.frozen === 1 };
}

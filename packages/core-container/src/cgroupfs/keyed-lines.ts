// Flat keyed files ("key value\n" per line, in a fixed order): memory.events, memory.stat, cpu.stat,
// pids.events, cgroup.events. One formatter and one strict reader of captured kernel output.
import { decimal } from './kernel-integers.js';
import { unreadableText } from './write-error.js';

/** The fields of a keyed file, in the kernel's order; optional ones are printed only when present. */
export interface KeyedLayout {
  readonly file: string;
  readonly keys: readonly string[];
  readonly optional?: readonly string[];
  /** Keys a real kernel prints that the model does not keep (memory.stat has dozens): skipped on read. */
  readonly ignoreUnknown?: boolean;
}

/** Print `record` as the kernel does: `key value\n` for each key of the layout present, in layout order. */
export function formatKeyedLines(layout: KeyedLayout, record: object): string {
  const fields = record as Readonly<Record<string, number | undefined>>;
  let text = '';
  for (const key of layout.keys) {
    const value = fields[key];
    if (value === undefined) continue;
    text += `${key} ${decimal(value)}\n`;
  }
  return text;
}

const LINE = /^(\S+) (\d+)$/;

/**
 * Read captured kernel output of a keyed file back into a record: every line `key value`, the text
 * ending in "\n", every non-optional key present once, known keys in the kernel's order. `T` is the
 * record type the layout describes (the caller's contract: its keys are the layout's).
 */
export function parseKeyedLines<T extends object>(layout: KeyedLayout, text: string): T {
  const expected = `lines "key value" for ${layout.keys.join(', ')}, each ending in "\\n"`;
  if (text !== '' && !text.endsWith('\n')) throw unreadableText(layout.file, text, expected);
  const record: Record<string, number> = {};
  let lastIndex = -1;
  for (const line of text === '' ? [] : text.slice(0, -1).split('\n')) {
    const m = LINE.exec(line);
    if (!m) throw unreadableText(layout.file, text, expected);
    const [, key = '', digits = ''] = m;
    const index = layout.keys.indexOf(key);
    if (index === -1) {
      if (layout.ignoreUnknown === true) continue;
      throw unreadableText(layout.file, text, expected);
    }
    const value = Number(digits);
    if (index <= lastIndex || !Number.isSafeInteger(value)) throw unreadableText(layout.file, text, expected);
    lastIndex = index;
    record[key] = value;
  }
  for (const key of layout.keys) {
    if (record[key] === undefined && !(layout.optional ?? []).includes(key)) throw unreadableText(layout.file, text, expected);
  }
  return record as T;
}

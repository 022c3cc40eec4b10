// JSON output written in pieces: the same text as `JSON.stringify(value, null, 2)`, but arrays are
// written a slice of elements at a time, so a timeline of millions of segments never has to fit in
// one string (V8 caps a string at about 512 MiB) and the first bytes reach the reader early.

/** Elements stringified at once: large enough for the native serializer to do the work. */
const SLICE = 4096;

/**
 * Write `value` as `JSON.stringify(value, null, 2)` would, in chunks of about `chunkSize`
 * characters, then a newline; after each chunk it awaits `drained` (the output's backpressure).
 */
export async function writeJson(value: unknown, write: (chunk: string) => void, drained?: () => Promise<void>, chunkSize = 1 << 16): Promise<void> {
  const chunks: string[] = [];
  let buffer = '';
  const emit = (text: string): void => {
    buffer += text;
    if (buffer.length >= chunkSize) {
      chunks.push(buffer);
      buffer = '';
    }
  };
  const flush = async (): Promise<void> => {
    for (const chunk of chunks.splice(0)) {
      write(chunk);
      if (drained !== undefined) await drained();
    }
  };
  await walk(value, '', emit, flush);
  await flush();
  write(`${buffer}\n`);
}

/** Emit `value` at indentation `indent`: arrays slice by slice, plain objects key by key, the rest whole; `flush` after each slice. */
async function walk(value: unknown, indent: string, emit: (text: string) => void, flush: () => Promise<void>): Promise<void> {
  if (Array.isArray(value)) {
    if (value.length <= SLICE) {
      emit(indented(JSON.stringify(value, null, 2), indent));
      return;
    }
    // Each slice is stringified as an array of its own; its brackets are dropped and its lines
    // moved to this depth, which is exactly how the whole array would have printed.
    emit('[\n');
    for (let i = 0; i < value.length; i += SLICE) {
      const text = JSON.stringify(value.slice(i, i + SLICE), null, 2);
      emit(`${indent}${indented(text.slice(2, -2), indent)}`);
      emit(i + SLICE < value.length ? ',\n' : '\n');
      await flush();
    }
    emit(`${indent}]`);
    return;
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
    if (entries.length === 0) {
      emit('{}');
      return;
    }
    const inner = `${indent}  `;
    emit('{\n');
    for (const [i, [key, v]] of entries.entries()) {
      emit(`${inner}${JSON.stringify(key)}: `);
      await walk(v, inner, emit, flush);
      emit(i < entries.length - 1 ? ',\n' : '\n');
    }
    emit(`${indent}}`);
    return;
  }
  emit(JSON.stringify(value, null, 2) ?? 'null');
}

/** `text` (as printed at depth 0) moved to `indent`: every line but the first gains the indentation. */
function indented(text: string | undefined, indent: string): string {
  if (text === undefined) return 'null';
  return indent === '' ? text : text.replace(/\n/g, `\n${indent}`);
}

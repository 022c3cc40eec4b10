// JSON output written in pieces: the same text as `JSON.stringify(value, null, 2)`, but arrays are
// written element by element, so a timeline of millions of segments never has to fit in one string
// (V8 caps a string at about 512 MiB) and the first bytes reach the reader early.

/** Write `value` as `JSON.stringify(value, null, 2)` would, in chunks of about `chunkSize` characters, then a newline. */
export function writeJson(value: unknown, write: (chunk: string) => void, chunkSize = 1 << 16): void {
  let buffer = '';
  const emit = (text: string): void => {
    buffer += text;
    if (buffer.length >= chunkSize) {
      write(buffer);
      buffer = '';
    }
  };
  walk(value, '', emit);
  write(`${buffer}\n`);
}

/** Emit `value` at indentation `indent`; plain objects and arrays are opened, everything else is stringified whole. */
function walk(value: unknown, indent: string, emit: (text: string) => void): void {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      emit('[]');
      return;
    }
    emit('[\n');
    value.forEach((item: unknown, i) => {
      emit(inner);
      // As JSON.stringify: undefined, functions and symbols in arrays become null.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') emit('null');
      else walk(item, inner, emit);
      emit(i < value.length - 1 ? ',\n' : '\n');
    });
    emit(`${indent}]`);
    return;
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
    if (entries.length === 0) {
      emit('{}');
      return;
    }
    emit('{\n');
    entries.forEach(([key, v], i) => {
      emit(`${inner}${JSON.stringify(key)}: `);
      walk(v, inner, emit);
      emit(i < entries.length - 1 ? ',\n' : '\n');
    });
    emit(`${indent}}`);
    return;
  }
  emit((JSON.stringify(value, null, 2) ?? 'null').replace(/\n/g, `\n${indent}`));
}

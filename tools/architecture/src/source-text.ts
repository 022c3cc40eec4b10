// Reading TypeScript source as text: comments blanked out (so prose may mention what code may
// not use) and module specifiers pulled from import, export-from, dynamic import and require.

/**
 * Replace every comment with spaces, keeping string and template literals and line breaks,
 * so that positions and line numbers stay the same.
 */
export function blankComments(source: string): string {
  let out = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && source[i] !== '\n') { out += ' '; i++; }
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      for (; i < stop; i++) out += source[i] === '\n' ? '\n' : ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i;
      i++;
      while (i < n && source[i] !== c) {
        if (source[i] === '\\') i++;
        i++;
      }
      i++;
      out += source.slice(start, i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A module specifier found in a source file, with its 1-based line. */
export interface ImportSite {
  readonly specifier: string;
  readonly line: number;
}

const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s+['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every module specifier imported or re-exported by `source` (comments ignored). */
export function findImports(source: string): ImportSite[] {
  const code = blankComments(source);
  const sites: ImportSite[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1]!;
      const line = code.slice(0, match.index).split('\n').length;
      sites.push({ specifier, line });
    }
  }
  return sites.sort((a, b) => a.line - b.line);
}

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

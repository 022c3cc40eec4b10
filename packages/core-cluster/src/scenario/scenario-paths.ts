// Paths a scenario writes (includes, batch files): relative, "/"-separated, resolved against the
// folder of the file that names them and confined to the scenario's own folder. Pure string work.

/** Why a relative path was refused, or the normalized path from the scenario's folder. */
export type ResolvedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** The folder part of a root-relative path (`a/b.yaml` → `a`, `b.yaml` → ``). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * Resolve `written` (as a scenario file wrote it) against `fromFolder` (root-relative): `.` segments
 * dropped, `..` climbs; refuses absolute paths, backslashes, NUL, empty results and any path that
 * would climb out of the scenario's folder.
 */
export function resolveScenarioPath(fromFolder: string, written: string): ResolvedPath {
  if (written === '') return { ok: false, reason: 'the path is empty' };
  if (written.startsWith('/') || /^[A-Za-z]:/.test(written)) return { ok: false, reason: 'absolute paths are not accepted; give a path relative to the scenario file, such as "data/jobs.csv"' };
  if (written.includes('\\')) return { ok: false, reason: 'use "/" to separate folders' };
  if (written.includes('\0')) return { ok: false, reason: 'the path holds a NUL character' };
  const parts = fromFolder === '' ? [] : fromFolder.split('/');
  for (const segment of written.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return { ok: false, reason: "the path leaves the scenario's folder; only files inside it (or its subfolders) may be named" };
      parts.pop();
    } else parts.push(segment);
  }
  if (parts.length === 0) return { ok: false, reason: 'the path names the scenario folder itself, not a file' };
  return { ok: true, path: parts.join('/') };
}

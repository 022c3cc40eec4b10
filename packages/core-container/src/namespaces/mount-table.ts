// A mount namespace's table: what is mounted where, read-only or not. A path is served by the mount
// whose mount point is its longest component-wise prefix (the later of two at the same point, which
// hides the earlier), and a write under a read-only mount fails with EROFS. Mount propagation
// (shared/slave subtrees) and symlinks are not modelled.
import { ConflictError, ValidationError } from '@strata/shared-types';

/** Where a mount's files come from. */
export type MountSource =
  /** A container's root: image layers (topmost first, as overlayfs' lowerdir lists them) under a writable layer; without one, read-only. */
  | { readonly kind: 'overlay'; readonly lowerLayers: readonly string[]; readonly upperLayer?: string }
  /** A named volume. */
  | { readonly kind: 'volume'; readonly volume: string }
  /** A directory of the host (bind mount). */
  | { readonly kind: 'bind'; readonly hostPath: string }
  /** A memory-backed file system. */
  | { readonly kind: 'tmpfs' }
  /** A host's own root file system on a device. */
  | { readonly kind: 'device'; readonly device: string };

/** A mount to make: a source at an absolute mount point, read-write unless `readOnly`. */
export interface MountSpec {
  readonly mountPoint: string;
  readonly source: MountSource;
  readonly readOnly?: boolean;
}

/** A mount in a table (the mount point normalized). */
export interface Mount {
  readonly mountPoint: string;
  readonly source: MountSource;
  readonly readOnly: boolean;
}

/** Which mount serves a path, the path inside that mount, and whether a write there is allowed. */
export interface PathResolution {
  readonly mount: Mount;
  /** The path relative to the mount's root, starting with `/`. */
  readonly subPath: string;
  /** `allowed`, or the errno a write fails with: EROFS under a read-only mount (or an overlay without a writable layer). */
  readonly write: 'allowed' | 'EROFS';
}

/**
 * An absolute path made canonical lexically: `//` and `.` dropped, `..` climbs (never above `/`).
 * Throws a ValidationError for a path that does not start with `/` or holds a NUL.
 */
export function normalizePath(path: string, what = 'path'): string {
  if (!path.startsWith('/') || path.includes('\0')) {
    throw new ValidationError(`${what} ${JSON.stringify(path)} is not an absolute path: write one starting with "/", such as "/data"`, {
      path: what,
      value: path,
      accepted: 'an absolute path starting with "/"',
    });
  }
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

// `/a` covers `/a` and `/a/b`, not `/ab`.
function covers(mountPoint: string, path: string): boolean {
  if (mountPoint === '/') return true;
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

function nonEmpty(value: string, what: string): void {
  if (value.length === 0) throw new ValidationError(`${what} is empty: name it`, { path: what, value, accepted: 'a non-empty string' });
}

/** A checked mount from a spec; throws a ValidationError naming the bad field. */
export function toMount(spec: MountSpec): Mount {
  const mountPoint = normalizePath(spec.mountPoint, 'mountPoint');
  const source = spec.source;
  switch (source.kind) {
    case 'overlay':
      if (source.lowerLayers.length === 0) {
        throw new ValidationError('source.lowerLayers is empty: an overlay needs at least one image layer', { path: 'source.lowerLayers', accepted: 'one or more layer names' });
      }
      source.lowerLayers.forEach((layer, i) => nonEmpty(layer, `source.lowerLayers[${i}]`));
      if (source.upperLayer !== undefined) nonEmpty(source.upperLayer, 'source.upperLayer');
      break;
    case 'volume':
      nonEmpty(source.volume, 'source.volume');
      break;
    case 'bind':
      normalizePath(source.hostPath, 'source.hostPath');
      break;
    case 'tmpfs':
      break;
    case 'device':
      nonEmpty(source.device, 'source.device');
      break;
    default: {
      const unknown: never = source;
      throw new ValidationError(`source kind ${JSON.stringify((unknown as { kind: unknown }).kind)} is unknown: use overlay, volume, bind, tmpfs or device`, {
        path: 'source.kind',
        accepted: ['overlay', 'volume', 'bind', 'tmpfs', 'device'],
      });
    }
  }
  return { mountPoint, source, readOnly: spec.readOnly === true };
}

/** The table after mounting `spec` on top (a mount at an existing point hides the one below). */
export function withMount(table: readonly Mount[], spec: MountSpec): Mount[] {
  return [...table, toMount(spec)];
}

/**
 * The table after unmounting the topmost mount at `mountPoint`. Throws a ValidationError (EINVAL)
 * when nothing is mounted there, and a ConflictError (EBUSY) for the root or a mount with mounts
 * made on top of it beneath its point.
 */
export function withoutMount(table: readonly Mount[], mountPoint: string): Mount[] {
  const point = normalizePath(mountPoint, 'mountPoint');
  let index = table.length - 1;
  while (index >= 0 && table[index]!.mountPoint !== point) index -= 1;
  if (index < 0) {
    throw new ValidationError(`mountPoint ${JSON.stringify(point)} is not a mount point (EINVAL): unmount one of ${table.map((m) => m.mountPoint).join(', ')}`, {
      path: 'mountPoint',
      value: point,
      errno: 'EINVAL',
      accepted: table.map((m) => m.mountPoint),
    });
  }
  const above = table.slice(index + 1).find((m) => m.mountPoint !== point && covers(point, m.mountPoint));
  if (point === '/' || above !== undefined) {
    const why = point === '/' ? 'it is the root' : `${above!.mountPoint} is mounted on it`;
    throw new ConflictError(`cannot unmount ${point} (EBUSY): ${why}; unmount what is mounted on it first`, { mountPoint: point, errno: 'EBUSY' });
  }
  return [...table.slice(0, index), ...table.slice(index + 1)];
}

/** Which mount serves `path` and whether a write there is allowed; undefined when no mount covers it. */
export function resolveInTable(table: readonly Mount[], path: string): PathResolution | undefined {
  const target = normalizePath(path);
  let best: Mount | undefined;
  for (const mount of table) {
    // `>=` so that the later of two mounts at one point wins: it hides the earlier.
    if (covers(mount.mountPoint, target) && (best === undefined || mount.mountPoint.length >= best.mountPoint.length)) best = mount;
  }
  if (best === undefined) return undefined;
  const subPath = best.mountPoint === '/' ? target : target.slice(best.mountPoint.length) || '/';
  const readOnly = best.readOnly || (best.source.kind === 'overlay' && best.source.upperLayer === undefined);
  return { mount: best, subPath, write: readOnly ? 'EROFS' : 'allowed' };
}

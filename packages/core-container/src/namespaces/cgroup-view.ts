// What a process sees of cgroup paths through its cgroup namespace (cgroup-v2.rst, "Namespace"):
// paths relative to the namespace's root, `/..` climbing out of it for a cgroup outside.
import { ValidationError } from '@strata/shared-types';
import { isCgroupPath } from '../cgroupfs/cgroup-path.js';

/** A cgroup path checked and made canonical: absolute, no empty, `.` or `..` parts, no trailing `/`. */
export function normalizeCgroupPath(path: string, what = 'cgroupPath'): string {
  if (!isCgroupPath(path)) {
    throw new ValidationError(`${what} ${JSON.stringify(path)} is not a cgroup path: write an absolute path such as "/" or "/system.slice/docker-1.scope"`, {
      path: what,
      value: path,
      accepted: 'an absolute cgroup path without empty, "." or ".." parts',
    });
  }
  return path;
}

/**
 * `path` as seen from a cgroup namespace rooted at `root` (cgroup_path_ns): `/` at the root, `/x/y`
 * below it, `/../sibling/x` or `/..` outside it.
 */
export function cgroupPathFromRoot(root: string, path: string): string {
  const rootParts = root === '/' ? [] : normalizeCgroupPath(root, 'root').split('/').slice(1);
  const pathParts = path === '/' ? [] : normalizeCgroupPath(path).split('/').slice(1);
  let common = 0;
  while (common < rootParts.length && common < pathParts.length && rootParts[common] === pathParts[common]) common += 1;
  const up = rootParts.slice(common).map(() => '..');
  return `/${[...up, ...pathParts.slice(common)].join('/')}`;
}

/** The line `/proc/<pid>/cgroup` prints on a cgroup v2 host: `0::<path as seen from root>\n`. */
export function procCgroupLine(root: string, path: string): string {
  return `0::${cgroupPathFromRoot(root, path)}\n`;
}

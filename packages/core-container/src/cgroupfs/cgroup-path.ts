// What counts as a cgroup path, for every model that takes one (the memory model, the cgroup
// namespace's root): one predicate, so the models cannot come to accept different paths.

/** Whether `path` is a canonical absolute cgroup path: "/" or "/a(/b)*", no empty, ".", ".." or NUL-bearing part. */
export function isCgroupPath(path: unknown): path is string {
  if (typeof path !== 'string' || !path.startsWith('/')) return false;
  return path === '/' || path.slice(1).split('/').every((p) => p !== '' && p !== '.' && p !== '..' && !p.includes('\0'));
}

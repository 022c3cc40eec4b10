// The kernel's cgroup v2 hierarchy: directories, the controllers each one has, the values of the
// writable interface files, and the tree rules of cgroup_subtree_control_write() and
// cgroup_rmdir(). Counters that belong to a controller's model (CPU time, memory, pids) live with
// that model; this module knows only the structure and the settings.
import { ConflictError, NotFoundError, ValidationError } from '@strata/shared-types';
import { CGROUP_CONTROLLERS, inKernelOrder, parseSubtreeControlChange, type CgroupController } from '../cgroupfs/core-files.js';
import { CGROUP_FILES, initialCgroupFileValue, writeCgroupFile, type CgroupFileName, type CgroupFileValues, type CgroupWriteContext } from '../cgroupfs/registry.js';
import { rejectedWrite } from '../cgroupfs/write-error.js';

/** Most cgroups one kernel holds (besides the root). */
export const MAX_CGROUPS = 100_000;
/** Deepest cgroup path accepted (segments below the root). */
export const MAX_CGROUP_DEPTH = 64;

/** Settings a cgroup keeps: the values of its writable interface files. */
export type CgroupSettings = { -readonly [N in CgroupFileName]?: CgroupFileValues[N] };

/**
 * A live process as its cgroup lists it: an intrusive doubly linked list through the members, so
 * that joining and leaving are O(1) and a cgroup's usage reads only its own processes.
 */
export interface CgroupMember {
  cgPrev: CgroupMember | null;
  cgNext: CgroupMember | null;
}

/** One cgroup directory. */
export interface CgroupNode {
  readonly path: string;
  readonly parent: CgroupNode | null;
  readonly depth: number;
  readonly children: Map<string, CgroupNode>;
  /** Controllers enabled for the children (cgroup.subtree_control). */
  subtreeControl: CgroupController[];
  /** Values of the writable files written so far (absent: the file's initial value). */
  readonly settings: CgroupSettings;
  /** Live (not zombie) processes directly in it. */
  liveProcs: number;
  /** The first of those processes (the kernel keeps the list: `joinCgroup` / `leaveCgroup`). */
  firstMember: CgroupMember | null;
  /** Set when the directory is removed (a handle resolved earlier then reads nothing). */
  removed: boolean;
  /** Its CPU usage as last read while nothing in its scheduler group was runnable, or null; leaf cgroups only (a mkdir beneath drops it). */
  cpuCache: CpuUsageCache | null;
}

/** What a scheduler group's threads did (the kernel's demand mirror keeps it per group). */
export interface GroupActivity {
  /** Wake-ups of its threads so far. */
  readonly wakes: number;
  /** Its threads runnable now. */
  readonly runnable: number;
}

/** A leaf cgroup's CPU usage as read when its scheduler group had no runnable thread, with what it depended on. */
export interface CpuUsageCache {
  usage: number;
  epoch: number;
  group: GroupActivity;
  wakes: number;
}

/** Put `m` into `node`'s member list (it must be in none). */
export function joinCgroup(node: CgroupNode, m: CgroupMember): void {
  m.cgPrev = null;
  m.cgNext = node.firstMember;
  if (node.firstMember !== null) node.firstMember.cgPrev = m;
  node.firstMember = m;
}

/** Take `m` out of `node`'s member list (it must be in it). */
export function leaveCgroup(node: CgroupNode, m: CgroupMember): void {
  if (m.cgPrev === null) node.firstMember = m.cgNext;
  else m.cgPrev.cgNext = m.cgNext;
  if (m.cgNext !== null) m.cgNext.cgPrev = m.cgPrev;
  m.cgPrev = null;
  m.cgNext = null;
}

/** The hierarchy with its rules. */
export class CgroupTree {
  readonly root: CgroupNode;
  private readonly byPath = new Map<string, CgroupNode>();

  constructor(private readonly context: CgroupWriteContext) {
    this.root = { path: '/', parent: null, depth: 0, children: new Map(), subtreeControl: [], settings: {}, liveProcs: 0, firstMember: null, removed: false, cpuCache: null };
    this.byPath.set('/', this.root);
  }

  get size(): number {
    return this.byPath.size;
  }

  /** The node at `path`, or NotFoundError naming it. */
  get(path: string): CgroupNode {
    // A normalized path is a key as given (the common case: no string work); any other is normalized first.
    const node = typeof path === 'string' ? (this.byPath.get(path) ?? this.byPath.get(normalize(path))) : undefined;
    if (node === undefined) throw new NotFoundError('cgroup', String(path), { hint: 'create it with mkdir first; paths are absolute, such as /A/B' });
    return node;
  }

  has(path: string): boolean {
    return this.byPath.has(path) || this.byPath.has(normalize(path));
  }

  /** Every path, parents before children, "/" first. */
  paths(): string[] {
    const out: string[] = [];
    const walk = (n: CgroupNode): void => {
      out.push(n.path);
      for (const c of n.children.values()) walk(c);
    };
    walk(this.root);
    return out;
  }

  mkdir(path: string): CgroupNode {
    const segments = splitPath(path);
    if (segments.length === 0) throw new ConflictError('cgroup / already exists (it is the root)', { path: 'path', value: path });
    const parent = this.get(segments.length === 1 ? '/' : `/${segments.slice(0, -1).join('/')}`);
    const name = segments[segments.length - 1]!;
    const full = `/${segments.join('/')}`;
    if (parent.children.has(name)) throw new ConflictError(`cgroup ${full} already exists (EEXIST)`, { path: 'path', value: path });
    if (this.byPath.size > MAX_CGROUPS) throw new ValidationError(`cannot create ${full}: the kernel holds ${MAX_CGROUPS} cgroups, the most it accepts`, { path: 'path', value: path, accepted: `at most ${MAX_CGROUPS} cgroups` });
    const node: CgroupNode = { path: full, parent, depth: segments.length, children: new Map(), subtreeControl: [], settings: {}, liveProcs: 0, firstMember: null, removed: false, cpuCache: null };
    parent.children.set(name, node);
    parent.cpuCache = null; // kept for leaves only: `cpuUsage` trusts a cache without looking at the children
    this.byPath.set(full, node);
    return node;
  }

  /** rmdir: the cgroup must have no child and no live process (cgroup_destroy_locked: EBUSY). */
  rmdir(path: string): CgroupNode {
    const node = this.get(path);
    if (node.parent === null) throw new ConflictError('cannot remove the root cgroup (EBUSY)', { path: 'path', value: path });
    if (node.children.size > 0) throw new ConflictError(`cannot remove ${node.path}: it has child cgroups (EBUSY); remove them first`, { path: 'path', value: path });
    if (node.liveProcs > 0) throw new ConflictError(`cannot remove ${node.path}: it holds ${node.liveProcs} live process(es) (EBUSY); move or kill them first`, { path: 'path', value: path });
    node.parent.children.delete(node.path.slice(node.path.lastIndexOf('/') + 1));
    this.byPath.delete(node.path);
    node.removed = true;
    return node;
  }

  /** Controllers available in `node` (cgroup.controllers): all on the root, else what the parent enabled. */
  controllers(node: CgroupNode): CgroupController[] {
    return node.parent === null ? [...CGROUP_CONTROLLERS] : node.parent.subtreeControl;
  }

  /** Whether `node` shows `file` (its controller enabled, root-only rules). */
  hasFile(node: CgroupNode, file: CgroupFileName): boolean {
    const spec = CGROUP_FILES[file];
    if (node.parent === null && !spec.onRoot) return false;
    return spec.controller === 'cgroup' || this.controllers(node).includes(spec.controller);
  }

  /** The current value of a writable file (its initial value until written). */
  setting<N extends CgroupFileName>(node: CgroupNode, file: N): CgroupFileValues[N] {
    const v = node.settings[file];
    return v === undefined ? initialCgroupFileValue(file) : v;
  }

  /**
   * Parse a write to a writable file of `node` and return the new value, without storing it: the
   * caller applies it to its models first and stores it with `store` only when nothing refused it.
   */
  parseWrite<N extends CgroupFileName>(node: CgroupNode, file: N, text: string): CgroupFileValues[N] {
    if (typeof text !== 'string') throw new ValidationError(`${file}: a write must be text, got ${typeof text}`, { path: file, value: text, accepted: 'a string' });
    if (file === 'cgroup.subtree_control') return this.checkSubtreeControl(node, text) as unknown as CgroupFileValues[N];
    return writeCgroupFile(file, text, this.setting(node, file), this.context);
  }

  store<N extends CgroupFileName>(node: CgroupNode, file: N, value: CgroupFileValues[N]): void {
    if (file === 'cgroup.subtree_control') node.subtreeControl = [...(value as readonly CgroupController[])];
    (node.settings as Record<string, unknown>)[file] = value;
  }

  /**
   * The tree rules of a subtree_control write (kernel/cgroup/cgroup.c): every enabled controller
   * must be available here (ENOENT), none disabled while a child enables it (EBUSY), and a non-root
   * cgroup with live processes cannot enable controllers for children (no internal processes: EBUSY).
   */
  private checkSubtreeControl(node: CgroupNode, text: string): CgroupController[] {
    const change = parseSubtreeControlChange(text);
    const available = this.controllers(node);
    for (const c of change.enable) {
      if (!available.includes(c)) throw rejectedWrite('cgroup.subtree_control', text, 'ENOENT', `enable only controllers in ${node.path}'s cgroup.controllers (${available.join(' ') || 'none'}); enable ${c} in the parent first`);
    }
    for (const c of change.disable) {
      for (const child of node.children.values()) {
        if (child.subtreeControl.includes(c)) throw rejectedWrite('cgroup.subtree_control', text, 'EBUSY', `${child.path} still enables ${c} for its children; disable it there first`);
      }
    }
    const next = inKernelOrder([...node.subtreeControl, ...change.enable].filter((c) => !change.disable.includes(c)));
    const added = next.filter((c) => !node.subtreeControl.includes(c));
    if (node.parent !== null && node.liveProcs > 0 && added.length > 0) {
      throw rejectedWrite('cgroup.subtree_control', text, 'EBUSY', `${node.path} holds processes, and a non-root cgroup with processes cannot enable controllers for children (no internal processes); move them to a child cgroup first`);
    }
    return next;
  }
}

/** Path segments of an absolute cgroup path, or ValidationError. */
export function splitPath(path: string): string[] {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 4096) {
    throw new ValidationError(`a cgroup path must be absolute, such as /A/B, got ${JSON.stringify(path)}`, { path: 'path', value: path, accepted: 'an absolute path of at most 4096 characters' });
  }
  const segments = path.split('/').filter((s) => s !== '');
  for (const s of segments) {
    if (s === '.' || s === '..' || !/^[A-Za-z0-9_.:@-]{1,255}$/.test(s)) {
      throw new ValidationError(`cgroup path ${JSON.stringify(path)}: segment ${JSON.stringify(s)} is not a directory name`, { path: 'path', value: path, accepted: 'segments of letters, digits, _ . : @ -, not . or ..' });
    }
  }
  if (segments.length > MAX_CGROUP_DEPTH) {
    throw new ValidationError(`cgroup path ${JSON.stringify(path)} is ${segments.length} levels deep; at most ${MAX_CGROUP_DEPTH}`, { path: 'path', value: path, accepted: `at most ${MAX_CGROUP_DEPTH} levels` });
  }
  return segments;
}

function normalize(path: string): string {
  if (path === '/') return path;
  return `/${path.split('/').filter((s) => s !== '').join('/')}`;
}

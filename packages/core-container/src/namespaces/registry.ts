// Namespace identity and lifetime: inode numbers, reference counts, and destruction when the last
// reference goes (a destroyed namespace gives back its inode number and its own references).
import { NotFoundError } from '@strata/shared-types';
import { InodeNumbers } from './inode-numbers.js';
import type { NamespaceRecord } from './records.js';
import type { NamespaceInode } from './types.js';

// A record as created: refs and identity are filled in by the registry.
type Fresh<R extends NamespaceRecord> = R extends NamespaceRecord ? Omit<R, 'inode' | 'refs' | 'initial'> : never;

/** Every live namespace by inode. */
export class NamespaceRegistry {
  private readonly byInode = new Map<NamespaceInode, NamespaceRecord>();
  private readonly inodes = new InodeNumbers();

  /** Registers an initial namespace at its fixed inode; it is never destroyed. */
  addInitial<R extends NamespaceRecord>(inode: NamespaceInode, fresh: Fresh<R>): R {
    const record = { ...fresh, inode, refs: 1, initial: true } as unknown as R;
    this.byInode.set(inode, record);
    return record;
  }

  /** Creates a namespace with the next inode number; its parent and owner gain a reference. Starts with no references of its own. */
  create<R extends NamespaceRecord>(fresh: Fresh<R>): R {
    // The callers pass fresh literals: complete it in place (a spread of six record shapes is a slow generic copy).
    const record = fresh as unknown as { inode: number; refs: number; initial: boolean };
    record.inode = this.inodes.allocate();
    record.refs = 0;
    record.initial = false;
    return this.track(record as unknown as R);
  }

  private track<R extends NamespaceRecord>(record: R): R {
    this.byInode.set(record.inode, record);
    if ('parent' in record && record.parent !== undefined) record.parent.refs += 1;
    if (record.owner !== undefined) record.owner.refs += 1;
    return record;
  }

  /** The live namespace with this inode; a NotFoundError otherwise. */
  get(inode: NamespaceInode): NamespaceRecord {
    const record = this.byInode.get(inode);
    if (record === undefined) throw new NotFoundError('namespace', String(inode), { accepted: 'the inode of a live namespace, as /proc/<pid>/ns/<type> shows it' });
    return record;
  }

  /** Whether a namespace with this inode is alive. */
  has(inode: NamespaceInode): boolean {
    return this.byInode.has(inode);
  }

  /** Every live namespace, ascending by inode. */
  all(): NamespaceRecord[] {
    return [...this.byInode.values()].sort((a, b) => a.inode - b.inode);
  }

  /** One more reference. */
  ref(record: NamespaceRecord): void {
    record.refs += 1;
  }

  /** One reference less; at zero the namespace is destroyed and drops its parent and owner in turn. */
  unref(record: NamespaceRecord): void {
    const pending: NamespaceRecord[] = [record];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      next.refs -= 1;
      if (next.refs > 0 || next.initial) continue;
      this.byInode.delete(next.inode);
      this.inodes.free(next.inode);
      if ('parent' in next && next.parent !== undefined) pending.push(next.parent);
      if (next.owner !== undefined) pending.push(next.owner);
    }
  }
}

// Memory is charged in whole pages, as the kernel charges it.
import { PAGE_SIZE } from '../cgroupfs/memparse.js';

/** `bytes` rounded up to whole pages. */
export function wholePages(bytes: number): number {
  return Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;
}

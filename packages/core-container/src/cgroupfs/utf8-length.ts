// Byte counts of JavaScript strings as the kernel sees them: the limits it checks (a cgroup file
// write of one page, a map write under a page, __NEW_UTS_LEN) are in UTF-8 bytes, not UTF-16 units.

/** The length of `text` encoded as UTF-8, in bytes (a lone surrogate counts 3, as TextEncoder's U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

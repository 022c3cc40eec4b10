// FNV-1a 64-bit hashing over UTF-8 bytes, in 32-bit halves (no BigInt on the hot path).
// Used to turn seeds and stream names into 64-bit keys and to hash traces.

/** An incremental FNV-1a 64 hash state: `hi` and `lo` are the two unsigned 32-bit halves. */
export interface Fnv1a64 {
  hi: number;
  lo: number;
}

/** The FNV-1a 64 offset basis 0xcbf29ce484222325, as a fresh state. */
export function fnv1a64Init(): Fnv1a64 {
  return { hi: 0xcbf29ce4, lo: 0x84222325 };
}

/** Feed one byte (0..255) into `h`. */
export function fnv1a64Byte(h: Fnv1a64, byte: number): void {
  // h = (h ^ byte) * 0x100000001b3 mod 2^64, with 0x100000001b3 = 2^40 + 435.
  const lo = (h.lo ^ byte) >>> 0;
  const a = lo * 435; // < 2^41: exact in a double
  const newLo = a >>> 0;
  const carry = (a - newLo) / 4294967296;
  h.hi = (Math.imul(h.hi, 435) + carry + (lo << 8)) >>> 0;
  h.lo = newLo;
}

/** Feed the UTF-8 encoding of `text` into `h` (lone surrogates are encoded as U+FFFD). */
export function fnv1a64String(h: Fnv1a64, text: string): void {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      fnv1a64Byte(h, c);
      continue;
    }
    if (c < 0x800) {
      fnv1a64Byte(h, 0xc0 | (c >> 6));
      fnv1a64Byte(h, 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        fnv1a64Byte(h, 0xf0 | (c >> 18));
        fnv1a64Byte(h, 0x80 | ((c >> 12) & 0x3f));
        fnv1a64Byte(h, 0x80 | ((c >> 6) & 0x3f));
        fnv1a64Byte(h, 0x80 | (c & 0x3f));
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    fnv1a64Byte(h, 0xe0 | (c >> 12));
    fnv1a64Byte(h, 0x80 | ((c >> 6) & 0x3f));
    fnv1a64Byte(h, 0x80 | (c & 0x3f));
  }
}

/** Feed the 8 little-endian bytes of the 64-bit value (hi, lo) into `h`. */
export function fnv1a64Word64(h: Fnv1a64, hi: number, lo: number): void {
  for (let s = 0; s < 32; s += 8) fnv1a64Byte(h, (lo >>> s) & 0xff);
  for (let s = 0; s < 32; s += 8) fnv1a64Byte(h, (hi >>> s) & 0xff);
}

/** The state as 16 lowercase hex digits (big-endian, as FNV test vectors print it). */
export function fnv1a64Hex(h: Fnv1a64): string {
  return h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
}

/** FNV-1a 64 of the UTF-8 encoding of `text`, as 16 hex digits. */
export function fnv1a64Of(text: string): string {
  const h = fnv1a64Init();
  fnv1a64String(h, text);
  return fnv1a64Hex(h);
}

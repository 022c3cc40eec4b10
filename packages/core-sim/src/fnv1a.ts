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
  // ASCII, the common case in traces, is hashed inline in four 16-bit limbs with integer
  // arithmetic only (prime 2^40 + 0x1b3: limb k gains 0x1b3·v[k] plus v[k−2] << 8); other
  // characters go through the byte-at-a-time path.
  let v0 = h.lo & 0xffff;
  let v1 = h.lo >>> 16;
  let v2 = h.hi & 0xffff;
  let v3 = h.hi >>> 16;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      v0 ^= c;
      const t0 = v0 * 0x1b3;
      let t1 = v1 * 0x1b3;
      let t2 = v2 * 0x1b3 + (v0 << 8);
      const t3 = v3 * 0x1b3 + (v1 << 8);
      t1 += t0 >>> 16;
      t2 += t1 >>> 16;
      v0 = t0 & 0xffff;
      v1 = t1 & 0xffff;
      v2 = t2 & 0xffff;
      v3 = (t3 + (t2 >>> 16)) & 0xffff;
      continue;
    }
    h.hi = ((v3 << 16) | v2) >>> 0;
    h.lo = ((v1 << 16) | v0) >>> 0;
    i = feedNonAscii(h, text, i, c);
    v0 = h.lo & 0xffff;
    v1 = h.lo >>> 16;
    v2 = h.hi & 0xffff;
    v3 = h.hi >>> 16;
  }
  h.hi = ((v3 << 16) | v2) >>> 0;
  h.lo = ((v1 << 16) | v0) >>> 0;
}

/** Feed the UTF-8 bytes of the non-ASCII character starting at `i` (code unit `c`); returns the index of its last code unit. */
function feedNonAscii(h: Fnv1a64, text: string, i: number, c: number): number {
  if (c < 0x800) {
    fnv1a64Byte(h, 0xc0 | (c >> 6));
    fnv1a64Byte(h, 0x80 | (c & 0x3f));
    return i;
  }
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      fnv1a64Byte(h, 0xf0 | (cp >> 18));
      fnv1a64Byte(h, 0x80 | ((cp >> 12) & 0x3f));
      fnv1a64Byte(h, 0x80 | ((cp >> 6) & 0x3f));
      fnv1a64Byte(h, 0x80 | (cp & 0x3f));
      return i + 1;
    }
  }
  const u = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
  fnv1a64Byte(h, 0xe0 | (u >> 12));
  fnv1a64Byte(h, 0x80 | ((u >> 6) & 0x3f));
  fnv1a64Byte(h, 0x80 | (u & 0x3f));
  return i;
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

// Deterministic container and exec ids (64 hex digits from the seed and a counter, as moby's
// stringid.GenerateRandomID shapes them) and Docker-style generated names. No Math.random.

/** 32-bit FNV-1a of `text`, then a murmur3 finalizer so nearby inputs spread. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 64 hex digits for (`seed`, `kind`, `n`); like moby, never one whose first 12 digits are all decimal (retries with a salt). */
export function hexId(seed: number | string, kind: string, n: number): string {
  for (let salt = 0; ; salt++) {
    let out = '';
    for (let i = 0; i < 8; i++) out += hash32(`${String(seed)}/${kind}/${n}/${salt}/${i}`).toString(16).padStart(8, '0');
    if (!/^[0-9]{12}/.test(out)) return out;
  }
}

const ADJECTIVES = ['admiring', 'brave', 'clever', 'dazzling', 'eager', 'festive', 'gifted', 'happy', 'jolly', 'keen', 'loving', 'modest', 'nifty', 'optimistic', 'peaceful', 'quirky', 'relaxed', 'serene', 'tender', 'vibrant', 'wizardly', 'zealous'] as const;
const NOUNS = ['archimedes', 'babbage', 'curie', 'dijkstra', 'euler', 'feynman', 'galois', 'hopper', 'johnson', 'knuth', 'lovelace', 'mccarthy', 'noether', 'pascal', 'ritchie', 'shannon', 'thompson', 'turing', 'wilson', 'yonath'] as const;

/** A generated `adjective_noun` name for id `id` (moby's namesgenerator shape); `retry` > 0 appends it as a digit suffix, as moby does on a clash. */
export function generatedName(id: string, retry: number): string {
  const h = hash32(id);
  const name = `${ADJECTIVES[h % ADJECTIVES.length]!}_${NOUNS[(h >>> 8) % NOUNS.length]!}`;
  return retry === 0 ? name : `${name}${retry}`;
}

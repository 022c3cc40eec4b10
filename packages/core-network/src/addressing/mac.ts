// MAC addresses for endpoints: Docker ≤ v27's derivation from the IPv4 address, and a seeded
// stand-in for v28+'s random locally administered address (cores draw no real randomness).
import { ValidationError } from '@strata/shared-types';
import { parseIp } from './ip.js';

/**
 * Docker ≤ v27's MAC for an IPv4 endpoint: 02:42 followed by the four address bytes
 * (172.17.0.2 → 02:42:ac:11:00:02; crib sheet §1, moby libnetwork/netutils/utils.go).
 * ValidationError on 'ip' if it is not an IPv4 address.
 */
export function macFromIpv4(ip: string): string {
  const parsed = parseIp(ip, 'ip');
  if (parsed.family !== 4) {
    throw new ValidationError(`invalid ip ${ip}: Docker derives MACs only from IPv4 addresses; give an IPv4 address, or use macFromSeed`, {
      path: 'ip', accepted: 'an IPv4 address', given: ip,
    });
  }
  const bytes = [0x02, 0x42, ...[24n, 16n, 8n, 0n].map((s) => Number((parsed.value >> s) & 0xffn))];
  return formatMac(bytes);
}

/**
 * A MAC derived from `seed` (e.g. an endpoint id): locally administered (bit 1 of the first octet
 * set) and unicast (bit 0 clear), the kind Docker v28+ draws at random. Deterministic: 48 bits of
 * 64-bit FNV-1a over the seed's UTF-16 code units. Distinct seeds may collide (2^-46 per pair);
 * callers that need uniqueness check it. ValidationError on 'seed' if empty or over 1024 chars.
 */
export function macFromSeed(seed: string): string {
  if (typeof seed !== 'string' || seed.length === 0 || seed.length > 1024) {
    throw new ValidationError(`invalid seed: expected a string of 1..1024 characters, got ${typeof seed === 'string' ? `${seed.length} characters` : typeof seed}`, {
      path: 'seed', accepted: 'string of 1..1024 characters', given: seed,
    });
  }
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < seed.length; i++) {
    h ^= BigInt(seed.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  const bytes = [40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((h >> s) & 0xffn));
  bytes[0] = ((bytes[0] as number) & 0xfc) | 0x02;
  return formatMac(bytes);
}

/** True when `mac` is six colon-separated lowercase-or-uppercase hex octets. */
export function isMac(mac: string): boolean {
  return typeof mac === 'string' && /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac);
}

function formatMac(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

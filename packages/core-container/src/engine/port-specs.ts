// docker run's `-p` words, `[ip:][hostPort[-end]:]containerPort[-end][/proto]`, read into
// core-network's publish requests (which hold the port rules, conflicts and ephemeral ports).
import { ValidationError } from '@strata/shared-types';
import type { PortRange, PublishPortSpec } from '@strata/core-network';

const PORT = /^\d{1,5}$/;

function range(text: string, field: string, word: string): PortRange {
  const [a, b, ...rest] = text.split('-');
  const bad = (): never => {
    throw new ValidationError(`invalid ${field} in -p ${JSON.stringify(word)}: ${JSON.stringify(text)} (ports are 1..65535, a range is start-end)`, { path: 'ports', value: word, accepted: '[ip:][hostPort[-end]:]containerPort[-end][/tcp|udp|sctp]' });
  };
  if (rest.length > 0 || a === undefined || !PORT.test(a) || (b !== undefined && !PORT.test(b))) bad();
  const start = Number(a);
  const end = b === undefined ? start : Number(b);
  if (start < 1 || end > 65535 || start > end) bad();
  return { start, end };
}

const one = (r: PortRange): number | PortRange => (r.start === r.end ? r.start : r);

/** One `-p` word as a publish request for `namespace` (validation only; core-network checks lengths and conflicts). */
export function parsePortWord(word: string, namespace: string): PublishPortSpec {
  if (typeof word !== 'string' || word.length === 0) {
    throw new ValidationError(`ports: each entry must be a -p word such as "8080:80"; got ${JSON.stringify(word)}`, { path: 'ports', value: word, accepted: '[ip:][hostPort[-end]:]containerPort[-end][/tcp|udp|sctp]' });
  }
  let rest = word;
  let protocol: 'tcp' | 'udp' | 'sctp' | undefined;
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') throw new ValidationError(`invalid proto: ${rest.slice(slash + 1)}`, { path: 'ports', value: word, accepted: 'tcp, udp, sctp' });
    protocol = p;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  // An IPv6 host address is bracketed: [::1]:8080:80.
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') throw new ValidationError(`invalid IP address in -p ${JSON.stringify(word)}`, { path: 'ports', value: word });
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (hostIp === undefined && parts.length === 3) hostIp = parts.shift()!;
  if (parts.length > 2 || (hostIp !== undefined && parts.length !== 2)) throw new ValidationError(`invalid -p ${JSON.stringify(word)}: too many colons`, { path: 'ports', value: word, accepted: '[ip:][hostPort[-end]:]containerPort[-end][/proto]' });
  const containerPort = one(range(parts[parts.length - 1]!, 'containerPort', word));
  const hostText = parts.length === 2 ? parts[0]! : '';
  return {
    namespace,
    containerPort,
    ...(hostText === '' ? {} : { hostPort: one(range(hostText, 'hostPort', word)) }),
    ...(protocol === undefined ? {} : { protocol }),
    ...(hostIp === undefined || hostIp === '' ? {} : { hostIp }),
  };
}

// Parsing the flags of `strata netpol`: `--port 80/tcp` and `--explain FROM TO PORT/PROTO`.

import { ValidationError } from '@strata/shared-types';

/** A protocol a NetworkPolicy can name. */
export type NetpolProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A destination port and protocol. */
export interface PortProtocol {
  readonly port: number;
  readonly protocol: NetpolProtocol;
}

/** At most this many `--port` flags. */
export const MAX_PORT_FLAGS = 1024;

/** Parse `80/tcp` (port 1..65535; tcp, udp or sctp in any case; `80` alone is TCP) for `flag`; ValidationError naming the flag otherwise. */
export function parsePortProtocol(text: string, flag: string): PortProtocol {
  const match = /^(\d{1,5})(?:\/([A-Za-z]+))?$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[1]);
  const protocol = (match?.[2] ?? 'TCP').toUpperCase();
  if (match === null || port < 1 || port > 65535 || (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP')) {
    throw new ValidationError(`${flag}: expected PORT/PROTOCOL with a port from 1 to 65535 and tcp, udp or sctp (any case), such as 80/tcp, got ${JSON.stringify(text)}`, {
      path: flag,
      accepted: '1..65535 / tcp|udp|sctp',
      given: text,
    });
  }
  return { port, protocol };
}

/** Parse every `--port` value, dropping repeats (first occurrence kept). */
export function parsePortFlags(values: readonly string[]): PortProtocol[] {
  if (values.length > MAX_PORT_FLAGS) throw new ValidationError(`--port: expected at most ${MAX_PORT_FLAGS} ports, got ${values.length}`, { path: '--port', given: values.length });
  const seen = new Set<string>();
  const out: PortProtocol[] = [];
  for (const value of values) {
    const p = parsePortProtocol(value, '--port');
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** One connection to explain. */
export interface ExplainRequest {
  readonly from: string;
  readonly to: string;
  readonly traffic: PortProtocol;
}

/** A pod argument: `ns/name`, or a bare `name` in the `default` namespace. */
function podArgument(text: string): string {
  return text.includes('/') ? text : `default/${text}`;
}

/**
 * Split `--explain`'s values (commander gathers everything after the flag up to the next option)
 * into FROM TO PORT/PROTO and the manifest files that followed them.
 */
export function splitExplain(values: readonly string[] | undefined): { explain: ExplainRequest | undefined; files: string[] } {
  if (values === undefined) return { explain: undefined, files: [] };
  if (values.length < 3) {
    throw new ValidationError(`--explain: expected FROM TO PORT/PROTO such as --explain x/a y/b 80/tcp, got ${values.length === 0 ? 'nothing' : JSON.stringify(values.join(' '))}`, {
      path: '--explain',
      given: values,
    });
  }
  return { explain: { from: podArgument(values[0]!), to: podArgument(values[1]!), traffic: parsePortProtocol(values[2]!, '--explain') }, files: values.slice(3) };
}

// `host:port` destinations of `send`: a DNS name (as Docker and Kubernetes names resolve), an
// IPv4 address, or a bracketed IPv6 address, then a port 1..65535.
import { z } from 'zod';

/** DNS labels; `_` is allowed because Docker container names (resolvable on user networks) may hold it. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;
const IPV4_LIKE = /^\d+(\.\d+){3}$/;
const IPV4 = z.ipv4();
const IPV6 = z.ipv6();
const ACCEPTED = 'expected "host:port" such as "db:5432", "10.0.0.2:80" or "[fd00::2]:80" (port 1-65535)';

/** Split and check `host:port`; returns a message (what is accepted, what was given) when malformed. */
export function parseHostPort(text: string): { host: string; port: number } | string {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) return `${ACCEPTED}, got ${JSON.stringify(text)}`;
  const [, v6, name = ''] = match;
  if (v6 !== undefined) {
    return IPV6.safeParse(v6).success ? { host: v6, port } : `${JSON.stringify(v6)} is not an IPv6 address; ${ACCEPTED}`;
  }
  if (IPV4_LIKE.test(name)) {
    return IPV4.safeParse(name).success ? { host: name, port } : `${JSON.stringify(name)} is not an IPv4 address; ${ACCEPTED}`;
  }
  return HOST_NAME.test(name) ? { host: name, port } : `${JSON.stringify(name)} is not a host name; ${ACCEPTED}`;
}

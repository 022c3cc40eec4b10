// How a connection the network does not deliver fails, as Linux shows it: the errno from the reasons of
// core-network's `reach`, and how long the connect waits first (README "Network I/O").

/** How long a connect to a dropped SYN waits before ETIMEDOUT: Linux's tcp_syn_retries 6 (1+2+4+...+64 s). */
export const CONNECT_TIMEOUT_US = 127_000_000;
/** How long a connect to an address nobody answers ARP for waits before EHOSTUNREACH (3 solicitations, 1 s apart). */
export const NEIGHBOUR_TIMEOUT_US = 3_000_000;

/** The errnos a `send` may meet. */
export type SendErrno = 'ECONNREFUSED' | 'ECONNRESET' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ETIMEDOUT' | 'EAI_NONAME';

/** The errno a connect meets when the network does not deliver it (README "Network I/O"). */
export function refusal(reasons: readonly string[]): 'ENETUNREACH' | 'EHOSTUNREACH' | 'ETIMEDOUT' {
  if (reasons.some((r) => r.startsWith('no route to'))) return 'ENETUNREACH';
  if (reasons.some((r) => r.startsWith('no endpoint of network') || / on network \S+ is \S+, not /.test(r))) return 'EHOSTUNREACH';
  return 'ETIMEDOUT'; // dropped on the way: isolation, an internal network's firewall, ICC off, NetworkPolicy
}

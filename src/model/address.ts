// Addresses as text, one spelling everywhere: IPv4 dotted quad, IPv6 in RFC 5952 form (lower case,
// the longest run of two or more zero groups as `::`), and an IPv4-mapped IPv6 address
// (`::ffff:a.b.c.d`, an IPv4 peer of a dual-stack AF_INET6 socket) as the IPv4 address it carries,
// so that the same peer is one address whether /proc, netlink, ss, netstat or lsof reported it.
import type { Family } from './snapshot.js';

/** RFC 5952 text of eight 16-bit groups. */
export function formatIpv6(g: readonly number[]): string {
  let best = -1; let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

/** Four bytes in network order as a dotted quad. */
export function formatIpv4(bytes: ArrayLike<number>, off = 0): string {
  return `${bytes[off]}.${bytes[off + 1]}.${bytes[off + 2]}.${bytes[off + 3]}`;
}

/** True for eight groups of the form ::ffff:a.b.c.d. */
export function isV4MappedGroups(g: readonly number[]): boolean {
  return g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
}

/**
 * Sixteen bytes in network order (an AF_INET6 address as the kernel stores it) as text and family:
 * IPv4-mapped becomes the IPv4 address.
 */
export function addressFromV6Bytes(bytes: ArrayLike<number>, off = 0): { address: string; family: Family } {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(bytes[off + i] * 256 + bytes[off + i + 1]);
  if (isV4MappedGroups(g)) return { address: formatIpv4(bytes, off + 12), family: 'ipv4' };
  return { address: formatIpv6(g), family: 'ipv6' };
}

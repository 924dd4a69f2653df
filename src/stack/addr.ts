// Addresses as the host compares them. Segments carry addresses as text; an IPv4-mapped IPv6
// address (`::ffff:192.0.2.1`) names the same endpoint as `192.0.2.1` (a dual-stack AF_INET6
// socket sees IPv4 peers that way), so lookups go through `canonical()`.

const MAPPED = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

export function canonical(addr: string): string {
  if (isPlainV4(addr)) return addr; // the common case, asked per segment: nothing to change
  const m = MAPPED.exec(addr);
  return m ? m[1] : addr.toLowerCase();
}

/** Only digits and dots: an IPv4 address already in canonical form. */
function isPlainV4(addr: string): boolean {
  for (let i = 0; i < addr.length; i++) {
    const c = addr.charCodeAt(i);
    if (c !== 46 && (c < 48 || c > 57)) return false;
  }
  return addr.length > 0;
}

export function isWildcard(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '::' || addr === '';
}

export function isV4(addr: string): boolean {
  return !canonical(addr).includes(':');
}

/** ipv4_is_loopback / ipv6_addr_loopback (v4-mapped included), as tcp_twsk_unique checks for tcp_tw_reuse=2. */
export function isLoopback(addr: string): boolean {
  const a = canonical(addr);
  return a.startsWith('127.') || a === '::1';
}

/** Does a socket bound to `bound` receive segments addressed to `dst`? (wildcard rules of __inet_lookup_listener) */
export function addrMatches(bound: string, dst: string): boolean {
  if (bound === '::' || bound === '') return true; // dual stack: '::' also takes IPv4 (no IPV6_V6ONLY)
  if (bound === '0.0.0.0') return isV4(dst);
  return canonical(bound) === canonical(dst);
}

/** Do two bind addresses overlap (inet_rcv_saddr_equal with wildcards)? */
export function addrOverlap(a: string, b: string): boolean {
  if (isWildcard(a) || isWildcard(b)) {
    if (a === '0.0.0.0' && !isV4(b) && !isWildcard(b)) return false;
    if (b === '0.0.0.0' && !isV4(a) && !isWildcard(a)) return false;
    return true;
  }
  return canonical(a) === canonical(b);
}

/** The destination (remote ip:port) as a map key for the per-destination port pools. */
export function destKey(raddr: string, rport: number): string {
  return `${canonical(raddr)}|${rport}`;
}

/** An address as the bytes on the wire (network order): 4 for IPv4 (and a v4 wire address), 16 for IPv6. */
export function addrBytes(addr: string): Uint8Array {
  if (!addr.includes(':')) return Uint8Array.from(addr.split('.').map((x) => Number(x) & 0xff));
  const [head = '', tail] = addr.split('::');
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16) & 0xffff));
  const h = words(head), t = tail === undefined ? [] : words(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(Math.max(0, 8 - h.length - t.length)).fill(0), ...t];
  const out = new Uint8Array(16);
  all.slice(0, 8).forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  return out;
}

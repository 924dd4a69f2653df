// Endpoints as the tools print them -> one canonical address string and a port number, so the same
// socket seen by ss, netstat, lsof and /proc joins on one 4-tuple key.
//
// Rules: split host and port on the LAST separator (':' on Linux/Windows, '.' on
// BSD/macOS); strip [] and %zone/%ifname; `*` is the unspecified address of the socket's family;
// `::ffff:a.b.c.d` (an IPv4 peer of a dual-stack socket) is treated as IPv4; IPv6 is printed in the
// RFC 5952 compressed form (both spellings in src/model/address.ts).
//
// Output taken without -n (netstat, lsof without -n -P, ss without -n) prints names:
// - a service name for the port (`localhost:http-alt`), read back through services.ts;
// - with `names` (the Linux tools, which resolve hosts): a host name for the address (`web-01:ssh`,
//   `localhost`), kept as the name: it is a valid peer, and the socket's family comes from the row
//   (`tcp6`, `IPv6`). netstat cuts the host part to fit its column (`localhost.localdo:35450`,
//   `ip6-localhos:postgresql`, net-tools' tcp_do_one() keeps the port whole), so a cut name is kept cut;
//   a service no table knows keeps its name in `service`, with port 0.
import type { Family } from '../model/snapshot.js';
import { formatIpv6, isV4MappedGroups } from '../model/address.js';
import { servicePort, type ServiceTable } from './services.js';

export interface Endpoint {
  address: string;
  port: number;
  family: Family;
  /** The service name printed for a port no service table knows (then `port` is 0). */
  service?: string;
}

export interface EndpointOptions {
  /** The reading host's /etc/services, over the built-in table. */
  services?: ServiceTable;
  /** Accept host names and unknown service names (tools that resolve names: netstat, lsof, ss -r). */
  names?: boolean;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const LEADING_ZERO = /(^|\.)0\d/;

/** A host name as resolvers return it (RFC 1123 labels; `_` seen in the wild), at least one letter. */
const HOST_NAME = /^(?=.*[A-Za-z_-])[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;
/** A service name as /etc/services spells it: a letter somewhere, no spaces or colons. */
const SERVICE_NAME = /^(?=\d*[A-Za-z_+.-])[A-Za-z0-9][A-Za-z0-9_+.-]{0,63}$/;

function parsePort(p: string, opts: EndpointOptions | undefined): { port: number; service?: string } | undefined {
  if (p === '*') return { port: 0 };
  if (/^\d{1,5}$/.test(p)) {
    const n = Number(p);
    return n <= 65535 ? { port: n } : undefined;
  }
  const known = servicePort(p, opts?.services);
  if (known !== undefined) return { port: known };
  return opts?.names && SERVICE_NAME.test(p) ? { port: 0, service: p } : undefined;
}

/** True when `host` reads as a host name rather than a (possibly broken) address. */
export function isHostName(host: string): boolean {
  return HOST_NAME.test(host) && !/^[\d.]+$/.test(host);
}

/** Expand an IPv6 text to eight 16-bit groups, or undefined if it is not IPv6. */
function ipv6Groups(s: string): number[] | undefined {
  let text = s;
  const tail: number[] = [];
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    if (b.some((x) => x > 255)) return undefined;
    tail.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
    text = text.slice(0, -v4[1].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !rest) return undefined;
  const have = head.length + rest.length + tail.length;
  if (halves.length === 1 && have !== 8) return undefined;
  if (halves.length === 2 && have > 7) return undefined;
  return [...head, ...new Array<number>(8 - have).fill(0), ...rest, ...tail];
}

/**
 * Canonical form of a host part, or undefined when it is not an address. `*` becomes the unspecified
 * address of `wildcardFamily`.
 */
export function canonicalHost(hostIn: string, wildcardFamily: Family = 'ipv4'): { address: string; family: Family } | undefined {
  let host = hostIn.trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const pct = host.indexOf('%');
  if (pct >= 0) host = host.slice(0, pct);
  if (host === '*' || host === '') return wildcardFamily === 'ipv4' ? { address: '0.0.0.0', family: 'ipv4' } : { address: '::', family: 'ipv6' };
  if (IPV4.test(host)) {
    // Hot path (100k-row pastes): validate without splitting; rewrite only octets with leading zeros.
    let octet = 0;
    for (let i = 0; i <= host.length; i++) {
      const c = i < host.length ? host.charCodeAt(i) : 46;
      if (c === 46) { if (octet > 255) return undefined; octet = 0; } else octet = octet * 10 + (c - 48);
    }
    return { address: LEADING_ZERO.test(host) ? host.split('.').map(Number).join('.') : host, family: 'ipv4' };
  }
  const g = ipv6Groups(host);
  if (!g) return undefined;
  // ::ffff:a.b.c.d is an IPv4 peer reached through an IPv6 socket: join it with the IPv4 view.
  if (isV4MappedGroups(g)) {
    return { address: `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`, family: 'ipv4' };
  }
  return { address: formatIpv6(g), family: 'ipv6' };
}

/**
 * `host:port` (Linux, Windows, lsof: separator ':') or `host.port` (BSD/macOS: separator '.'),
 * split on the last separator. Undefined when either half cannot be read (the caller reports the line).
 */
export function parseEndpoint(text: string, sep: ':' | '.' = ':', wildcardFamily: Family = 'ipv4', opts?: EndpointOptions): Endpoint | undefined {
  const i = text.lastIndexOf(sep);
  if (i < 0) return undefined;
  const port = parsePort(text.slice(i + 1), opts);
  if (port === undefined) return undefined;
  const hostText = text.slice(0, i);
  const host = canonicalHost(hostText, wildcardFamily)
    ?? (opts?.names && isHostName(hostText) ? { address: hostText, family: wildcardFamily } : undefined);
  if (!host) return undefined;
  const e: Endpoint = { address: host.address, port: port.port, family: host.family };
  if (port.service !== undefined) e.service = port.service;
  return e;
}

/** The 4-tuple key merge.ts joins on (a port known only by its name joins by that name). */
export function tupleKey(s: { localAddress: string; localPort: number; remoteAddress: string; remotePort: number; localService?: string; remoteService?: string }): string {
  const lp = s.localService === undefined ? s.localPort : `${s.localPort}/${s.localService}`;
  const rp = s.remoteService === undefined ? s.remotePort : `${s.remotePort}/${s.remoteService}`;
  return `${s.localAddress}|${lp}|${s.remoteAddress}|${rp}`;
}

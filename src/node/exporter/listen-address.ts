// `--listen HOST:PORT` (or `[IPv6]:PORT`, or `:PORT` for every address) checked before anything
// binds, so a typo is a usage error in the user's language rather than a stack trace.
import { isIP } from 'node:net';
import type { Text } from '../../i18n/lang.js';

/**
 * 19709. Prometheus's "Default port allocations" wiki list gives every port of its exporter range,
 * 9100–9999, to some exporter (9709 is float_exporter's), and the Prometheus docs advise a port
 * outside that range for anything not in the list. 19709 is outside it, below Linux's default
 * ip_local_port_range (32768–60999, so no outgoing connection can be holding it) and below
 * Kubernetes' NodePort range (30000–32767).
 */
export const DEFAULT_PORT = 19709;
export const DEFAULT_HOST = '127.0.0.1';

export interface ListenAddress { host: string; port: number }

export class ListenAddressError extends Error {
  constructor(readonly text: Text) { super(text.en); }
}

export function parseListen(v: string): ListenAddress {
  const bad = (why: Text): never => { throw new ListenAddressError({ en: `--listen: '${v}' ${why.en}`, zh: `--listen：'${v}' ${why.zh}` }); };
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(v.trim());
  if (!m) bad({ en: 'is not HOST:PORT (e.g. 127.0.0.1:19709, [::1]:19709, :19709 for every address)', zh: '不是 主机:端口（例如 127.0.0.1:19709、[::1]:19709，或 :19709 表示所有地址）' });
  const host = m![1] ?? m![2];
  const port = Number(m![3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad({ en: 'has no port from 1 to 65535', zh: '的端口不在 1 到 65535 之间' });
  if (m![1] !== undefined && isIP(host) !== 6) bad({ en: 'has brackets around something that is not an IPv6 address', zh: '方括号中不是 IPv6 地址' });
  if (host !== '' && m![1] === undefined && isIP(host) === 0 && !/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(host)) {
    bad({ en: 'has a host that is neither an IP address nor a host name', zh: '的主机既不是 IP 地址也不是主机名' });
  }
  return { host: host === '' ? '::' : host, port };
}

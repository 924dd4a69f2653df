// The socket list's filter box, in ss's words (ss(8) FILTER, the common part): `sport = :8080`,
// `dport :443`, `src 10.0.0.5`, `dst [::1]:80`, `pid 4242`, `:8080` for either port, and any other
// word matched as text against the addresses and the owner (`java`, `10.0.0.`). Terms all hold
// (AND), as ss joins them without `or`. A value that cannot be a port, pid or address is an error
// the server answers 400 with, never an empty list that looks like "no such sockets".
import type { SocketRecord } from '../../model/snapshot.js';
import type { Text } from '../../i18n/lang.js';
import { endpoint } from '../../diagnose/facts.js';

export interface SocketQuery {
  text: string;
  sport?: number;
  dport?: number;
  port?: number;
  src?: string;
  dst?: string;
  pid?: number;
  words: string[];
}

export class QueryError extends Error {
  constructor(readonly text: Text) { super(text.en); }
}

const MAX_QUERY = 512;

function portOf(v: string, key: string): number {
  const m = /^:?(\d{1,5})$/.exec(v);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new QueryError({ en: `${key}: '${v}' is not a port (0 to 65535)`, zh: `${key}：'${v}' 不是端口（0 到 65535）` });
  return n;
}

/** Reads the filter box; throws QueryError for a value that is not what its key wants. */
export function parseSocketQuery(raw: string): SocketQuery {
  if (raw.length > MAX_QUERY) throw new QueryError({ en: `filter longer than ${MAX_QUERY} characters`, zh: `筛选条件超过 ${MAX_QUERY} 个字符` });
  const q: SocketQuery = { text: raw.trim(), words: [] };
  const tokens = raw.trim().split(/\s+/).filter((w) => w !== '' && w !== '=' && w !== '==' && w !== 'and' && w !== '&&');
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i].toLowerCase();
    const keyed = /^(sport|dport|src|dst|pid)(?:=+|:)?(.*)$/.exec(tok);
    if (keyed && ['sport', 'dport', 'src', 'dst', 'pid'].includes(keyed[1])) {
      const key = keyed[1];
      let v = keyed[2].replace(/^=+/, '');
      if (v === '') {
        v = tokens[++i] ?? '';
        if (v === '') throw new QueryError({ en: `${key} needs a value`, zh: `${key} 需要一个值` });
      }
      if (key === 'sport') q.sport = portOf(v, key);
      else if (key === 'dport') q.dport = portOf(v, key);
      else if (key === 'pid') {
        if (!/^\d{1,10}$/.test(v)) throw new QueryError({ en: `pid: '${v}' is not a process id`, zh: `pid：'${v}' 不是进程号` });
        q.pid = Number(v);
      } else {
        if (!/^[0-9a-f.:[\]*/%]+$/i.test(v)) throw new QueryError({ en: `${key}: '${v}' is not an address`, zh: `${key}：'${v}' 不是地址` });
        if (key === 'src') q.src = v; else q.dst = v;
      }
    } else if (/^:\d+$/.test(tok)) {
      q.port = portOf(tok, 'port');
    } else {
      q.words.push(tok);
    }
  }
  return q;
}

function addressMatches(want: string, address: string, port: number): boolean {
  const text = endpoint(address, port);
  if (want === '*' || want === text || want === address || want === `[${address}]`) return true;
  // A trailing `:port` or a prefix written as `10.0.0.` both narrow by text, as people type them.
  return text.startsWith(want) || text.endsWith(want.startsWith(':') ? want : `\u0000`);
}

export function socketMatches(k: SocketRecord, q: SocketQuery, names: Map<number, string>): boolean {
  if (q.sport !== undefined && k.localPort !== q.sport) return false;
  if (q.dport !== undefined && k.remotePort !== q.dport) return false;
  if (q.port !== undefined && k.localPort !== q.port && k.remotePort !== q.port) return false;
  if (q.pid !== undefined && !(k.processes ?? []).some((p) => p.pid === q.pid)) return false;
  if (q.src !== undefined && !addressMatches(q.src, k.localAddress, k.localPort)) return false;
  if (q.dst !== undefined && !addressMatches(q.dst, k.remoteAddress, k.remotePort)) return false;
  if (q.words.length === 0) return true;
  const hay = `${endpoint(k.localAddress, k.localPort)} ${endpoint(k.remoteAddress, k.remotePort)} ${(k.processes ?? []).map((p) => `${p.name ?? names.get(p.pid) ?? ''}/${p.pid}`).join(' ')}`.toLowerCase();
  return q.words.every((w) => hay.includes(w));
}

// READ THIS FIRST — ss's filter language, read by hand and matched against SocketRecords.
//
// `ss [state STATE]... [exclude STATE]... [EXPRESSION]` (ss(8), iproute2 misc/ssfilter.y):
// - `state X` / `exclude X` come first; several `state` words add up (a union), as in ss, where the
//   last `state`-less run is the default. X is a state in any spelling (`close-wait`, `time_wait`,
//   `estab`, ss's `syn-recv`, `listening`) or one of ss's groups, as ss.c defines them:
//   `all`; `connected` = all but LISTEN, CLOSED and the two "bucket" states (SS_CONN);
//   `synchronized` = connected without SYN-SENT; `bucket` = SYN-RECEIVED and TIME-WAIT (the
//   minisockets); `big` = all but bucket.
// - EXPRESSION: `sport|dport OP [HOST]:PORT`, `src|dst HOST[/PREFIX][:PORT]`, joined by `and`
//   (`&`, `&&`, or nothing at all), `or` (`|`, `||`), `not` (`!`), with parentheses. OP is `=`/`==`/
//   `eq`, `!=`/`ne`/`neq`, `<`/`lt`, `<=`/`le`/`leq`, `>`/`gt`, `>=`/`ge`/`geq`. `and` binds tighter
//   than `or`, as in ssfilter.y. A port is a number or a service name (`:http`); an address may be
//   `*`, an IPv4 or IPv6 address (`[::1]` with a port), with a CIDR prefix.
// - `state X` is also taken inside the expression (ANDed like any other term), which ss refuses: it
//   costs nothing and a user who puts it last means exactly that.
// Errors are located: the token, its 1-based column in the expression joined by spaces, and what
// was expected there, in English and Chinese. Pure: text in, a matcher out.
import type { Text } from '../i18n/lang.js';
import type { SocketRecord } from '../model/snapshot.js';
import { stateFromWord, TCP_STATES, type TcpState } from '../model/states.js';
import { canonicalHost } from './address.js';
import { servicePort, type ServiceTable } from './services.js';

export type PortOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A parsed filter expression; `states` from the leading `state`/`exclude` words, `expr` the rest. */
export type SocketFilterExpr =
  | { kind: 'and' | 'or'; left: SocketFilterExpr; right: SocketFilterExpr }
  | { kind: 'not'; expr: SocketFilterExpr }
  | { kind: 'state'; states: TcpState[] }
  | { kind: 'port'; side: 'local' | 'remote'; op: PortOp; port: number; address?: AddressMatch }
  | { kind: 'address'; side: 'local' | 'remote'; address: AddressMatch; port?: number; negate?: boolean };

/** An address with a prefix length (the whole address when the text had none; -1: any address, only a port was given). */
export interface AddressMatch { address: string; family: 'ipv4' | 'ipv6'; prefix: number }

/** What `parseSocketFilter` gives: the states asked for (undefined: any) and the expression (undefined: all). */
export interface SocketFilterSpec { states?: TcpState[]; expr?: SocketFilterExpr; text: string }

/** A filter that could not be read: which token, where, and why. */
export class SocketFilterError extends Error {
  constructor(readonly text: Text, readonly token: string, readonly column: number) {
    super(text.en);
  }
}

/** ss's state groups (ss.c: SS_ALL, SS_CONN and the `sstate_namel` table). */
const ALL = [...TCP_STATES];
const BUCKET: TcpState[] = ['SYN-RECEIVED', 'TIME-WAIT'];
const CONNECTED = ALL.filter((s) => !['LISTEN', 'CLOSED', ...BUCKET].includes(s));
export const STATE_GROUPS: Readonly<Record<string, readonly TcpState[]>> = {
  all: ALL,
  connected: CONNECTED,
  synchronized: CONNECTED.filter((s) => s !== 'SYN-SENT'),
  bucket: BUCKET,
  big: ALL.filter((s) => !BUCKET.includes(s)),
};

/** ss's own state words where they differ from every other tool's (`syn-recv`, `listening`, `closed`). */
const SS_WORDS: Readonly<Record<string, TcpState>> = { 'syn-recv': 'SYN-RECEIVED', listening: 'LISTEN', closed: 'CLOSED' };

/** The states a word names: one state in any spelling or an ss group; undefined when it names none. */
export function statesFromWord(word: string): readonly TcpState[] | undefined {
  const w = word.toLowerCase();
  if (w in STATE_GROUPS) return STATE_GROUPS[w];
  const ss = SS_WORDS[w];
  if (ss) return [ss];
  const st = stateFromWord(word);
  return st ? [st] : undefined;
}

interface Token { text: string; col: number }

/** Words, operators and parentheses, each with its column in `text`. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\(|\)|!=|==|<=|>=|&&|\|\||[=<>&|!]|[^\s()=<>&|!]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // `!` before a word is `not`; `!=` is an operator, matched above as one token.
    out.push({ text: m[0], col: m.index + 1 });
  }
  return out;
}

const OPS: Readonly<Record<string, PortOp>> = {
  '=': '=', '==': '=', eq: '=', '!=': '!=', ne: '!=', neq: '!=',
  '<': '<', lt: '<', '<=': '<=', le: '<=', leq: '<=', '>': '>', gt: '>', '>=': '>=', ge: '>=', geq: '>=',
};
const AND = new Set(['and', '&', '&&']);
const OR = new Set(['or', '|', '||']);
const NOT = new Set(['not', '!']);
/** ss filter words tcplens does not read (they need data no paste has). */
const UNSUPPORTED = new Set(['dev', 'fwmark', 'cgroup', 'autobound', 'ifindex', 'inode', 'sport6', 'dport6']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly text: string, private readonly services?: ServiceTable) {}

  private peek(): Token | undefined { return this.toks[this.i]; }
  private next(): Token | undefined { return this.toks[this.i++]; }
  private word(): string { return this.peek()?.text.toLowerCase() ?? ''; }

  fail(en: string, zh: string, at: Token | undefined = this.peek()): never {
    const token = at?.text ?? '';
    const col = at?.col ?? this.text.length + 1;
    const where = at ? tx(`at '${token}' (column ${col})`, `在 '${token}'（第 ${col} 列）`) : tx('at the end', '在末尾');
    throw new SocketFilterError(tx(`filter ${where.en}: ${en}`, `过滤表达式${where.zh}：${zh}`), token, col);
  }

  /** `state X` / `exclude X` words at the front: a union of states, minus the excluded ones. */
  leadingStates(): TcpState[] | undefined {
    let states: Set<TcpState> | undefined;
    const excluded = new Set<TcpState>();
    for (;;) {
      const w = this.word();
      if (w !== 'state' && w !== 'exclude' && w !== 'excl') break;
      this.next();
      const st = this.stateWord();
      if (w === 'state') { states ??= new Set(); for (const s of st) states.add(s); } else for (const s of st) excluded.add(s);
    }
    if (!states && excluded.size === 0) return undefined;
    return [...(states ?? ALL)].filter((s) => !excluded.has(s));
  }

  private stateWord(): readonly TcpState[] {
    const t = this.next();
    if (!t) this.fail('a state is missing after `state` (e.g. close-wait, time-wait, connected)', '`state` 后缺少状态（如 close-wait、time-wait、connected）', t);
    const st = statesFromWord(t.text);
    if (!st) this.fail(`'${t.text}' is not a TCP state or ss state group (all, connected, synchronized, bucket, big)`, `'${t.text}' 不是 TCP 状态，也不是 ss 的状态组（all、connected、synchronized、bucket、big）`, t);
    return st;
  }

  done(): boolean { return this.i >= this.toks.length; }
  startsWithOperator(): boolean { const w = this.word(); return AND.has(w) || OR.has(w); }

  /** or-list of and-lists, as ssfilter.y: `a b or c` is `(a and b) or c`. */
  orExpr(first?: SocketFilterExpr): SocketFilterExpr {
    let left = this.andExpr(first);
    while (OR.has(this.word())) {
      this.next();
      left = { kind: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(first?: SocketFilterExpr): SocketFilterExpr {
    let left = first ?? this.unary();
    for (;;) {
      const w = this.word();
      if (AND.has(w)) { this.next(); left = { kind: 'and', left, right: this.unary() }; continue; }
      // Two terms side by side are ANDed, as in ss.
      if (this.done() || w === ')' || OR.has(w)) return left;
      left = { kind: 'and', left, right: this.unary() };
    }
  }

  private unary(): SocketFilterExpr {
    const t = this.peek();
    if (!t) this.fail('a condition is missing (sport, dport, src, dst, state, or a parenthesis)', '缺少条件（sport、dport、src、dst、state 或括号）', t);
    const w = t.text.toLowerCase();
    if (NOT.has(w)) { this.next(); return { kind: 'not', expr: this.unary() }; }
    if (w === '(') {
      this.next();
      const e = this.orExpr();
      const close = this.next();
      if (close?.text !== ')') this.fail(`'(' at column ${t.col} is never closed`, `第 ${t.col} 列的 '(' 没有闭合`, close);
      return e;
    }
    if (w === 'sport' || w === 'dport') return this.portTerm(w === 'sport' ? 'local' : 'remote');
    if (w === 'src' || w === 'dst') return this.addressTerm(w === 'src' ? 'local' : 'remote');
    if (w === 'state') { this.next(); return { kind: 'state', states: [...this.stateWord()] }; }
    if (w === ')') this.fail("')' without a matching '('", "')' 没有对应的 '('", t);
    if (AND.has(w) || OR.has(w)) this.fail(`'${t.text}' needs a condition before it`, `'${t.text}' 之前需要一个条件`, t);
    if (UNSUPPORTED.has(w)) this.fail(`ss's '${t.text}' is not supported here (tcplens reads sport, dport, src, dst and state)`, `这里不支持 ss 的 '${t.text}'（tcplens 支持 sport、dport、src、dst 与 state）`, t);
    if (statesFromWord(t.text)) this.fail(`a state goes after the word state: 'state ${t.text}'`, `状态要写在 state 之后：'state ${t.text}'`, t);
    return this.fail('expected sport, dport, src, dst, state, not or (', '此处应为 sport、dport、src、dst、state、not 或 (', t);
  }

  private portTerm(side: 'local' | 'remote'): SocketFilterExpr {
    const kw = this.next() as Token;
    const opTok = this.peek();
    const op = opTok ? OPS[opTok.text.toLowerCase()] : undefined;
    if (op) this.next();
    const v = this.next();
    if (!v) this.fail(`a port is missing after '${kw.text}' (e.g. ${kw.text} = :8080)`, `'${kw.text}' 后缺少端口（如 ${kw.text} = :8080）`, v);
    const ep = this.endpoint(v, true);
    if (ep.port === undefined) this.fail(`'${v.text}' has no port: write :PORT (e.g. :8080)`, `'${v.text}' 没有端口：请写成 :端口（如 :8080）`, v);
    return { kind: 'port', side, op: op ?? '=', port: ep.port, ...(ep.address ? { address: ep.address } : {}) };
  }

  private addressTerm(side: 'local' | 'remote'): SocketFilterExpr {
    const kw = this.next() as Token;
    let negate = false;
    const opTok = this.peek();
    if (opTok && (opTok.text === '=' || opTok.text === '==' || opTok.text.toLowerCase() === 'eq')) this.next();
    else if (opTok && (opTok.text === '!=' || ['ne', 'neq'].includes(opTok.text.toLowerCase()))) { this.next(); negate = true; }
    const v = this.next();
    if (!v) this.fail(`an address is missing after '${kw.text}' (e.g. ${kw.text} 10.0.0.0/8)`, `'${kw.text}' 后缺少地址（如 ${kw.text} 10.0.0.0/8）`, v);
    const ep = this.endpoint(v, false);
    // `src *:80` or `src :80`: any address (prefix -1), only the port counts.
    const address: AddressMatch = ep.address ?? { address: '*', family: 'ipv4', prefix: -1 };
    return { kind: 'address', side, address, ...(ep.port !== undefined ? { port: ep.port } : {}), ...(negate ? { negate } : {}) };
  }

  /** `[HOST][/PREFIX][:PORT]`; with `portFirst` a bare number is a port (`sport = 80`), else an address. */
  private endpoint(t: Token, portFirst: boolean): { address?: AddressMatch; port?: number } {
    let s = t.text;
    let host = s; let portText: string | undefined;
    if (s.startsWith('[')) {
      const close = s.indexOf(']');
      if (close < 0) this.fail(`'${s}': '[' without ']'`, `'${s}'：'[' 没有对应的 ']'`, t);
      host = s.slice(1, close);
      const rest = s.slice(close + 1);
      if (rest.startsWith('/')) { const c = rest.indexOf(':'); host += c < 0 ? rest : rest.slice(0, c); s = c < 0 ? '' : rest.slice(c); } else s = rest;
      if (s.startsWith(':')) portText = s.slice(1);
      else if (s !== '') this.fail(`'${t.text}' is not ADDRESS[:PORT]`, `'${t.text}' 不是 地址[:端口] 的形式`, t);
    } else if (portFirst && /^\d+$/.test(s)) {
      host = ''; portText = s;
    } else {
      const colons = (s.match(/:/g) ?? []).length;
      // One colon: host:port (or :port). More: a bare IPv6 address, as ss takes it without brackets.
      if (colons === 1) { const c = s.indexOf(':'); host = s.slice(0, c); portText = s.slice(c + 1); }
    }
    const out: { address?: AddressMatch; port?: number } = {};
    if (portText !== undefined && portText !== '*' && portText !== '') {
      const p = /^\d+$/.test(portText) ? Number(portText) : servicePort(portText, this.services);
      if (p === undefined || p > 65535) this.fail(`'${portText}' is not a port (a number 0–65535 or a service name such as http)`, `'${portText}' 不是端口（0–65535 的数字或 http 这样的服务名）`, t);
      out.port = p;
    }
    if (host !== '' && host !== '*') {
      const slash = host.indexOf('/');
      const addrText = slash < 0 ? host : host.slice(0, slash);
      const a = canonicalHost(addrText);
      if (!a || addrText === '') this.fail(`'${addrText}' is not an IPv4 or IPv6 address (host names are not looked up)`, `'${addrText}' 不是 IPv4 或 IPv6 地址（不解析主机名）`, t);
      const bits = a.family === 'ipv4' ? 32 : 128;
      let prefix = bits;
      if (slash >= 0) {
        const p = host.slice(slash + 1);
        if (!/^\d+$/.test(p) || Number(p) > bits) this.fail(`'/${p}' is not a prefix length for ${a.family === 'ipv4' ? 'IPv4 (0–32)' : 'IPv6 (0–128)'}`, `'/${p}' 不是有效的前缀长度（${a.family === 'ipv4' ? 'IPv4：0–32' : 'IPv6：0–128'}）`, t);
        prefix = Number(p);
      }
      out.address = { address: a.address, family: a.family, prefix };
    }
    return out;
  }
}

function tx(en: string, zh: string): Text {
  return { en, zh };
}

/**
 * Reads an ss filter (`state close-wait sport = :8080`, `dst 10.0.0.0/8 and not dport = :443`);
 * throws `SocketFilterError` naming the token and its column. Empty text filters nothing.
 */
export function parseSocketFilter(text: string, services?: ServiceTable): SocketFilterSpec {
  const toks = tokenize(text);
  const p = new Parser(toks, text, services);
  let states = p.leadingStates();
  // `state bucket or state fin-wait-2`: the leading states are the first term of the expression.
  let first: SocketFilterExpr | undefined;
  if (states && p.startsWithOperator()) { first = { kind: 'state', states }; states = undefined; }
  const spec: SocketFilterSpec = { text, ...(states ? { states } : {}) };
  if (!p.done()) {
    spec.expr = p.orExpr(first);
    if (!p.done()) p.fail("unexpected here: ')' without a matching '('", "此处多余：')' 没有对应的 '('");
  }
  return spec;
}

/** 32 or 128 bits of a canonical address, as 8- or 16-bit groups. */
function groups(a: string, family: 'ipv4' | 'ipv6'): number[] | undefined {
  if (family === 'ipv4') {
    const g = a.split('.').map(Number);
    return g.length === 4 && g.every((x) => Number.isInteger(x)) ? g : undefined;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  if (t.length > 0 && t[t.length - 1].includes('.')) return undefined;
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const g = [...h, ...new Array<string>(Math.max(0, fill)).fill('0'), ...t].map((x) => parseInt(x, 16));
  return g.length === 8 && g.every((x) => Number.isInteger(x)) ? g : undefined;
}

function inPrefix(address: string, m: AddressMatch): boolean {
  if (m.prefix < 0) return true; // `src *` or `src :80`: any address
  // An address matches only within its family, as in ss: 0.0.0.0/0 is every IPv4 address.
  const fam: 'ipv4' | 'ipv6' = address.includes(':') ? 'ipv6' : 'ipv4';
  if (fam !== m.family) return false;
  if (m.prefix === 0) return true;
  if (m.prefix === (fam === 'ipv4' ? 32 : 128)) return address === m.address;
  const a = groups(address, fam);
  const b = groups(m.address, fam);
  if (!a || !b) return false;
  const width = fam === 'ipv4' ? 8 : 16;
  let left = m.prefix;
  for (let i = 0; i < a.length && left > 0; i++) {
    const n = Math.min(width, left);
    const mask = ((1 << n) - 1) << (width - n);
    if ((a[i] & mask) !== (b[i] & mask)) return false;
    left -= n;
  }
  return true;
}

function comparePort(have: number, op: PortOp, want: number): boolean {
  switch (op) {
    case '=': return have === want;
    case '!=': return have !== want;
    case '<': return have < want;
    case '<=': return have <= want;
    case '>': return have > want;
    case '>=': return have >= want;
  }
}

function evalExpr(e: SocketFilterExpr, k: SocketRecord): boolean {
  switch (e.kind) {
    case 'and': return evalExpr(e.left, k) && evalExpr(e.right, k);
    case 'or': return evalExpr(e.left, k) || evalExpr(e.right, k);
    case 'not': return !evalExpr(e.expr, k);
    case 'state': return e.states.includes(k.state);
    case 'port': {
      const port = e.side === 'local' ? k.localPort : k.remotePort;
      const addr = e.side === 'local' ? k.localAddress : k.remoteAddress;
      return comparePort(port, e.op, e.port) && (!e.address || inPrefix(addr, e.address));
    }
    case 'address': {
      const port = e.side === 'local' ? k.localPort : k.remotePort;
      const addr = e.side === 'local' ? k.localAddress : k.remoteAddress;
      const hit = inPrefix(addr, e.address) && (e.port === undefined || port === e.port);
      return e.negate ? !hit : hit;
    }
  }
}

/** True when the socket passes the filter's states and expression. */
export function matchesSocketFilter(spec: SocketFilterSpec, k: SocketRecord): boolean {
  if (spec.states && !spec.states.includes(k.state)) return false;
  return !spec.expr || evalExpr(spec.expr, k);
}

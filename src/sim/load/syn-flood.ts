// syn-flood: spoofed SYNs from addresses that never answer fill the listener's SYN queue (each
// request lives through tcp_synack_retries, ~63 s); a real client connects meanwhile. With
// tcp_syncookies=1 (the default) the overflowing SYNs are answered statelessly with cookies and the
// real client still gets in; with 0 its SYN is dropped (TCPReqQFullDrop) and it must retry.
import { isSysError } from '../../core/errno.js';
import { NO_FLAGS, type Segment } from '../../core/segment.js';
import { seq } from '../../core/seq.js';
import type { Host } from '../../stack/host.js';
import type { LoadResult, LoadSample, Scenario, ScenarioOptions, ScenarioParam } from '../scenario.js';
import { Rng } from '../../core/random.js';
import { both, clientServer, DELAY_PARAM, intParam, listenOn, setup, soErrorName, startConnect, Tally, takeSample } from './common.js';

const CLIENT = '10.0.0.1';
const SERVER = '10.0.0.2';
const PORT = 443;

const PARAMS: ScenarioParam[] = [
  { name: 'floodRate', doc: both('spoofed SYNs per second', '每秒伪造 SYN 数'), default: 2000 },
  { name: 'clientRate', doc: both('real connections per second', '每秒真实连接数'), default: 20 },
  { name: 'backlog', doc: both('listen() backlog (also bounds the SYN queue)', 'listen() 的 backlog（同时限制半连接队列）'), default: 128, integer: true, max: 2147483647 },
  { name: 'seconds', doc: both('how long the flood lasts (s)', '攻击持续秒数'), default: 10 },
  { name: 'tail', doc: both('seconds watched after the flood', '攻击结束后继续观察的秒数'), default: 5 },
  DELAY_PARAM,
];

export const synFlood: Scenario = {
  name: 'syn-flood',
  kind: 'load',
  summary: both(
    'Spoofed SYNs fill the SYN queue; with tcp_syncookies=1 real clients still connect through SYN cookies, with 0 their SYNs are dropped',
    '伪造 SYN 塞满半连接队列；tcp_syncookies=1 时真实客户端仍可通过 SYN cookie 建连，为 0 时其 SYN 被丢弃',
  ),
  params: PARAMS,
  run: (opts) => runSynFlood(opts),
};

function spoofedSyn(rng: Rng): Segment {
  const a = rng.u32();
  return {
    srcAddr: `198.18.${(a >>> 8) & 0xff}.${a & 0xff}`, srcPort: 1024 + (rng.u32() % 64000), dstAddr: SERVER, dstPort: PORT,
    seq: seq(rng.u32()), ack: seq(0), flags: { ...NO_FLAGS, syn: true }, window: 64240, urgent: 0,
    options: [{ kind: 'mss', value: 1460 }, { kind: 'sackOK' }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }], payload: new Uint8Array(0),
  };
}

/** `observe` sees the hosts as the run ends (tests hand their snapshots to the doctor). */
export function runSynFlood(opts: ScenarioOptions, observe?: (hosts: Record<string, Host>) => void): LoadResult {
  const s = setup(PARAMS, opts, 'syn-flood');
  const floodRate = intParam(s.params, 'floodRate', 0, 1_000_000);
  const clientRate = intParam(s.params, 'clientRate', 1, 10_000);
  const backlog = intParam(s.params, 'backlog', 0, 1_000_000);
  const seconds = intParam(s.params, 'seconds', 1, 3600);
  const tail = intParam(s.params, 'tail', 0, 3600);
  const { client, server } = clientServer(s, opts, CLIENT, SERVER);
  const w = s.wire;
  const rng = new Rng(opts.seed ^ 0x5f10);

  const lfd = listenOn(server, PORT, backlog);
  const errors = new Tally();
  let attempted = 0, established = 0, slow = 0;
  const cOpen = new Map<number, { port: number; at: number }>();
  w.onChange(client, (c) => {
    if (c.fd === undefined || cOpen.get(c.fd)?.port !== c.local.port) return;
    const fd = c.fd;
    if (c.from === 'SYN-SENT' && c.to === 'ESTABLISHED') {
      established++;
      if (c.at - (cOpen.get(fd)?.at ?? c.at) > 1000) slow++;
      cOpen.delete(fd);
      client.close(fd);
    } else if (c.to === 'CLOSED') {
      errors.add(soErrorName(client, fd) ?? 'ECONNABORTED');
      cOpen.delete(fd);
      client.close(fd);
    }
  });
  w.onChange(server, (c) => {
    if (c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED') {
      for (let a = server.accept(lfd); !isSysError(a); a = server.accept(lfd)) server.close(a.fd);
    }
  });

  const end = (seconds + tail) * 1000;
  if (floodRate > 0) {
    let n = 0;
    const total = floodRate * seconds;
    const flood = (): void => {
      server.handleSegment(spoofedSyn(rng), w.now);
      w.flush(server);
      n++;
      if (n < total) w.at((n * 1000) / floodRate, flood);
    };
    w.at(0, flood);
  }
  let k = 0;
  const totalClients = clientRate * seconds;
  const open = (): void => {
    attempted++;
    const c = startConnect(client, SERVER, PORT, errors);
    if (c) cOpen.set(c.fd, { port: c.port, at: w.now });
    k++;
    if (k < totalClients) w.at(250 + (k * 1000) / clientRate, open);
  };
  w.at(250, open);

  const samples: LoadSample[] = [];
  w.run(end, 1000, (t) => samples.push(takeSample(t, { client, server }, errors)));
  const sc = server.counters();
  const pending = cOpen.size;
  const totals: Record<string, number> = {
    spoofedSyns: floodRate * seconds, attempted, established, slowConnects: slow, stillConnecting: pending,
    SyncookiesSent: sc['TcpExt:SyncookiesSent'], SyncookiesRecv: sc['TcpExt:SyncookiesRecv'], TCPReqQFullDrop: sc['TcpExt:TCPReqQFullDrop'],
  };
  const cookies = server.config.tcp_syncookies;
  const conclusion = cookies
    ? both(
      `The SYN queue stayed full (backlog ${Math.min(backlog, server.config.somaxconn)}); ${sc['TcpExt:SyncookiesSent']} SYN cookies were sent and ${sc['TcpExt:SyncookiesRecv']} came back valid: ${established} of ${attempted} real clients connected (${slow} slower than 1 s). Cookies keep a listener reachable under a flood; they are a fallback, not a capacity tool (a cookie connection has no window scaling or SACK without timestamps).`,
      `半连接队列一直是满的（backlog ${Math.min(backlog, server.config.somaxconn)}）；发出 ${sc['TcpExt:SyncookiesSent']} 个 SYN cookie，收回 ${sc['TcpExt:SyncookiesRecv']} 个有效的：${attempted} 个真实客户端中 ${established} 个建连成功（${slow} 个超过 1 秒）。cookie 让监听端口在攻击下仍可达；它是后备手段，不是扩容手段（没有时间戳时 cookie 连接没有窗口缩放和 SACK）。`,
    )
    : both(
      `With tcp_syncookies=0 the full SYN queue dropped ${sc['TcpExt:TCPReqQFullDrop']} SYNs (TCPReqQFullDrop): only ${established} of ${attempted} real clients connected, ${slow} of them after SYN retransmissions (1 s, 3 s, 7 s...), and ${pending} were still in SYN-SENT at the end.`,
      `tcp_syncookies=0 时，满的半连接队列丢弃了 ${sc['TcpExt:TCPReqQFullDrop']} 个 SYN（TCPReqQFullDrop）：${attempted} 个真实客户端只有 ${established} 个建连，其中 ${slow} 个靠 SYN 重传（1 秒、3 秒、7 秒……），结束时仍有 ${pending} 个停在 SYN-SENT。`,
    );
  observe?.({ client, server });
  return { kind: 'load', scenario: 'syn-flood', params: { ...s.params, tcp_syncookies: cookies }, samples, totals, conclusion };
}

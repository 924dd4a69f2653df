// short-connections: one client host opens connections to one server at a steady rate; each is
// closed as soon as it is established, by the client or by the server (`closer`). A common
// report ("the server closes right after answering; then the client fires 2,000 concurrent
// connections and some fail to connect") and its usual remedies are all flags of this one run:
//   closer=client           → TIME-WAIT piles up on the client; past range/60 s per second toward one
//                              ip:port, connect() fails with EADDRNOTAVAIL (__inet_hash_connect)
//   --set tcp_tw_reuse=1     → the client takes TIME-WAIT 4-tuples older than 1 s (timestamps on)
//   --set ip_local_port_range="1024 65535"  → more 4-tuples, later exhaustion
//   linger0=true            → the closer sends RST instead of FIN: no TIME-WAIT at all
//   closer=server           → TIME-WAIT moves to the server, where it does not block the client's ports
import { isSysError } from '../../core/errno.js';
import type { StateChange } from '../../stack/api.js';
import type { Host } from '../../stack/host.js';
import type { LoadResult, LoadSample, Scenario, ScenarioOptions, ScenarioParam } from '../scenario.js';
import { errnoName } from '../../core/errno.js';
import { both, choiceParam, clientServer, DELAY_PARAM, fmtS, intParam, listenOn, setup, Tally, takeSample } from './common.js';

const CLIENT = '10.0.0.1';
const SERVER = '10.0.0.2';
const PORT = 80;

const PARAMS: ScenarioParam[] = [
  { name: 'rate', doc: both('new connections per second', '每秒新建连接数'), default: 2000 },
  { name: 'seconds', doc: both('how long the client keeps opening (s)', '客户端持续建连的秒数'), default: 30 },
  { name: 'tail', doc: both('seconds watched after the last connect', '最后一次建连之后继续观察的秒数'), default: 5 },
  { name: 'closer', doc: both('who closes first: client or server', '谁先关闭：client 或 server'), default: 'client' },
  { name: 'linger0', doc: both('the closer sets SO_LINGER {1, 0} (RST, no TIME-WAIT)', '先关闭的一方设置 SO_LINGER {1, 0}（发 RST，不进入 TIME-WAIT）'), default: false },
  { name: 'backlog', doc: both('listen() backlog of the server', '服务端 listen() 的 backlog'), default: 4096, integer: true, max: 2147483647 },
  DELAY_PARAM,
];

export const shortConnections: Scenario = {
  name: 'short-connections',
  kind: 'load',
  summary: both(
    'Many short connections to one server: TIME-WAIT, ephemeral-port exhaustion (EADDRNOTAVAIL) and what tcp_tw_reuse, the port range, SO_LINGER 0 and server-side close change',
    '大量短连接打向同一服务端：TIME-WAIT、临时端口耗尽（EADDRNOTAVAIL），以及 tcp_tw_reuse、端口范围、SO_LINGER 0、服务端先关闭各自带来的变化',
  ),
  params: PARAMS,
  run: (opts) => runShortConnections(opts),
};

/** `observe` sees the hosts as the run ends (tests hand their snapshots to the doctor). */
export function runShortConnections(opts: ScenarioOptions, observe?: (hosts: Record<string, Host>) => void): LoadResult {
  const s = setup(PARAMS, opts, 'short-connections');
  const rate = intParam(s.params, 'rate', 1, 1_000_000);
  const seconds = intParam(s.params, 'seconds', 1, 3600);
  const tail = intParam(s.params, 'tail', 0, 3600);
  const closer = choiceParam(s.params, 'closer', ['client', 'server'] as const);
  const linger0 = s.params.linger0 === true;
  const backlog = intParam(s.params, 'backlog', 0, 1_000_000);
  const { client, server } = clientServer(s, opts, CLIENT, SERVER);
  const w = s.wire;

  const errors = new Tally();
  let attempted = 0, established = 0, slow = 0;
  let firstError: number | undefined;
  let peakTwClient = 0, peakTwServer = 0;
  /** fd → [remote port, connect time]: guards against acting on a reused fd number. */
  const cOpen = new Map<number, { port: number; at: number }>();
  const sOpen = new Map<number, number>();

  const lfd = listenOn(server, PORT, backlog, { reuseAddr: true });

  const fail = (errno: string): void => {
    errors.add(errno);
    if (firstError === undefined) firstError = w.now;
  };
  const cClose = (fd: number): void => {
    cOpen.delete(fd);
    client.close(fd);
  };
  const sClose = (fd: number): void => {
    sOpen.delete(fd);
    server.close(fd);
  };

  const open = (): void => {
    attempted++;
    const fd = client.socket('ipv4', { nonblock: true });
    if (isSysError(fd)) return fail(fd.errno);
    if (closer === 'client' && linger0) client.setsockopt(fd, 'SO_LINGER', { onoff: 1, linger: 0 });
    const r = client.connect(fd, SERVER, PORT);
    if (isSysError(r) && r.errno !== 'EINPROGRESS') {
      client.close(fd);
      return fail(r.errno);
    }
    const st = client.status(fd);
    cOpen.set(fd, { port: isSysError(st) ? 0 : (st.local?.port ?? 0), at: w.now });
  };

  const mine = (m: Map<number, { port: number; at: number }>, c: StateChange): boolean =>
    c.fd !== undefined && m.get(c.fd)?.port === c.local.port;

  w.onChange(client, (c) => {
    if (!mine(cOpen, c)) return;
    const fd = c.fd as number;
    if (c.from === 'SYN-SENT' && c.to === 'ESTABLISHED') {
      established++;
      if (c.at - (cOpen.get(fd)?.at ?? c.at) > 1000) slow++;
      if (closer === 'client') cClose(fd);
    } else if (c.from === 'SYN-SENT' && c.to === 'CLOSED') {
      const e = client.getsockopt(fd, 'SO_ERROR');
      fail(typeof e === 'number' ? (errnoName(e) ?? `errno ${e}`) : 'ECONNABORTED');
      cClose(fd);
    } else if (c.to === 'CLOSE-WAIT' || c.to === 'CLOSED') {
      cClose(fd);
    }
  });

  const acceptAll = (): void => {
    for (;;) {
      const a = server.accept(lfd);
      if (isSysError(a)) return;
      sOpen.set(a.fd, a.port);
      const st = server.status(a.fd);
      const state = isSysError(st) ? 'CLOSED' : st.state;
      if (closer === 'server' || state === 'CLOSE-WAIT' || state === 'CLOSED') {
        if (closer === 'server' && linger0) server.setsockopt(a.fd, 'SO_LINGER', { onoff: 1, linger: 0 });
        sClose(a.fd);
      }
    }
  };
  w.onChange(server, (c) => {
    if (c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED') {
      acceptAll();
      return;
    }
    if (c.fd === undefined || sOpen.get(c.fd) !== c.remote.port) return;
    if (c.to === 'CLOSE-WAIT' || c.to === 'CLOSED') sClose(c.fd);
  });

  const interval = 1000 / rate;
  const total = rate * seconds;
  let i = 0;
  const tick = (): void => {
    open();
    i++;
    if (i < total) w.at(i * interval, tick);
  };
  w.at(0, tick);

  const samples: LoadSample[] = [];
  const hosts = { client, server };
  w.run((seconds + tail) * 1000, 1000, (t) => {
    const smp = takeSample(t, hosts, errors);
    peakTwClient = Math.max(peakTwClient, smp.states.client['TIME-WAIT'] ?? 0);
    peakTwServer = Math.max(peakTwServer, smp.states.server['TIME-WAIT'] ?? 0);
    samples.push(smp);
  });

  const failed = Object.values(errors.total).reduce((a, b) => a + b, 0);
  const [lo, hi] = client.config.ip_local_port_range;
  const ports = hi - lo + 1;
  const totals: Record<string, number> = {
    attempted, established, failed, slowConnects: slow, peakTimeWaitClient: peakTwClient, peakTimeWaitServer: peakTwServer,
    segments: w.segments, ...Object.fromEntries(Object.entries(errors.total).map(([k, v]) => [`errors:${k}`, v])),
  };
  const addrNot = errors.total.EADDRNOTAVAIL ?? 0;
  const remedies = opts.profile === 'windows'
    ? both('let the server close first, reuse connections, lower TcpTimedWaitDelay (30-300 s) or widen the dynamic port range (netsh int ipv4 set dynamicport tcp)', '让服务端先关闭、复用连接、调低 TcpTimedWaitDelay（30-300 秒）或扩大动态端口范围（netsh int ipv4 set dynamicport tcp）')
    : both('let the server close first, reuse connections, widen ip_local_port_range, tcp_tw_reuse=1 (timestamps on), or SO_LINGER 0 (RST, loses TIME-WAIT\'s protection)', '让服务端先关闭、复用连接、扩大 ip_local_port_range、tcp_tw_reuse=1（需开启时间戳），或 SO_LINGER 0（发 RST，失去 TIME-WAIT 的保护）');
  const twSec = client.config.time_wait_ms / 1000;
  let conclusion;
  if (addrNot > 0) {
    conclusion = both(
      `${addrNot} of ${attempted} connect() calls failed with EADDRNOTAVAIL, the first at ${fmtS(firstError ?? 0)}: the client closed first, so each connection left a TIME-WAIT entry on the client for ${twSec} s, and only ${ports} local ports (${lo}-${hi}) exist toward ${SERVER}:${PORT}; ${rate}/s outruns ${ports}/${twSec} s = ${Math.floor(ports / twSec)}/s. Remedies: ${remedies.en}.`,
      `${attempted} 次 connect() 中有 ${addrNot} 次以 EADDRNOTAVAIL 失败，首次在 ${fmtS(firstError ?? 0)}：客户端先关闭，每个连接在客户端留下 ${twSec} 秒的 TIME-WAIT，而到 ${SERVER}:${PORT} 只有 ${ports} 个本地端口（${lo}-${hi}）；每秒 ${rate} 个超过了 ${ports}/${twSec} 秒 = 每秒 ${Math.floor(ports / twSec)} 个。对策：${remedies.zh}。`,
    );
  } else if (failed > 0) {
    conclusion = both(
      `${failed} of ${attempted} connections failed (${Object.entries(errors.total).map(([k, v]) => `${k} ${v}`).join(', ')}); no port exhaustion.`,
      `${attempted} 个连接中有 ${failed} 个失败（${Object.entries(errors.total).map(([k, v]) => `${k} ${v}`).join('，')}）；没有端口耗尽。`,
    );
  } else {
    const where = closer === 'server' ? both('on the server, where it blocks none of the client\'s ports', '在服务端，不占用客户端的端口') : both('on the client', '在客户端');
    const tw = closer === 'server' ? peakTwServer : peakTwClient;
    conclusion = both(
      `All ${attempted} connections were established (${slow} took longer than 1 s). TIME-WAIT peaked at ${tw} ${where.en}${linger0 ? '; SO_LINGER 0 replaced FIN with RST, so there was no TIME-WAIT' : ''}.`,
      `全部 ${attempted} 个连接都建立成功（${slow} 个超过 1 秒）。TIME-WAIT 峰值 ${tw}，${where.zh}${linger0 ? '；SO_LINGER 0 用 RST 代替 FIN，所以没有 TIME-WAIT' : ''}。`,
    );
  }
  observe?.({ client, server });
  return {
    kind: 'load', scenario: 'short-connections',
    params: { ...s.params, profile: opts.profile, ip_local_port_range: `${lo}-${hi}`, tcp_tw_reuse: client.config.tcp_tw_reuse },
    samples, totals, conclusion,
  };
}

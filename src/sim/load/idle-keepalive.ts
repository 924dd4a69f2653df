// idle-keepalive: a Tomcat server whose idle connections are never closed — thousands of ESTABLISHED connections on a server that
// never closes idle ones. Clients open connections and then go quiet; some client machines vanish
// (unplugged: no FIN, no RST ever arrives). Without keepalive and without an application idle
// timeout the server holds every one of them for ever; SO_KEEPALIVE finds the vanished peers after
// tcp_keepalive_time + tcp_keepalive_probes × tcp_keepalive_intvl (7200 + 9×75 s = 2 h 11 min 15 s
// by default) but keeps the live idle ones; an idle timeout in the application (Tomcat's
// keepAliveTimeout / connectionTimeout) closes both.
import { errnoName, isSysError } from '../../core/errno.js';
import type { Host } from '../../stack/host.js';
import type { LoadResult, LoadSample, Scenario, ScenarioOptions, ScenarioParam } from '../scenario.js';
import { both, DELAY_PARAM, intParam, listenOn, newHost, setup, Tally, takeSample } from './common.js';

const LIVE = '10.0.0.1';
const GONE = '10.0.0.3';
const SERVER = '10.0.0.2';
const PORT = 8080;

const PARAMS: ScenarioParam[] = [
  { name: 'connections', doc: both('idle connections opened at the start', '开始时建立的空闲连接数'), default: 1000, integer: true, max: 2147483647 },
  { name: 'vanishPercent', doc: both('share of them whose client machine vanishes (%)', '其中客户端机器消失的比例（%）'), default: 50, max: 100 },
  { name: 'vanishAt', doc: both('when those clients vanish (s)', '这些客户端消失的时刻（秒）'), default: 60 },
  { name: 'keepalive', doc: both('the server sets SO_KEEPALIVE on accepted sockets', '服务端对 accept 的连接设置 SO_KEEPALIVE'), default: false },
  { name: 'idleTimeout', doc: both('the server application closes a connection idle this long (s; 0 = never)', '服务端应用关闭空闲超过该时长的连接（秒；0 表示从不）'), default: 0 },
  { name: 'seconds', doc: both('how long to watch (s)', '观察时长（秒）'), default: 9000 },
  { name: 'every', doc: both('seconds between samples', '采样间隔（秒）'), default: 300 },
  DELAY_PARAM,
];

export const idleKeepalive: Scenario = {
  name: 'idle-keepalive',
  kind: 'load',
  summary: both(
    'Many idle ESTABLISHED connections, some to vanished clients: what SO_KEEPALIVE (2 h 11 min by default) and an application idle timeout each clean up (like a Tomcat server without connectionTimeout)',
    '大量空闲 ESTABLISHED 连接，部分客户端已消失：SO_KEEPALIVE（默认 2 小时 11 分）和应用空闲超时各自能清理什么（就像没有设置 connectionTimeout 的 Tomcat 服务器）',
  ),
  params: PARAMS,
  run: (opts) => runIdleKeepalive(opts),
};

/** `observe` sees the hosts as the run ends (tests hand their snapshots to the doctor). */
export function runIdleKeepalive(opts: ScenarioOptions, observe?: (hosts: Record<string, Host>) => void): LoadResult {
  const s = setup(PARAMS, opts, 'idle-keepalive');
  const n = intParam(s.params, 'connections', 1, 200_000);
  const vanishPct = intParam(s.params, 'vanishPercent', 0, 100);
  const vanishAt = intParam(s.params, 'vanishAt', 0, 1_000_000);
  const idle = intParam(s.params, 'idleTimeout', 0, 1_000_000);
  const seconds = intParam(s.params, 'seconds', 1, 10_000_000);
  const every = intParam(s.params, 'every', 1, 1_000_000);
  const keepalive = s.params.keepalive === true;
  const live = newHost(s, opts, LIVE, 'live-clients', 1);
  const gone = newHost(s, opts, GONE, 'vanishing-clients', 3);
  const server = newHost(s, opts, SERVER, 'server', 2);
  const w = s.wire;
  w.add('live-clients', live);
  w.add('vanishing-clients', gone);
  w.add('server', server);

  const lfd = listenOn(server, PORT, 4096);
  const errors = new Tally();
  const sOpen = new Map<number, number>();
  let idleClosed = 0;
  w.onChange(server, (c) => {
    if (c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED') {
      for (let a = server.accept(lfd); !isSysError(a); a = server.accept(lfd)) {
        const fd = a.fd;
        sOpen.set(fd, a.port);
        if (keepalive) server.setsockopt(fd, 'SO_KEEPALIVE', 1);
        if (idle > 0) {
          const port = a.port;
          w.at(w.now + idle * 1000, () => {
            if (sOpen.get(fd) !== port) return;
            idleClosed++;
            sOpen.delete(fd);
            server.close(fd);
          });
        }
      }
      return;
    }
    if (c.fd !== undefined && sOpen.get(c.fd) === c.remote.port && c.to === 'CLOSED') {
      const e = server.getsockopt(c.fd, 'SO_ERROR');
      if (typeof e === 'number' && e !== 0) errors.add(errnoName(e) === 'ETIMEDOUT' ? 'server:ETIMEDOUT' : `server:errno ${e}`);
      sOpen.delete(c.fd);
      server.close(c.fd);
    }
  });
  const clientSide = (h: Host): void => {
    w.onChange(h, (c) => {
      if (c.fd !== undefined && (c.to === 'CLOSE-WAIT' || c.to === 'CLOSED')) h.close(c.fd);
    });
  };
  clientSide(live);
  clientSide(gone);

  const nGone = Math.round((n * vanishPct) / 100);
  const rate = Math.min(1000, n);
  for (let i = 0; i < n; i++) {
    const h = i < nGone ? gone : live;
    w.at((i * 1000) / rate, () => {
      const fd = h.socket('ipv4', { nonblock: true }) as number;
      const r = h.connect(fd, SERVER, PORT);
      if (isSysError(r) && r.errno !== 'EINPROGRESS') errors.add(r.errno);
    });
  }
  w.at(vanishAt * 1000, () => w.unplug(gone));

  const samples: LoadSample[] = [];
  w.run(seconds * 1000, every * 1000, (t) => samples.push(takeSample(t, { 'live-clients': live, 'vanishing-clients': gone, server }, errors)));
  const end = server.stateCounts();
  const est = end.ESTABLISHED ?? 0;
  const cfg = server.config;
  const kaTotal = cfg.tcp_keepalive_time + cfg.tcp_keepalive_probes * cfg.tcp_keepalive_intvl;
  const totals: Record<string, number> = {
    connections: n, vanished: nGone, serverEstablishedAtEnd: est, idleClosed,
    keepaliveDeadline_s: kaTotal, abortOnTimeout: server.counters()['TcpExt:TCPAbortOnTimeout'],
  };
  const conclusion = both(
    `After ${seconds} s the server still holds ${est} ESTABLISHED connections of ${n} (${nGone} clients vanished at ${vanishAt} s). ` +
      (idle > 0
        ? `The application's idle timeout (${idle} s) closed ${idleClosed}: it cleans up live and dead peers alike.`
        : keepalive
          ? `SO_KEEPALIVE found the vanished peers after ${kaTotal} s idle (tcp_keepalive_time ${cfg.tcp_keepalive_time} + ${cfg.tcp_keepalive_probes} × ${cfg.tcp_keepalive_intvl} s); live idle clients answer the probes and stay.`
          : 'Nothing closes an idle connection: no keepalive, no idle timeout; vanished peers stay ESTABLISHED for ever (check the application\'s timeouts, e.g. Tomcat connectionTimeout/keepAliveTimeout).'),
    `${seconds} 秒后服务端仍有 ${est} 个 ESTABLISHED 连接（共 ${n} 个；${nGone} 个客户端在 ${vanishAt} 秒时消失）。` +
      (idle > 0
        ? `应用的空闲超时（${idle} 秒）关闭了 ${idleClosed} 个：活着和已消失的对端一并清理。`
        : keepalive
          ? `SO_KEEPALIVE 在空闲 ${kaTotal} 秒后（tcp_keepalive_time ${cfg.tcp_keepalive_time} + ${cfg.tcp_keepalive_probes} × ${cfg.tcp_keepalive_intvl} 秒）发现了消失的对端；活着的空闲客户端会回应探测，连接保留。`
          : '没有任何机制关闭空闲连接：没有 keepalive，也没有空闲超时；消失的对端永远停在 ESTABLISHED（检查应用的超时设置，例如 Tomcat 的 connectionTimeout/keepAliveTimeout）。'),
  );
  observe?.({ 'live-clients': live, 'vanishing-clients': gone, server });
  return { kind: 'load', scenario: 'idle-keepalive', params: { ...s.params, tcp_keepalive_time: cfg.tcp_keepalive_time }, samples, totals, conclusion };
}

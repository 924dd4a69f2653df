// accept-backlog: clients connect faster than the server application calls accept(). The accept
// queue holds backlog+1 connections; past that Linux drops the final ACK (ListenOverflows) and
// retransmits the SYN-ACK (tcp_synack_retries), while the client already believes it is
// ESTABLISHED; new SYNs meeting a full accept queue are dropped too (the client retries its SYN
// after 1 s, 3 s, ...). With tcp_abort_on_overflow=1 the server answers with RST instead.
import { isSysError } from '../../core/errno.js';
import type { StateChange } from '../../stack/api.js';
import type { Host } from '../../stack/host.js';
import type { LoadResult, LoadSample, Scenario, ScenarioOptions, ScenarioParam } from '../scenario.js';
import { both, clientServer, DELAY_PARAM, intParam, listenOn, setup, soErrorName, startConnect, Tally, takeSample } from './common.js';

const CLIENT = '10.0.0.1';
const SERVER = '10.0.0.2';
const PORT = 8080;

const PARAMS: ScenarioParam[] = [
  { name: 'rate', doc: both('new connections per second', '每秒新建连接数'), default: 200 },
  { name: 'acceptRate', doc: both('accept() calls per second by the server application', '服务端应用每秒调用 accept() 的次数'), default: 50 },
  { name: 'backlog', doc: both('listen() backlog (capped by net.core.somaxconn)', 'listen() 的 backlog（受 net.core.somaxconn 限制）'), default: 128, integer: true, max: 2147483647 },
  { name: 'seconds', doc: both('how long the clients keep connecting (s)', '客户端持续建连的秒数'), default: 10 },
  { name: 'tail', doc: both('seconds watched after the last connect', '最后一次建连之后继续观察的秒数'), default: 20 },
  DELAY_PARAM,
];

export const acceptBacklog: Scenario = {
  name: 'accept-backlog',
  kind: 'load',
  summary: both(
    'A slow accept() loop behind a small or large backlog: the accept queue holds backlog+1, then final ACKs and SYNs are dropped (ListenOverflows) or reset (tcp_abort_on_overflow=1)',
    'accept() 处理慢、backlog 大小不同：全连接队列容纳 backlog+1 个，之后第三次握手的 ACK 和新 SYN 被丢弃（ListenOverflows），或在 tcp_abort_on_overflow=1 时被 RST',
  ),
  params: PARAMS,
  run: (opts) => runAcceptBacklog(opts),
};

/** `observe` sees the hosts as the run ends (tests hand their snapshots to the doctor). */
export function runAcceptBacklog(opts: ScenarioOptions, observe?: (hosts: Record<string, Host>) => void): LoadResult {
  const s = setup(PARAMS, opts, 'accept-backlog');
  const rate = intParam(s.params, 'rate', 1, 100_000);
  const acceptRate = intParam(s.params, 'acceptRate', 0, 100_000);
  const backlog = intParam(s.params, 'backlog', 0, 1_000_000);
  const seconds = intParam(s.params, 'seconds', 1, 3600);
  const tail = intParam(s.params, 'tail', 0, 3600);
  const { client, server } = clientServer(s, opts, CLIENT, SERVER);
  const w = s.wire;

  const errors = new Tally();
  let attempted = 0, established = 0, accepted = 0, slow = 0, resetAfterEstablished = 0;
  const cOpen = new Map<number, { port: number; at: number }>();
  const sOpen = new Map<number, number>();
  const lfd = listenOn(server, PORT, backlog);

  const cClose = (fd: number): void => {
    cOpen.delete(fd);
    client.close(fd);
  };
  const mine = (c: StateChange): boolean => c.fd !== undefined && cOpen.get(c.fd)?.port === c.local.port;
  w.onChange(client, (c) => {
    if (!mine(c)) return;
    const fd = c.fd as number;
    if (c.from === 'SYN-SENT' && c.to === 'ESTABLISHED') {
      established++;
      if (c.at - (cOpen.get(fd)?.at ?? c.at) > 1000) slow++;
    } else if (c.to === 'CLOSED') {
      const name = soErrorName(client, fd);
      if (c.from === 'SYN-SENT') errors.add(name ?? 'ECONNREFUSED');
      else if (name) {
        errors.add(name);
        resetAfterEstablished++;
      }
      cClose(fd);
    } else if (c.to === 'CLOSE-WAIT') {
      cClose(fd);
    }
  });
  let peakAcceptQ = 0;
  w.onChange(server, (c) => {
    if (c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED') {
      peakAcceptQ = Math.max(peakAcceptQ, server.queues()[0]?.acceptQueue ?? 0);
      return;
    }
    if (c.fd !== undefined && sOpen.get(c.fd) === c.remote.port && (c.to === 'CLOSED' || c.to === 'CLOSE-WAIT')) {
      sOpen.delete(c.fd);
      server.close(c.fd);
    }
  });

  const open = (): void => {
    attempted++;
    const c = startConnect(client, SERVER, PORT, errors);
    if (c) cOpen.set(c.fd, { port: c.port, at: w.now });
  };
  const total = rate * seconds;
  let i = 0;
  const tick = (): void => {
    open();
    i++;
    if (i < total) w.at((i * 1000) / rate, tick);
  };
  w.at(0, tick);
  // The application serves one connection per 1/acceptRate s: accept, then close (server first).
  const end = (seconds + tail) * 1000;
  if (acceptRate > 0) {
    const acceptTick = (): void => {
      const a = server.accept(lfd);
      if (!isSysError(a)) {
        accepted++;
        server.close(a.fd);
      }
      const next = w.now + 1000 / acceptRate;
      if (next <= end) w.at(next, acceptTick);
    };
    w.at(1000 / acceptRate, acceptTick);
  }

  const samples: LoadSample[] = [];
  w.run(end, 1000, (t) => {
    samples.push(takeSample(t, { client, server }, errors));
  });
  const sc = server.counters();
  const eff = Math.min(backlog, server.config.somaxconn);
  const totals: Record<string, number> = {
    attempted, establishedOnClient: established, accepted, slowConnects: slow, resetAfterEstablished,
    peakAcceptQueue: peakAcceptQ, effectiveBacklog: eff,
    ListenOverflows: sc['TcpExt:ListenOverflows'], ListenDrops: sc['TcpExt:ListenDrops'],
  };
  const abort = server.config.tcp_abort_on_overflow === 1;
  const conclusion = sc['TcpExt:ListenOverflows'] > 0
    ? both(
      `The accept queue filled to ${peakAcceptQ} (backlog ${eff}: Linux holds backlog + 1) while the application accepted ${acceptRate}/s of ${rate}/s arriving; ListenOverflows reached ${sc['TcpExt:ListenOverflows']}. ${abort ? `With tcp_abort_on_overflow=1 the server reset them: ${resetAfterEstablished} clients saw ECONNRESET after their connect() had succeeded.` : `Final ACKs were dropped and SYN-ACKs retransmitted, so clients sat in ESTABLISHED while the server still had them in SYN-RECEIVED; ${slow} connects took over 1 s because their SYN met a full queue and was retried.`} A bigger backlog only buys time: the cure is accepting faster.`,
      `全连接队列涨到 ${peakAcceptQ}（backlog ${eff}：Linux 最多容纳 backlog + 1 个），应用每秒只 accept ${acceptRate} 个而每秒到达 ${rate} 个；ListenOverflows 达到 ${sc['TcpExt:ListenOverflows']}。${abort ? `tcp_abort_on_overflow=1 时服务端直接 RST：${resetAfterEstablished} 个客户端在 connect() 成功后收到 ECONNRESET。` : `第三次握手的 ACK 被丢弃、SYN-ACK 被重传，客户端已是 ESTABLISHED 而服务端仍在 SYN-RECEIVED；${slow} 个连接因 SYN 遇到满队列被重试而超过 1 秒。`}加大 backlog 只是争取时间，根本办法是加快 accept。`,
    )
    : both(
      `The accept queue peaked at ${peakAcceptQ} of ${eff + 1}: no overflow at ${rate}/s arriving and ${acceptRate}/s accepted.`,
      `全连接队列峰值 ${peakAcceptQ}（上限 ${eff + 1}）：每秒到达 ${rate} 个、accept ${acceptRate} 个，没有溢出。`,
    );
  observe?.({ client, server });
  return { kind: 'load', scenario: 'accept-backlog', params: { ...s.params, somaxconn: server.config.somaxconn, tcp_abort_on_overflow: server.config.tcp_abort_on_overflow }, samples, totals, conclusion };
}

// close-wait-leak-at-scale: a server application that forgets close() on one code path. Clients send
// a request and close; the server reads to EOF and closes, except on the leaky path, where the
// connection stays in CLOSE-WAIT for ever (it has no timer in Linux) and its fd leaks. The
// leak grows linearly until the process hits its fd limit (RLIMIT_NOFILE): accept() fails with
// EMFILE, the accept queue fills, SYNs are dropped (ListenOverflows) and new clients time out —
// the cascade production reports show. The clients' side of each leaked connection sits in
// FIN-WAIT-2 for tcp_fin_timeout (60 s) and then disappears, so only the server shows the leak.
import { isSysError } from '../../core/errno.js';
import type { Host } from '../../stack/host.js';
import type { LoadResult, LoadSample, Scenario, ScenarioOptions, ScenarioParam } from '../scenario.js';
import { both, clientServer, DELAY_PARAM, fmtS, intParam, listenOn, setup, soErrorName, startConnect, Tally, takeSample } from './common.js';

const CLIENT = '10.0.0.1';
const SERVER = '10.0.0.2';
const PORT = 8080;
const REQUEST = new Uint8Array(100);

const PARAMS: ScenarioParam[] = [
  { name: 'rate', doc: both('requests per second (one connection each)', '每秒请求数（每个请求一个连接）'), default: 20 },
  { name: 'leakPercent', doc: both('share of connections the server never closes (%)', '服务端从不关闭的连接比例（%）'), default: 10, max: 100 },
  { name: 'fdLimit', doc: both('the server process\'s fd limit (ulimit -n)', '服务端进程的 fd 上限（ulimit -n）'), default: 1024, integer: true, max: 2147483647 },
  { name: 'backlog', doc: both('listen() backlog', 'listen() 的 backlog'), default: 128, integer: true, max: 2147483647 },
  { name: 'seconds', doc: both('how long to run (s)', '运行时长（秒）'), default: 600 },
  { name: 'every', doc: both('seconds between samples', '采样间隔（秒）'), default: 30 },
  DELAY_PARAM,
];

export const closeWaitLeakAtScale: Scenario = {
  name: 'close-wait-leak-at-scale',
  kind: 'load',
  summary: both(
    'A server that forgets close() on one path: CLOSE-WAIT grows without end until the fd limit, then EMFILE, a full accept queue and failing clients',
    '服务端某条路径忘了 close()：CLOSE-WAIT 无限增长直到 fd 上限，随后 EMFILE、全连接队列满、客户端失败',
  ),
  params: PARAMS,
  run: (opts) => runCloseWaitLeak(opts),
};

/** `observe` sees the hosts as the run ends (tests hand their snapshots to the doctor). */
export function runCloseWaitLeak(opts: ScenarioOptions, observe?: (hosts: Record<string, Host>) => void): LoadResult {
  const s = setup(PARAMS, opts, 'close-wait-leak-at-scale');
  const rate = intParam(s.params, 'rate', 1, 100_000);
  const leakPct = intParam(s.params, 'leakPercent', 0, 100);
  const fdLimit = intParam(s.params, 'fdLimit', 8, 10_000_000);
  const backlog = intParam(s.params, 'backlog', 0, 1_000_000);
  const seconds = intParam(s.params, 'seconds', 1, 1_000_000);
  const every = intParam(s.params, 'every', 1, 1_000_000);
  const { client, server } = clientServer(s, opts, CLIENT, SERVER, { maxFds: fdLimit });
  const w = s.wire;

  const lfd = listenOn(server, PORT, backlog);
  const errors = new Tally();
  /** fd → [peer port, leaky?] */
  const sOpen = new Map<number, { port: number; leak: boolean }>();
  let served = 0, leaked = 0, emfileAt: number | undefined;
  const every100 = leakPct > 0 ? 100 / leakPct : Infinity;
  let nth = 0;
  const acceptAll = (): void => {
    for (;;) {
      const a = server.accept(lfd);
      if (isSysError(a)) {
        if (a.errno === 'EMFILE') {
          emfileAt ??= w.now;
          errors.add('server:EMFILE');
        }
        return;
      }
      nth++;
      const leak = Math.floor(nth / every100) !== Math.floor((nth - 1) / every100);
      sOpen.set(a.fd, { port: a.port, leak });
      const st = server.status(a.fd);
      if (!isSysError(st) && st.state === 'CLOSE-WAIT') onEof(a.fd);
    }
  };
  const onEof = (fd: number): void => {
    const o = sOpen.get(fd);
    if (!o) return;
    server.recv(fd, 65536);
    served++;
    if (o.leak) {
      leaked++; // the buggy path returns without close(): CLOSE-WAIT for ever
      return;
    }
    sOpen.delete(fd);
    server.close(fd);
  };
  w.onChange(server, (c) => {
    if (c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED') return acceptAll();
    if (c.fd === undefined || sOpen.get(c.fd)?.port !== c.remote.port) return;
    if (c.to === 'CLOSE-WAIT') onEof(c.fd);
  });
  const cOpen = new Map<number, number>();
  let attempted = 0, ok = 0;
  w.onChange(client, (c) => {
    if (c.fd === undefined || cOpen.get(c.fd) !== c.local.port) return;
    if (c.from === 'SYN-SENT' && c.to === 'ESTABLISHED') {
      ok++;
      client.send(c.fd, REQUEST);
      cOpen.delete(c.fd);
      client.close(c.fd); // request sent, client done: FIN after the data
    } else if (c.to === 'CLOSED') {
      errors.add(soErrorName(client, c.fd) ?? 'ECONNABORTED');
      cOpen.delete(c.fd);
      client.close(c.fd);
    }
  });
  const total = rate * seconds;
  let i = 0;
  const tick = (): void => {
    attempted++;
    const c = startConnect(client, SERVER, PORT, errors);
    if (c) cOpen.set(c.fd, c.port);
    i++;
    if (i < total) w.at((i * 1000) / rate, tick);
  };
  w.at(0, tick);

  const samples: LoadSample[] = [];
  w.run(seconds * 1000, every * 1000, (t) => samples.push(takeSample(t, { client, server }, errors)));
  const end = server.stateCounts();
  const cw = end['CLOSE-WAIT'] ?? 0;
  const sc = server.counters();
  const totals: Record<string, number> = {
    attempted, connected: ok, served, leaked, serverCloseWaitAtEnd: cw, fdLimit,
    ListenOverflows: sc['TcpExt:ListenOverflows'], ...(emfileAt !== undefined ? { emfileAt_s: emfileAt / 1000 } : {}),
  };
  const conclusion = emfileAt !== undefined
    ? both(
      `CLOSE-WAIT on the server grew by about ${((rate * leakPct) / 100).toFixed(1)}/s to ${cw}; at ${fmtS(emfileAt)} the process reached its fd limit (${fdLimit}) and accept() failed with EMFILE. From then on the accept queue stayed full, SYNs were dropped (ListenOverflows ${sc['TcpExt:ListenOverflows']}) and clients failed to connect. CLOSE-WAIT has no timer: only close() in the application (or restarting it) ends it; the ${sc['Tcp:EstabResets']} that ended early were reset when a client reused the same source port (its SYN met the old CLOSE-WAIT, drew a challenge ACK and the client's RST), and their fds stayed leaked.`,
      `服务端 CLOSE-WAIT 以约每秒 ${((rate * leakPct) / 100).toFixed(1)} 个的速度增长到 ${cw}；在 ${fmtS(emfileAt)} 进程达到 fd 上限（${fdLimit}），accept() 以 EMFILE 失败。此后全连接队列一直是满的，SYN 被丢弃（ListenOverflows ${sc['TcpExt:ListenOverflows']}），客户端连不上。CLOSE-WAIT 没有定时器：只有应用调用 close()（或重启进程）才能结束它；提前结束的 ${sc['Tcp:EstabResets']} 个是客户端复用了同一源端口（新 SYN 撞上旧的 CLOSE-WAIT，引来 challenge ACK 和客户端的 RST）而被重置的，它们的 fd 仍然泄漏着。`,
    )
    : both(
      `CLOSE-WAIT on the server grew to ${cw} (${leaked} leaked of ${served} served) and never shrinks: CLOSE-WAIT has no timer, only the application's close() ends it. The fd limit (${fdLimit}) was not reached in ${seconds} s.`,
      `服务端 CLOSE-WAIT 增长到 ${cw}（已处理 ${served} 个，泄漏 ${leaked} 个），且永不减少：CLOSE-WAIT 没有定时器，只有应用的 close() 能结束它。${seconds} 秒内未达到 fd 上限（${fdLimit}）。`,
    );
  observe?.({ client, server });
  return { kind: 'load', scenario: 'close-wait-leak-at-scale', params: { ...s.params }, samples, totals, conclusion };
}

// Opening a connection: the three-way handshake, simultaneous open, a SYN to a closed port, and a
// SYN nobody answers. RFC 9293 §3.5 (Figures 6-8); Linux tcp_rcv_synsent_state_process,
// tcp_v4_send_reset, tcp_retransmit_timer with tcp_syn_linear_timeouts (6.x).
import { exchange, secs } from '../exchange-kit.js';
import { synSchedule } from '../../core/give-up.js';
import { establish, PORT, SERVER } from './common.js';

export const handshake = exchange({
  name: 'handshake',
  summary: { en: 'three-way handshake: SYN, SYN-ACK, ACK', zh: '三次握手：SYN、SYN-ACK、ACK' },
  script(lab) {
    establish(lab);
    const segs = lab.segments();
    const kinds = segs.map((s) => s.text.split(' ')[0]).slice(0, 3).join(', ');
    lab.check(kinds === 'SYN, SYN+ACK, ACK', `the handshake is SYN, SYN+ACK, ACK (saw ${kinds})`);
    const tA = lab.when('A', 'ESTABLISHED');
    const tB = lab.when('B', 'ESTABLISHED');
    lab.check(lab.when('A', 'SYN-SENT') !== undefined && tA !== undefined, 'A goes SYN-SENT -> ESTABLISHED');
    lab.check(lab.when('B', 'SYN-RECEIVED') !== undefined && tB !== undefined, 'B goes SYN-RECEIVED -> ESTABLISHED');
    lab.check(tA !== undefined && tB !== undefined && tA < tB, 'A is ESTABLISHED before B');
    return {
      en: `Three segments open the connection. A is ESTABLISHED when the SYN-ACK arrives (${secs(tA)}, one round trip); B only when the final ACK arrives (${secs(tB)}), so B spends half a round trip in SYN-RECEIVED.`,
      zh: `三个报文建立连接。A 收到 SYN-ACK 时（${secs(tA)}，一个往返）进入 ESTABLISHED；B 要等最后的 ACK 到达（${secs(tB)}）才进入 ESTABLISHED，因此 B 在 SYN-RECEIVED 停留半个往返。`,
    };
  },
});

export const simultaneousOpen = exchange({
  name: 'simultaneous-open',
  summary: { en: 'both sides connect() to each other at once: SYNs cross, SYN-RECEIVED on both', zh: '双方同时 connect()：SYN 交叉，双方都经过 SYN-RECEIVED' },
  names: { A: 'A 10.0.0.1:5000', B: 'B 10.0.0.2:6000' },
  script(lab) {
    const a = lab.A.socket();
    lab.A.bind(a, 5000);
    const b = lab.B.socket();
    lab.B.bind(b, 6000);
    lab.A.connectFd(a, SERVER, 6000);
    lab.B.connectFd(b, '10.0.0.1', 5000);
    lab.runFor(5000);
    const pathA = lab.path('A').join(' -> ');
    const pathB = lab.path('B').join(' -> ');
    const want = 'CLOSED -> SYN-SENT -> SYN-RECEIVED -> ESTABLISHED';
    lab.check(pathA === want, `A goes ${want} (saw ${pathA})`);
    lab.check(pathB === want, `B goes ${want} (saw ${pathB})`);
    return {
      en: 'Each SYN reaches a socket in SYN-SENT, which answers with a SYN-ACK and moves to SYN-RECEIVED (RFC 9293 §3.5 Figure 8); each SYN-ACK then completes the other side. Four segments, no listener, and both ends are ESTABLISHED.',
      zh: '每个 SYN 都到达处于 SYN-SENT 的套接字，它回 SYN-ACK 并进入 SYN-RECEIVED（RFC 9293 §3.5 图 8）；随后各自收到的 SYN-ACK 让连接建立。四个报文，没有监听套接字，两端都进入 ESTABLISHED。',
    };
  },
});

export const synToClosedPort = exchange({
  name: 'syn-to-closed-port',
  summary: { en: 'connect() to a port nobody listens on: RST, ECONNREFUSED', zh: 'connect() 到无人监听的端口：RST，ECONNREFUSED' },
  script(lab) {
    const c = lab.A.connect(SERVER, PORT + 1);
    lab.runFor(1000);
    const err = lab.A.soError(c);
    const rst = lab.segments('B').find((s) => s.text.startsWith('RST'));
    lab.check(rst !== undefined, 'B answers the SYN with an RST');
    lab.check(err === 'ECONNREFUSED', `connect() fails with ECONNREFUSED (SO_ERROR: ${err || 'none'})`);
    lab.check(lab.state('A') === 'CLOSED', 'A ends CLOSED');
    return {
      en: `No socket matches the SYN, so B's stack answers with ${rst?.text ?? 'an RST'} (RFC 9293 §3.10.7.1: ACK the SYN so the RST is acceptable). A's connect() fails at once with ECONNREFUSED: "connection refused" means the host is up and nothing listens there.`,
      zh: `没有套接字匹配这个 SYN，B 的协议栈回 ${rst?.text ?? 'RST'}（RFC 9293 §3.10.7.1：确认该 SYN，使 RST 可被接受）。A 的 connect() 立即以 ECONNREFUSED 失败：“连接被拒绝”说明主机在线，只是该端口没有监听。`,
    };
  },
});

export const synRetriesTimeout = exchange({
  name: 'syn-retries-timeout',
  summary: { en: 'every SYN is dropped (a firewall): SYN retransmitted tcp_syn_retries times, then ETIMEDOUT', zh: 'SYN 全被丢弃（防火墙）：重传 tcp_syn_retries 次后 ETIMEDOUT' },
  script(lab) {
    lab.B.listen(PORT);
    lab.net.link('A', 'B').drop.push({ flags: 'S' });
    lab.note({ en: 'a firewall drops every SYN from A', zh: '防火墙丢弃 A 发出的所有 SYN' });
    const c = lab.A.connect(SERVER, PORT);
    const t0 = lab.now;
    lab.runUntilTrue(() => lab.state('A') === 'CLOSED', 30 * 60_000);
    const err = lab.A.soError(c);
    const syns = lab.segments('A').filter((s) => s.text.startsWith('SYN')).length;
    const gaveUp = lab.when('A', 'CLOSED', 1, 'SYN-SENT');
    const retries = lab.config.tcp_syn_retries;
    const linear = lab.config.tcp_syn_linear_timeouts;
    // Linux 6.x tcp_write_timeout(): in SYN-SENT, max_retransmits = tcp_syn_retries +
    // tcp_syn_linear_timeouts, the linear retries being "free" (commit ccce324dabfe) — unless the
    // time check (tcp_model_timeout(tcp_syn_retries, 1 s)) ends it sooner: give-up.ts has both.
    const want = synSchedule({ synRetries: retries, linear, rtoMaxMs: lab.config.tcp_rto_max_ms });
    lab.check(syns === want.retransmitsAt.length + 1, `A sends 1 SYN and ${want.retransmitsAt.length} retransmissions (tcp_syn_retries ${retries}, tcp_syn_linear_timeouts ${linear}; saw ${syns} SYNs)`);
    lab.check(err === 'ETIMEDOUT', `connect() fails with ETIMEDOUT (SO_ERROR: ${err || 'none'})`);
    const took = gaveUp === undefined ? undefined : gaveUp - t0;
    return {
      en: `A sent ${syns} SYNs and gave up after ${secs(took)} with ETIMEDOUT. Linux 6.x keeps the 1 s timeout for the first tcp_syn_linear_timeouts = ${linear} backoffs and does not count them against tcp_syn_retries = ${retries}; after them the timeout doubles (2, 4, 8 ... s). Lower tcp_syn_retries (or TCP_SYNCNT per socket) to fail faster.`,
      zh: `A 共发了 ${syns} 个 SYN，${secs(took)} 后以 ETIMEDOUT 放弃。Linux 6.x 在前 tcp_syn_linear_timeouts = ${linear} 次退避中保持 1 秒超时，且不计入 tcp_syn_retries = ${retries}；之后超时逐次翻倍（2、4、8……秒）。想更快失败可调低 tcp_syn_retries（或按套接字设置 TCP_SYNCNT）。`,
    };
  },
});

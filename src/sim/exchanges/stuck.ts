// Connections that get stuck, and what (if anything) ends them: a CLOSE-WAIT leak, an orphaned
// FIN-WAIT-2 and its tcp_fin_timeout, a half-closed FIN-WAIT-2 with no timer at all, and keepalive
// finding a dead peer. Linux tcp_rcv_state_process (FIN_WAIT1 case: tcp_fin_time, tcp_time_wait
// with substate FIN_WAIT2), tcp_keepalive_timer; ip-sysctl.rst tcp_fin_timeout and tcp_keepalive_*.
import { isSysError } from '../../core/errno.js';
import { exchange, secs } from '../exchange-kit.js';
import { dwell, establish } from './common.js';
import { FIN_TIMEOUT_NAME, OS_NAME } from '../profile-words.js';

const HOUR = 3_600_000;

export const closeWaitLeak = exchange({
  name: 'close-wait-leak',
  summary: { en: 'B\'s application never calls close(): CLOSE-WAIT for ever', zh: 'B 的应用从不调用 close()：CLOSE-WAIT 永远存在' },
  params: [{ name: 'duration', doc: { en: 'how long to watch, s', zh: '观察时长（秒）' }, default: 600 }],
  script(lab) {
    const { client } = establish(lab);
    lab.A.close(client);
    lab.note({ en: 'B\'s application forgets the socket: it never reads EOF, never closes', zh: 'B 的应用忘了这个套接字：不读 EOF，也不 close()' });
    lab.runFor(lab.num('duration') * 1000);
    const aGone = lab.when('A', 'CLOSED', 1, 'FIN-WAIT-2');
    lab.check(lab.state('B') === 'CLOSE-WAIT', `B is still in CLOSE-WAIT after ${lab.num('duration')} s (it is ${lab.state('B')})`);
    lab.check(aGone !== undefined, 'A\'s orphaned FIN-WAIT-2 is gone (tcp_fin_timeout)');
    return {
      en: `B stays in CLOSE-WAIT for the whole ${lab.num('duration')} s and would stay for ever: no timer ends CLOSE-WAIT, only B's application calling close(). A gave up its side at ${secs(aGone)} (tcp_fin_timeout) without telling B. Many CLOSE-WAIT sockets on a host mean an application that does not close what it accepted or opened — a file-descriptor leak; the fix is in the code, not in a sysctl.`,
      zh: `B 在整个 ${lab.num('duration')} 秒内都停在 CLOSE-WAIT，并且会永远停下去：没有任何定时器能结束 CLOSE-WAIT，只有 B 的应用调用 close()。A 在 ${secs(aGone)}（tcp_fin_timeout）放弃了自己一端，并没有通知 B。主机上大量 CLOSE-WAIT 意味着应用没有关闭它接受或打开的连接——文件描述符泄漏；要改代码，而不是调 sysctl。`,
    };
  },
});

export const finWait2Timeout = exchange({
  name: 'fin-wait-2-timeout',
  summary: { en: 'A closed, B never sends its FIN: A\'s orphaned FIN-WAIT-2 dies after tcp_fin_timeout', zh: 'A 已关闭、B 一直不发 FIN：A 的孤儿 FIN-WAIT-2 在 tcp_fin_timeout 后消失' },
  script(lab) {
    const { client } = establish(lab);
    lab.A.close(client);
    lab.note({ en: 'A\'s application closed the socket: the connection is an orphan', zh: 'A 的应用已关闭套接字：连接成了孤儿' });
    lab.runUntilTrue(() => lab.state('A') === 'CLOSED', 2 * HOUR);
    lab.runFor(1000);
    const fw2 = dwell(lab, 'A', 'FIN-WAIT-2');
    const want = lab.config.tcp_fin_timeout * 1000;
    lab.check(fw2 === want, `A's FIN-WAIT-2 lasts tcp_fin_timeout = ${secs(want)} (saw ${secs(fw2)})`);
    lab.check(lab.when('A', 'TIME-WAIT') === undefined, 'A never reaches TIME-WAIT');
    lab.check(lab.state('B') === 'CLOSE-WAIT', 'B is left in CLOSE-WAIT');
    return {
      en: `A's application closed the socket, so nothing can read from it any more: ${OS_NAME[lab.profile]} keeps the orphaned FIN-WAIT-2 only ${FIN_TIMEOUT_NAME[lab.profile]} = ${lab.config.tcp_fin_timeout} s (here ${secs(fw2)}) and then drops it silently — no segment is sent. B never learns and stays in CLOSE-WAIT. (With shutdown(SHUT_WR) instead of close() there is no timer: see half-close-fin-wait-2-forever.)`,
      zh: `A 的应用已经关闭套接字，再也没人能读它：${OS_NAME[lab.profile]} 只把孤儿 FIN-WAIT-2 保留 ${FIN_TIMEOUT_NAME[lab.profile]} = ${lab.config.tcp_fin_timeout} 秒（本次 ${secs(fw2)}），然后悄悄丢弃——不发任何报文。B 并不知道，继续停在 CLOSE-WAIT。（如果用 shutdown(SHUT_WR) 而不是 close()，就没有这个定时器：见 half-close-fin-wait-2-forever。）`,
    };
  },
});

export const halfCloseForever = exchange({
  name: 'half-close-fin-wait-2-forever',
  summary: { en: 'A only shut down writing: FIN-WAIT-2 with no timer, for ever', zh: 'A 只关闭了写方向：FIN-WAIT-2 没有定时器，永远存在' },
  params: [{ name: 'duration', doc: { en: 'how long to watch, s', zh: '观察时长（秒）' }, default: 3600 }],
  script(lab) {
    const { client } = establish(lab);
    lab.A.shutdown(client, 'SHUT_WR');
    lab.note({ en: 'A still holds the fd and waits to read; B never closes', zh: 'A 仍持有 fd 等待读取；B 从不关闭' });
    lab.runFor(lab.num('duration') * 1000);
    lab.check(lab.state('A') === 'FIN-WAIT-2', `A is still in FIN-WAIT-2 after ${lab.num('duration')} s (it is ${lab.state('A')})`);
    lab.check(lab.state('B') === 'CLOSE-WAIT', `B is still in CLOSE-WAIT (it is ${lab.state('B')})`);
    lab.check(lab.net.nextEventTime() === undefined, 'no timer is pending anywhere');
    return {
      en: `After shutdown(SHUT_WR) the socket is not an orphan — A's application may still read — so tcp_fin_timeout does not apply and FIN-WAIT-2 has no timer. With B never closing, the pair FIN-WAIT-2 / CLOSE-WAIT ("one end in FIN-WAIT-2, the other in CLOSE-WAIT", as it is often reported) lasts for ever; only an application close() on either side ends it.`,
      zh: `shutdown(SHUT_WR) 之后套接字不是孤儿——A 的应用还可以读——所以 tcp_fin_timeout 不适用，FIN-WAIT-2 没有定时器。B 从不关闭，于是“一端处于 FIN-WAIT-2，而另一端处于 CLOSE-WAIT”会一直持续；只有某一端的应用调用 close() 才能结束。`,
    };
  },
});

export const keepaliveDeadPeer = exchange({
  name: 'keepalive-dead-peer',
  summary: { en: 'B vanishes; A\'s SO_KEEPALIVE finds out after 7200 + 9 x 75 s = 2 h 11 min 15 s', zh: 'B 消失；A 的 SO_KEEPALIVE 在 7200 + 9 x 75 秒 = 2 小时 11 分 15 秒后发现' },
  script(lab) {
    // SO_KEEPALIVE before connect(): Linux arms the keepalive timer when the connection is
    // established (tcp_finish_connect), i.e. when A last hears from B (the SYN-ACK).
    const listener = lab.B.listen(80);
    const client = lab.A.socket();
    lab.A.setsockopt(client, 'SO_KEEPALIVE', 1);
    lab.A.connectFd(client, '10.0.0.2', 80);
    lab.runUntilTrue(() => lab.state('B') === 'ESTABLISHED', 10_000);
    lab.B.acceptFd(listener);
    lab.runFor(1000);
    const delivered = lab.rec.steps.filter((s) => s.kind === 'segment' && s.from === 'B' && !s.dropped);
    const lastHeard = delivered.length ? delivered[delivered.length - 1].at : 0;
    lab.net.both('A', 'B', (l) => { l.down = true; });
    lab.note({ en: 'B crashes (power cut): nothing reaches it, nothing comes back, no RST', zh: 'B 宕机（断电）：报文到不了它，也没有回应，没有 RST' });
    lab.runUntilTrue(() => lab.state('A') === 'CLOSED', 4 * HOUR);
    const r = lab.A.recv(client);
    const err = isSysError(r) ? r.errno : 'data';
    const dead = lab.when('A', 'CLOSED', 1, 'ESTABLISHED');
    const took = dead === undefined ? undefined : dead - lastHeard;
    const c = lab.config;
    const want = (c.tcp_keepalive_time + c.tcp_keepalive_probes * c.tcp_keepalive_intvl) * 1000;
    const probes = lab.segments('A').filter((s) => s.dropped && !s.text.startsWith('RST')).length;
    lab.check(took === want, `A gives up ${secs(want)} after it last heard from B (saw ${secs(took)})`);
    lab.check(err === 'ETIMEDOUT', `A's recv() fails with ETIMEDOUT (got ${err})`);
    return {
      en: `A heard nothing from B after ${secs(lastHeard)}. After tcp_keepalive_time = ${c.tcp_keepalive_time} s of silence it sent a probe, then one every tcp_keepalive_intvl = ${c.tcp_keepalive_intvl} s; after tcp_keepalive_probes = ${c.tcp_keepalive_probes} unanswered probes it reset the connection: ${secs(took)} after the last segment from B, having sent ${probes} probes into the dead link, and a final RST. The application learns it from ETIMEDOUT. Without SO_KEEPALIVE, A would wait in ESTABLISHED for ever.`,
      zh: `A 在 ${secs(lastHeard)} 之后再没收到 B 的任何报文。静默 tcp_keepalive_time = ${c.tcp_keepalive_time} 秒后发出第一个探测，此后每 tcp_keepalive_intvl = ${c.tcp_keepalive_intvl} 秒一个；tcp_keepalive_probes = ${c.tcp_keepalive_probes} 个探测都无应答后重置连接：距 B 的最后一个报文 ${secs(took)}，期间向死链路发出 ${probes} 个探测，最后发出 RST。应用通过 ETIMEDOUT 得知。没有 SO_KEEPALIVE，A 会永远停在 ESTABLISHED。`,
    };
  },
});

// Closing a connection: the four-segment close from either side, simultaneous close, a lost final
// ACK, and the two aborts (SO_LINGER {1, 0}, close() with unread data). RFC 9293 §3.6 (Figures
// 12-13); Linux tcp_close, tcp_fin, tcp_time_wait, tcp_timewait_state_process.
import { isSysError } from '../../core/errno.js';
import { exchange, secs, type Lab } from '../exchange-kit.js';
import { dwell, establish } from './common.js';
import { FIN_TIMEOUT_NAME, timeWaitSource } from '../profile-words.js';

function recvText(r: ReturnType<Lab['A']['recv']>): string {
  return isSysError(r) ? r.errno : r.length === 0 ? 'EOF' : `${r.length} bytes`;
}

/** Run until both sides are CLOSED (or an hour passes). */
function untilBothClosed(lab: Lab): void {
  lab.runUntilTrue(() => lab.state('A') === 'CLOSED' && lab.state('B') === 'CLOSED', 3_600_000);
}

export const activeClose = exchange({
  name: 'active-close',
  summary: { en: 'A closes first: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT for 60 s', zh: 'A 先关闭：FIN-WAIT-1、FIN-WAIT-2、TIME-WAIT 60 秒' },
  script(lab) {
    const { client, server } = establish(lab);
    lab.A.close(client);
    lab.runFor(1000);
    lab.note({ en: 'B\'s application reads end of stream and closes', zh: 'B 的应用读到流结束，然后关闭' });
    const eof = recvText(lab.B.recv(server));
    lab.B.close(server);
    untilBothClosed(lab);
    const tw = dwell(lab, 'A', 'TIME-WAIT');
    const want = lab.config.time_wait_ms;
    const path = lab.path('A').join(' -> ');
    lab.check(path === 'CLOSED -> SYN-SENT -> ESTABLISHED -> FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT -> CLOSED', `A's path is the active close (saw ${path})`);
    lab.check(eof === 'EOF', `B reads end of stream (got ${eof})`);
    lab.check(tw === want, `A stays in TIME-WAIT ${secs(want)} (saw ${secs(tw)})`);
    lab.check(lab.path('B').includes('CLOSE-WAIT') && lab.path('B').includes('LAST-ACK'), 'B passes CLOSE-WAIT and LAST-ACK');
    const fin = lab.config.tcp_fin_timeout;
    const finName = FIN_TIMEOUT_NAME[lab.profile];
    const source = timeWaitSource(lab.profile, want);
    return {
      en: `The side that closes first (A) ends in TIME-WAIT, for ${secs(tw)}${source.en}` +
        `; ${finName} (${fin} s) does not change it, it only bounds an orphaned FIN-WAIT-2. B, the passive side, goes CLOSE-WAIT -> LAST-ACK -> CLOSED and keeps no TIME-WAIT.`,
      zh: `先关闭的一方（A）最后进入 TIME-WAIT，持续 ${secs(tw)}${source.zh}` +
        `；${finName}（${fin} 秒）不影响它，只限制孤儿 FIN-WAIT-2 的寿命。被动关闭的 B 经过 CLOSE-WAIT -> LAST-ACK -> CLOSED，没有 TIME-WAIT。`,
    };
  },
});

export const passiveClose = exchange({
  name: 'passive-close',
  summary: { en: 'B closes first, A follows: CLOSE-WAIT, LAST-ACK, CLOSED on A', zh: 'B 先关闭、A 随后：A 经过 CLOSE-WAIT、LAST-ACK、CLOSED' },
  script(lab) {
    const { client, server } = establish(lab);
    lab.B.close(server);
    lab.runFor(1000);
    lab.note({ en: 'A\'s application reads end of stream, then closes', zh: 'A 的应用读到流结束，然后关闭' });
    const eof = recvText(lab.A.recv(client));
    lab.A.close(client);
    untilBothClosed(lab);
    const path = lab.path('A').join(' -> ');
    lab.check(path === 'CLOSED -> SYN-SENT -> ESTABLISHED -> CLOSE-WAIT -> LAST-ACK -> CLOSED', `A's path is the passive close (saw ${path})`);
    lab.check(eof === 'EOF', `A reads end of stream (got ${eof})`);
    const cw = dwell(lab, 'A', 'CLOSE-WAIT');
    const tw = dwell(lab, 'B', 'TIME-WAIT');
    lab.check(tw === lab.config.time_wait_ms, `B, which closed first, holds TIME-WAIT ${secs(lab.config.time_wait_ms)} (saw ${secs(tw)})`);
    return {
      en: `A received B's FIN and sat in CLOSE-WAIT for ${secs(cw)} — exactly as long as its application took to call close(). Then LAST-ACK until B's ACK, then CLOSED with no TIME-WAIT: TIME-WAIT belongs to B, which closed first.`,
      zh: `A 收到 B 的 FIN 后在 CLOSE-WAIT 停留了 ${secs(cw)}——正好是它的应用调用 close() 所用的时间。之后 LAST-ACK 等待 B 的 ACK，然后 CLOSED，没有 TIME-WAIT：TIME-WAIT 属于先关闭的 B。`,
    };
  },
});

export const simultaneousClose = exchange({
  name: 'simultaneous-close',
  summary: { en: 'both close at once: FINs cross, CLOSING, TIME-WAIT on both sides', zh: '双方同时关闭：FIN 交叉，CLOSING，两端都进入 TIME-WAIT' },
  script(lab) {
    const { client, server } = establish(lab);
    lab.A.close(client);
    lab.B.close(server);
    untilBothClosed(lab);
    const want = 'FIN-WAIT-1 -> CLOSING -> TIME-WAIT -> CLOSED';
    for (const side of ['A', 'B'] as const) {
      const p = lab.path(side).join(' -> ');
      lab.check(p.endsWith(want), `${side} goes ${want} (saw ${p})`);
    }
    return {
      en: 'Each FIN arrives at a side in FIN-WAIT-1 that has not seen its own FIN acknowledged: it ACKs and moves to CLOSING (RFC 9293 §3.6 Figure 13). When its FIN is ACKed it enters TIME-WAIT — so both sides hold TIME-WAIT.',
      zh: '每个 FIN 到达时对方都处在 FIN-WAIT-1、自己的 FIN 还没被确认：它回 ACK 并进入 CLOSING（RFC 9293 §3.6 图 13）。自己的 FIN 被确认后进入 TIME-WAIT——所以两端都有 TIME-WAIT。',
    };
  },
});

export const lostLastAck = exchange({
  name: 'lost-last-ack',
  summary: { en: 'A\'s final ACK is lost: B retransmits its FIN, A re-ACKs and restarts TIME-WAIT', zh: 'A 的最后一个 ACK 丢失：B 重传 FIN，A 再次确认并重新开始 TIME-WAIT' },
  script(lab) {
    const { client, server } = establish(lab);
    lab.A.close(client);
    lab.runFor(1000);
    lab.B.recv(server);
    lab.net.link('A', 'B').drop.push({ exactFlags: '.', data: false, after: lab.now, times: 1 });
    lab.note({ en: 'the next pure ACK from A will be lost', zh: 'A 的下一个纯 ACK 将会丢失' });
    lab.B.close(server);
    untilBothClosed(lab);
    const finsToA = lab.segments('B').filter((s) => s.text.startsWith('FIN') && !s.dropped);
    const lastFin = finsToA[finsToA.length - 1];
    const twStart = lab.when('A', 'TIME-WAIT');
    const twEnd = lab.when('A', 'CLOSED', 1, 'TIME-WAIT');
    const want = lab.config.time_wait_ms;
    lab.check(lab.segments('A').some((s) => s.dropped), 'A\'s final ACK is lost');
    lab.check(finsToA.length >= 2, `B retransmits its FIN (B's FINs that arrived: ${finsToA.length})`);
    lab.check(lab.state('B') === 'CLOSED', 'B reaches CLOSED after the second ACK');
    lab.check(twEnd !== undefined && lastFin !== undefined && twEnd - lastFin.at === want,
      `A's TIME-WAIT ends ${secs(want)} after the retransmitted FIN, not after the first (ended ${secs(twEnd === undefined || lastFin === undefined ? undefined : twEnd - lastFin.at)} after it)`);
    const total = twEnd !== undefined && twStart !== undefined ? twEnd - twStart : undefined;
    return {
      en: `This is why TIME-WAIT exists: A's last ACK was lost, so B retransmitted its FIN. A, still in TIME-WAIT, could answer with an ACK (from CLOSED it would have sent an RST, and B would have reported an error). The retransmitted FIN restarted A's TIME-WAIT timer, so A held TIME-WAIT ${secs(total)} in all.`,
      zh: `这就是 TIME-WAIT 存在的理由：A 的最后一个 ACK 丢了，B 重传 FIN。A 仍在 TIME-WAIT，能回一个 ACK（若已 CLOSED 只能回 RST，B 会报错）。重传的 FIN 让 A 的 TIME-WAIT 定时器重新开始，A 总共停留了 ${secs(total)}。`,
    };
  },
});

export const lingerZero = exchange({
  name: 'linger-zero',
  summary: { en: 'SO_LINGER {on, 0} then close(): an RST instead of a FIN, no TIME-WAIT', zh: 'SO_LINGER {on, 0} 后 close()：发 RST 而不是 FIN，没有 TIME-WAIT' },
  script(lab) {
    const { client, server } = establish(lab);
    lab.A.setsockopt(client, 'SO_LINGER', { onoff: 1, linger: 0 });
    lab.A.close(client);
    lab.runFor(1000);
    const r = recvText(lab.B.recv(server));
    const rst = lab.segments('A').find((s) => s.text.startsWith('RST'));
    lab.check(rst !== undefined, 'A sends an RST');
    lab.check(!lab.segments('A').some((s) => s.text.startsWith('FIN')), 'A sends no FIN');
    lab.check(lab.when('A', 'TIME-WAIT') === undefined, 'A never enters TIME-WAIT');
    lab.check(lab.state('A') === 'CLOSED' && lab.state('B') === 'CLOSED', 'both sides end CLOSED at once');
    lab.check(r === 'ECONNRESET', `B's next recv() fails with ECONNRESET (got ${r})`);
    return {
      en: 'With SO_LINGER {on, 0}, close() aborts (RFC 9293 ABORT): A sends an RST, discards anything unsent and goes straight to CLOSED — no FIN, no TIME-WAIT. B is reset and its application sees ECONNRESET. It avoids TIME-WAIT at the price of losing data in flight.',
      zh: '设置 SO_LINGER {on, 0} 后 close() 是中止（RFC 9293 ABORT）：A 发 RST、丢弃未发送的数据，直接进入 CLOSED——没有 FIN，没有 TIME-WAIT。B 被重置，应用看到 ECONNRESET。它避开了 TIME-WAIT，代价是可能丢失在途数据。',
    };
  },
});

export const closeWithUnreadData = exchange({
  name: 'close-with-unread-data',
  summary: { en: 'close() with unread received data: an RST, not a FIN', zh: '接收缓冲区还有未读数据时 close()：发 RST 而不是 FIN' },
  script(lab) {
    const { client, server } = establish(lab);
    lab.B.send(server, 100);
    lab.runFor(1000);
    lab.note({ en: 'A closes without reading the 100 bytes B sent', zh: 'A 没读 B 发来的 100 字节就关闭' });
    lab.A.close(client);
    lab.runFor(1000);
    const r = recvText(lab.B.recv(server));
    lab.check(lab.segments('A').some((s) => s.text.startsWith('RST')), 'A sends an RST');
    lab.check(!lab.segments('A').some((s) => s.text.startsWith('FIN')), 'A sends no FIN');
    lab.check(lab.when('A', 'TIME-WAIT') === undefined && lab.state('A') === 'CLOSED', 'A goes to CLOSED without TIME-WAIT');
    lab.check(r === 'ECONNRESET', `B's next recv() fails with ECONNRESET (got ${r})`);
    return {
      en: 'RFC 2525 §2.17 and Linux tcp_close(): closing a socket whose receive queue still holds data sends an RST (counted as TcpExt:TCPAbortOnClose), because the peer must learn its data was not read. A goes straight to CLOSED; B sees ECONNRESET. Read until end of stream before closing to get an orderly FIN.',
      zh: 'RFC 2525 §2.17 与 Linux tcp_close()：接收队列里还有数据时关闭套接字会发 RST（计入 TcpExt:TCPAbortOnClose），因为对端必须知道它的数据没被读。A 直接进入 CLOSED，B 看到 ECONNRESET。想要有序的 FIN，应先读到流结束再关闭。',
    };
  },
});

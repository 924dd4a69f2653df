// TIME-WAIT at work: a new SYN for a 4-tuple in TIME-WAIT (a new incarnation, RFC 9293 §3.6.1 and
// Linux tcp_timewait_state_process → TCP_TW_SYN), and a wandering duplicate from the old
// incarnation arriving while the 4-tuple is still held (RFC 9293 §3.4.1, RFC 1337).
import { exchange, secs } from '../exchange-kit.js';
import { dwell, establish, PORT, SERVER } from './common.js';

export const timeWaitNewSyn = exchange({
  name: 'time-wait-new-syn',
  summary: { en: 'a SYN for a 4-tuple in TIME-WAIT opens a new incarnation', zh: '发往处于 TIME-WAIT 的四元组的 SYN 开启新的连接化身' },
  params: [{ name: 'gap', doc: { en: 'seconds between the close and the new connect()', zh: '关闭与新 connect() 之间的秒数' }, default: 5 }],
  script(lab) {
    const { listener, client, server } = establish(lab);
    const port = lab.A.localPort(client) ?? 40_000;
    lab.note({ en: 'the server closes first, so B holds TIME-WAIT', zh: '服务器先关闭，所以 TIME-WAIT 在 B 上' });
    lab.B.close(server);
    lab.runFor(1000);
    lab.A.recv(client);
    lab.A.close(client);
    lab.runUntil(lab.now + lab.num('gap') * 1000);
    const twBefore = lab.state('B');
    lab.note({ en: `A reconnects from the same port ${port}: same 4-tuple`, zh: `A 从同一端口 ${port} 重新连接：四元组相同` });
    const again = lab.A.socket();
    lab.A.setsockopt(again, 'SO_REUSEADDR', 1);
    lab.A.bind(again, port);
    lab.A.connectFd(again, SERVER, PORT);
    lab.runUntilTrue(() => lab.state('B') === 'ESTABLISHED', 10_000);
    const acc = lab.B.accept(listener);
    lab.runFor(1000);
    lab.check(twBefore === 'TIME-WAIT', `B is in TIME-WAIT when the new SYN arrives (it is ${twBefore})`);
    lab.check(lab.A.stateOf(again) === 'ESTABLISHED', 'the new connection is ESTABLISHED on A');
    lab.check(!('errno' in acc), 'B accepts the new connection');
    // The numbers behind it, from the raw segments: the old incarnation's last sequence numbers,
    // the new SYN, and B's new ISN (Linux: tw_snd_nxt + 65535 + 2, tcp_timewait_state_process).
    const raw = (from: 'A' | 'B', re: RegExp, group = 1): number[] =>
      lab.segments(from).flatMap((x) => { const m = re.exec(x.textAbsolute ?? ''); return m ? [Number(m[group])] : []; });
    // A's FIN (in LAST-ACK) is the old incarnation's last word: its seq and the ack it carries.
    const aFin = raw('A', /^FIN\S* seq=(\d+) ack=(\d+)/)[0];
    const oldSndNxt = raw('A', /^FIN\S* seq=(\d+) ack=(\d+)/, 2)[0];
    const newSyn = raw('A', /^SYN seq=(\d+)/)[1];
    const newIsn = raw('B', /^SYN\+ACK seq=(\d+)/)[1];
    const oldRcvNxt = aFin === undefined ? undefined : (aFin + 1) >>> 0;
    const isnRule = oldSndNxt !== undefined && newIsn === ((oldSndNxt + 65_537) >>> 0);
    lab.check(isnRule, `B's new ISN is its old SND.NXT + 65537 (${oldSndNxt} + 65537 vs ${newIsn})`);
    const numbers = {
      en: ` Here the new SYN carried seq ${newSyn} (the old connection had ended at ${oldRcvNxt}), and B chose ISN ${newIsn} = ${oldSndNxt} + 65537, above anything it sent before, so old duplicates of either incarnation cannot be mistaken for new data.`,
      zh: ` 本次新 SYN 的序号为 ${newSyn}（旧连接结束于 ${oldRcvNxt}），B 选的 ISN 为 ${newIsn} = ${oldSndNxt} + 65537，高于它以前发过的一切序号，所以两个化身的旧重复报文都不会被当成新数据。`,
    };
    // The Host frees the TIME-WAIT entry when the listener takes the SYN; the new request's
    // SYN-RECEIVED marks that moment.
    const twEnd = lab.when('B', 'SYN-RECEIVED', 2);
    const twStart = lab.when('B', 'TIME-WAIT');
    const tw = twEnd !== undefined && twStart !== undefined ? twEnd - twStart : undefined;
    return {
      en: `B's TIME-WAIT for ${SERVER}:${PORT} <-> 10.0.0.1:${port} lasted only ${secs(tw)}: a SYN whose sequence number is above what the old incarnation received (or with a newer timestamp) may reopen the 4-tuple (RFC 9293 §3.6.1; Linux tcp_timewait_state_process returns TCP_TW_SYN and the listener takes it, choosing an ISN above the old one). TIME-WAIT does not block a well-behaved new connection; it blocks old segments.` + numbers.en,
      zh: `B 上 ${SERVER}:${PORT} <-> 10.0.0.1:${port} 的 TIME-WAIT 只持续了 ${secs(tw)}：序号高于旧连接已接收范围（或时间戳更新）的 SYN 可以重新打开这个四元组（RFC 9293 §3.6.1；Linux tcp_timewait_state_process 返回 TCP_TW_SYN，由监听套接字接手，并选取高于旧连接的 ISN）。TIME-WAIT 挡的是旧报文，不挡规矩的新连接。` + numbers.zh,
    };
  },
});

export const wanderingDuplicate = exchange({
  name: 'wandering-duplicate',
  summary: { en: 'an old duplicate from the closed connection arrives during TIME-WAIT', zh: '已关闭连接的旧重复报文在 TIME-WAIT 期间到达' },
  params: [{ name: 'wander', doc: { en: 'how long the duplicate wanders in the network, s', zh: '重复报文在网络中游荡的秒数' }, default: 20 }],
  script(lab) {
    const { client, server } = establish(lab);
    lab.net.link('B', 'A').duplicate.push({ data: true, times: 1, extraMs: lab.num('wander') * 1000 });
    lab.note({ en: `B's reply will be duplicated; the copy wanders ${lab.num('wander')} s`, zh: `B 的应答会被复制一份，副本游荡 ${lab.num('wander')} 秒` });
    lab.A.send(client, 100);
    lab.runFor(1000);
    lab.B.recv(server);
    lab.B.send(server, 100);
    lab.runFor(1000);
    lab.A.recv(client);
    lab.A.close(client);
    lab.runFor(1000);
    lab.B.recv(server);
    lab.B.close(server);
    lab.runUntilTrue(() => lab.state('A') === 'CLOSED', 3_600_000);
    lab.runFor(1000);
    const dup = lab.segments('B').find((s) => s.duplicated);
    const twStart = lab.when('A', 'TIME-WAIT');
    const twEnd = lab.when('A', 'CLOSED', 1, 'TIME-WAIT');
    const inTw = dup !== undefined && twStart !== undefined && twStart < dup.at && (twEnd === undefined || twEnd >= dup.at);
    lab.check(dup !== undefined, 'the duplicate arrives');
    lab.check(inTw, 'it arrives while A holds the 4-tuple in TIME-WAIT');
    const tw = dwell(lab, 'A', 'TIME-WAIT');
    const killed = tw !== undefined && tw < lab.config.time_wait_ms && dup !== undefined && twEnd !== undefined && twEnd - dup.at < 1000;
    const rfc1337 = lab.config.tcp_rfc1337 === 1;
    lab.check(!(killed && rfc1337), 'with tcp_rfc1337=1 an RST does not end TIME-WAIT');
    const after = killed
      ? {
        en: ` A answered the old segment with a duplicate ACK; B, which no longer knew the connection, replied with an RST, and that RST ended A's TIME-WAIT early (after ${secs(tw)}): "TIME-WAIT assassination" (RFC 1337). Linux allows it while tcp_rfc1337=0; try --set tcp_rfc1337=1.`,
        zh: ` A 对旧报文回了一个重复 ACK；B 已不认识这条连接，回了 RST，这个 RST 提前结束了 A 的 TIME-WAIT（${secs(tw)} 后）：即 RFC 1337 所说的“TIME-WAIT 暗杀”。Linux 在 tcp_rfc1337=0 时允许这样；可以试试 --set tcp_rfc1337=1。`,
      }
      : tw !== undefined && tw > lab.config.time_wait_ms
        ? {
          en: ` A absorbed it: it answered with a duplicate ACK and, as Linux does for an old segment carrying an ACK (tcp_timewait_state_process), restarted its TIME-WAIT timer, so TIME-WAIT lasted ${secs(tw)}.` +
            (rfc1337 ? ' The RST that B sent back was ignored because tcp_rfc1337=1.' : ''),
          zh: ` A 吸收了它：回了一个重复 ACK，并且像 Linux 对带 ACK 的旧报文那样（tcp_timewait_state_process）重新启动 TIME-WAIT 定时器，所以 TIME-WAIT 持续了 ${secs(tw)}。` +
            (rfc1337 ? '由于 tcp_rfc1337=1，B 回的 RST 被忽略。' : ''),
        }
        : {
          en: ` A absorbed it (answering with a duplicate ACK at most) and kept TIME-WAIT for ${secs(tw)}.`,
          zh: ` A 吸收了它（至多回一个重复 ACK），TIME-WAIT 保持了 ${secs(tw)}。`,
        };
    return {
      en: `The copy of B's reply arrived at ${secs(dup?.at)}, after the connection had closed. Because A still held the 4-tuple in TIME-WAIT, no new connection could be using it, so the old bytes could not be taken as new data (RFC 9293 §3.4.1: TIME-WAIT outlives segments of the old incarnation).` + after.en,
      zh: `B 应答的副本在 ${secs(dup?.at)} 到达，此时连接已经关闭。由于 A 仍以 TIME-WAIT 占着这个四元组，不可能有新连接在用它，旧字节也就不会被当成新数据（RFC 9293 §3.4.1：TIME-WAIT 比旧连接的报文活得更久）。` + after.zh,
    };
  },
});

// What a watched connection shows, in words: how it ended and what went wrong on the way — each a
// fact of the observer's record (observer.ts), in English and Chinese. The first finding is the
// connection's ending; `--summary` prints it, the diagram's conclusion prints them all, followed by
// what a capture from one point cannot tell.
import type { Text } from '../../i18n/lang.js';
import type { ConnectionObserver, SideFacts, Who } from './observer.js';

export type FindingId =
  | 'refused' | 'syn-unanswered' | 'rst' | 'active-close' | 'close-wait-at-end' | 'fin-wait-2-at-end'
  | 'simultaneous-close' | 'last-ack-lost' | 'fin-retransmitted' | 'open-at-end' | 'handshake-incomplete'
  | 'retransmissions' | 'zero-window' | 'keepalive' | 'challenge-ack' | 'mid-stream';

export interface Finding { id: FindingId; text: Text }

const NAME: [Text, Text] = [{ en: 'client', zh: '客户端' }, { en: 'server', zh: '服务器' }];

function n(who: Who, lang: 'en' | 'zh'): string {
  return NAME[who][lang];
}

function both(f: (l: 'en' | 'zh') => string): Text {
  return { en: f('en'), zh: f('zh') };
}

/** Every finding of a finished connection, its ending first. */
export function findingsOf(o: ConnectionObserver): Finding[] {
  const out: Finding[] = [];
  const [c, s] = o.sides;
  const add = (id: FindingId, text: Text): void => { out.push({ id, text }); };
  const end = (who: Who): SideFacts => o.sides[who];

  // ---- the ending ----
  if (s.rst?.answersSyn && (s.rst.from === '?' || s.rst.from === '-')) {
    add('refused', both((l) => (l === 'en'
      ? `SYN answered by RST: nothing listens on ${s.addr} port ${s.port} (connect() fails with ECONNREFUSED)`
      : `SYN 被 RST 回应：${s.addr} 的 ${s.port} 端口上没有监听者（connect() 返回 ECONNREFUSED）`)));
  } else if (s.syns === 0 && c.syns > 0 && !o.midStream && s.state === '?') {
    add('syn-unanswered', both((l) => (l === 'en'
      ? `SYN never answered (${c.syns} sent): a firewall drops them or nothing is at ${s.addr}; connect() fails with ETIMEDOUT after tcp_syn_retries`
      : `SYN 一直没有回应（共发出 ${c.syns} 个）：防火墙丢弃了它们，或 ${s.addr} 不存在；tcp_syn_retries 次后 connect() 返回 ETIMEDOUT`)));
  }
  for (const who of [0, 1] as const) {
    const x = end(who);
    const r = x.rst;
    if (!r || r.cause === undefined) continue;
    const words: Record<string, Text> = {
      'keepalive-timeout': { en: `RST from the ${n(who, 'en')} after ${x.keepalives} unanswered keepalive probes: the peer is gone`, zh: `${n(who, 'zh')}在 ${x.keepalives} 个保活探测无应答后发出 RST：对端已不在` },
      'fin-wait-2-timeout': { en: `RST from the ${n(who, 'en')}: its FIN-WAIT-2 had timed out (tcp_fin_timeout) before the peer's segment came`, zh: `${n(who, 'zh')}发出 RST：对端报文到达前它的 FIN-WAIT-2 已超时（tcp_fin_timeout）` },
      'data-after-close': { en: `RST from the ${n(who, 'en')}: data arrived after it had closed`, zh: `${n(who, 'zh')}发出 RST：它关闭后又收到数据` },
      'close-unread-data': { en: `RST from the ${n(who, 'en')} after SO_LINGER 0 or unread data (it had received ${o.sides[who === 0 ? 1 : 0].dataBytes} bytes; the capture cannot tell whether they were read)`, zh: `${n(who, 'zh')}发出 RST：SO_LINGER 0 或有未读数据时关闭（它收到过 ${o.sides[who === 0 ? 1 : 0].dataBytes} 字节，抓包无法得知是否已读）` },
      'close-linger-zero': { en: `RST from the ${n(who, 'en')} after SO_LINGER 0 or unread data: an abortive close, no TIME-WAIT`, zh: `${n(who, 'zh')}发出 RST：SO_LINGER 0 或有未读数据时关闭，属于中止式关闭，没有 TIME-WAIT` },
    };
    add('rst', words[r.cause] ?? { en: `RST from the ${n(who, 'en')} in ${r.from}`, zh: `${n(who, 'zh')}在 ${r.from} 状态发出 RST` });
  }
  const closer = c.closedFirst ? 0 : s.closedFirst ? 1 : undefined;
  if (c.closedFirst && s.closedFirst) {
    add('simultaneous-close', both((l) => (l === 'en' ? 'both ends closed at once: the FINs crossed, CLOSING then TIME-WAIT on both' : '两端同时关闭：FIN 交错，双方都经 CLOSING 进入 TIME-WAIT')));
  } else if (closer !== undefined) {
    const x = end(closer);
    const other: Who = closer === 0 ? 1 : 0;
    const y = end(other);
    if (x.state === 'TIME-WAIT' || x.state === 'CLOSED' || x.state === 'FIN-WAIT-2' || x.state === 'FIN-WAIT-1') {
      const tw = o.timeline.find((e) => e.who === closer && e.from === 'TIME-WAIT');
      if (x.state === 'TIME-WAIT' || tw) {
        const how: Text = !tw ? { en: '', zh: '' }
          : tw.cause === 'new-incarnation' ? { en: ', ended by the SYN of a new connection on the same 4-tuple', zh: '，被同一四元组上新连接的 SYN 结束' }
            : tw.cause === 'rst-received' ? { en: ', ended by an RST (Linux tcp_rfc1337=0 lets an RST end TIME-WAIT)', zh: '，被 RST 结束（Linux tcp_rfc1337=0 允许 RST 结束 TIME-WAIT）' }
              : { en: `, then ${tw.to}`, zh: `，随后 ${tw.to}` };
        add('active-close', both((l) => (l === 'en' ? `${n(closer, l)} active closer → TIME-WAIT${how.en}` : `${n(closer, l)}主动关闭 → TIME-WAIT${how.zh}`)));
      }
      if (y.state === 'CLOSE-WAIT') {
        add('close-wait-at-end', both((l) => (l === 'en'
          ? `${n(other, l)} never closed: CLOSE-WAIT at the end of the capture (its application has not called close())`
          : `${n(other, l)}一直没有关闭：抓包结束时仍在 CLOSE-WAIT（应用程序没有调用 close()）`)));
      }
      if (x.state === 'FIN-WAIT-2') {
        add('fin-wait-2-at-end', both((l) => (l === 'en'
          ? `${n(closer, l)} in FIN-WAIT-2 at the end, waiting for the ${n(other, l)}'s FIN (Linux ends an orphaned one after tcp_fin_timeout, 60 s; after shutdown() it waits for ever)`
          : `${n(closer, l)}在抓包结束时处于 FIN-WAIT-2，等待${n(other, l)}的 FIN（孤儿连接在 tcp_fin_timeout 60 秒后结束；shutdown() 后则一直等待）`)));
      }
    }
  }
  for (const who of [0, 1] as const) {
    const x = end(who);
    if (x.finSent > 1) {
      const other: Who = who === 0 ? 1 : 0;
      if (end(other).lostAcks > 0) {
        add('last-ack-lost', both((l) => (l === 'en'
          ? `FIN retransmitted: the last ACK was lost (the ${n(other, l)} ACKed the ${n(who, l)}'s FIN, which was sent again ${x.finSent - 1} time(s))`
          : `FIN 被重传：最后的 ACK 丢失（${n(other, l)}确认了${n(who, l)}的 FIN，但 FIN 又被重传 ${x.finSent - 1} 次）`)));
      } else {
        add('fin-retransmitted', both((l) => (l === 'en'
          ? `${n(who, l)}'s FIN sent ${x.finSent} times: the FIN or its ACK was lost`
          : `${n(who, l)}的 FIN 发送了 ${x.finSent} 次：FIN 或其 ACK 丢失`)));
      }
    }
  }
  if (out.length === 0) {
    if (c.state === 'ESTABLISHED' && s.state === 'ESTABLISHED') {
      add('open-at-end', both((l) => (l === 'en' ? 'open at the end of the capture: ESTABLISHED on both ends' : '抓包结束时仍然打开：两端都是 ESTABLISHED')));
    } else if (c.state === 'SYN-SENT' || s.state === 'SYN-RECEIVED') {
      add('handshake-incomplete', both((l) => (l === 'en' ? `handshake not completed in the capture (client ${c.state}, server ${s.state})` : `抓包中握手未完成（客户端 ${c.state}，服务器 ${s.state}）`)));
    } else {
      add('open-at-end', both((l) => (l === 'en' ? `at the end of the capture: client ${c.state}, server ${s.state}` : `抓包结束时：客户端 ${c.state}，服务器 ${s.state}`)));
    }
  }
  // ---- along the way ----
  for (const who of [0, 1] as const) {
    const x = end(who);
    const finRetrans = Math.max(0, x.finSent - 1);
    const r = x.retransmissions - finRetrans;
    if (r > 0) add('retransmissions', both((l) => (l === 'en' ? `${r} retransmission(s) from the ${n(who, l)}` : `${n(who, l)}重传 ${r} 次`)));
    if (x.zeroWindows > 0) add('zero-window', both((l) => (l === 'en' ? `the ${n(who, l)} advertised a zero window ${x.zeroWindows} time(s): its application stopped reading` : `${n(who, l)}通告零窗口 ${x.zeroWindows} 次：它的应用程序停止了读取`)));
    if (x.keepalives > 0) add('keepalive', both((l) => (l === 'en' ? `${x.keepalives} keepalive probe(s) from the ${n(who, l)}` : `${n(who, l)}发出 ${x.keepalives} 个保活探测`)));
    if (x.challengeAcks > 0) add('challenge-ack', both((l) => (l === 'en' ? `${x.challengeAcks} challenge ACK(s) from the ${n(who, l)} (RFC 5961: an RST or SYN not at the expected sequence number)` : `${n(who, l)}发出 ${x.challengeAcks} 个挑战 ACK（RFC 5961：RST 或 SYN 不在预期序号）`)));
  }
  if (o.midStream) add('mid-stream', both((l) => (l === 'en' ? 'the capture began after the handshake: both ends taken as ESTABLISHED at its first segment' : '抓包开始于握手之后：第一个报文时两端都按 ESTABLISHED 计')));
  return out;
}

/** What a capture from one point cannot know, said once under each diagram. */
export function limitsOf(o: ConnectionObserver): Text {
  const en = [
    'A capture shows segments, not sockets: each state is inferred from what the ends sent and acknowledged.',
    'Whether close() or shutdown() sent a FIN, and whether an RST came from SO_LINGER 0 or unread data, is the application\'s secret.',
  ];
  const zh = [
    '抓包只看到报文，看不到套接字：每个状态都是从两端发出和确认的内容推断出来的。',
    'FIN 来自 close() 还是 shutdown()、RST 来自 SO_LINGER 0 还是未读数据，只有应用程序知道。',
  ];
  if (o.assumedArrivals > 0) {
    en.push(`The last ${o.assumedArrivals} segment(s) are taken to have arrived: nothing after them confirms it.`);
    zh.push(`最后 ${o.assumedArrivals} 个报文被视为已到达：之后没有报文能确认这一点。`);
  }
  const [c, s] = o.sides;
  if (c.state === 'TIME-WAIT' || s.state === 'TIME-WAIT') {
    en.push('TIME-WAIT outlives the capture: Linux keeps it 60 s after the last FIN, with no segment to show its end.');
    zh.push('TIME-WAIT 会在抓包结束后继续：Linux 在最后一个 FIN 后保持 60 秒，它的结束没有报文可见。');
  }
  if (c.state === '?' || s.state === '?') {
    en.push('A side that sent nothing has no known state (\'?\').');
    zh.push('一个什么都没发出的端，其状态无从得知（\'?\'）。');
  }
  return { en: en.join(' '), zh: zh.join('') };
}

// READ THIS FIRST — syn_sent_stall: this host's connect() calls hanging toward one destination.
//
// Rules this file keeps (ip-sysctl.rst tcp_syn_retries, tcp_syn_linear_timeouts, tcp_abort_on_overflow;
// tcp_timer.c tcp_write_timeout):
// - SYN-SENT normally lasts one round trip. Many toward one ip:port mean the SYNs get no answer:
//   the destination is down or filtered (a firewall that drops), or its listen queues are full and
//   its kernel drops our SYNs (tcp_abort_on_overflow = 0 there). A refused port answers RST at once
//   and leaves no SYN-SENT behind.
// - connect() gives up (ETIMEDOUT) after tcp_syn_retries + tcp_syn_linear_timeouts retransmissions
//   (Linux 6.x tcp_write_timeout): 1 s timeouts for the first SYN and the linear ones, then doubling
//   (tcp_retransmit_timer) — 6 + 4 ≈ 131 s; before 6.x (no linear timeouts) 6 ≈ 127 s, worded by
//   duration() ("2 min 11 s") like every give-up time the doctor and explain print. `ss -o` shows
//   the retransmissions so far in the timer. Without tcp_syn_linear_timeouts in the snapshot (pasted
//   text, or a kernel without it) the text gives both figures.
// Thresholds per destination: ≥ 20 SYN-SENT ⇒ warning; ≥ 200 ⇒ critical.
import type { HostSnapshot } from '../../model/snapshot.js';
import type { FindingText, Severity } from '../finding.js';
import { endpoint, groupBy, ownerOf, sysctlNum, inState } from '../facts.js';
import { duration, join, NO_PROCESS_INFO, owner, tx } from '../words.js';
import type { Rule } from '../rule.js';
import { synGiveUpMs } from '../../core/give-up.js';

/**
 * Seconds from connect() to ETIMEDOUT, from the engine's own arithmetic (src/core/give-up.ts:
 * tcp_write_timeout's retry count and tcp_model_timeout's time check, linear timeouts first).
 * The engine agrees (syn-sent-stall.test.ts runs `sim syn-retries-timeout`).
 */
export function synGiveUpSeconds(retries: number, linear: number): number {
  return synGiveUpMs({ synRetries: retries, linear }) / 1000;
}

/** The give-up time as words: exact when tcp_syn_linear_timeouts is known, else 6.x and older. */
function giveUpWords(retries: number, linear: number | undefined): { en: string; zh: string } {
  if (linear !== undefined) {
    const t = duration(synGiveUpSeconds(retries, linear) * 1000);
    return { en: `about ${t.en} (tcp_syn_linear_timeouts = ${linear})`, zh: `约 ${t.zh}（tcp_syn_linear_timeouts = ${linear}）` };
  }
  const now = duration(synGiveUpSeconds(retries, 4) * 1000);
  const old = duration(synGiveUpSeconds(retries, 0) * 1000);
  return {
    en: `about ${now.en} on Linux 6.x (tcp_syn_linear_timeouts = 4; ${old.en} on kernels without it)`,
    zh: `约 ${now.zh}（Linux 6.x，tcp_syn_linear_timeouts = 4；没有该参数的内核为 ${old.zh}）`,
  };
}

export const SYN_SENT_WARN = 20;
export const SYN_SENT_CRIT = 200;

function checkSynSent(s: HostSnapshot): FindingText[] {
  const out: FindingText[] = [];
  const retries = sysctlNum(s, 'net.ipv4.tcp_syn_retries') ?? 6;
  const wait = giveUpWords(retries, sysctlNum(s, 'net.ipv4.tcp_syn_linear_timeouts'));
  const syn = inState(s, 'SYN-SENT');
  for (const [dest, g] of groupBy(syn, (k) => endpoint(k.remoteAddress, k.remotePort))) {
    const severity: Severity | undefined = g.length >= SYN_SENT_CRIT ? 'critical' : g.length >= SYN_SENT_WARN ? 'warning' : undefined;
    if (!severity) continue;
    const o = ownerOf(s, g[0]);
    const retried = g.filter((k) => (k.timer?.retransmits ?? 0) >= 1).length;
    const f: FindingText = {
      id: 'syn_sent_stall', severity,
      summary: join([tx(`${g.length} connect() calls to ${dest} hanging in SYN-SENT, from`, `${g.length} 个连向 ${dest} 的 connect() 停在 SYN-SENT，来自`), owner(o)]),
      evidence: {
        state: 'SYN-SENT', count: g.length, destination: dest, side: 'client',
        ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}), attribution: 'socket' as const } : {}),
        peers: [{ address: g[0].remoteAddress, port: g[0].remotePort, count: g.length }], distinctPeers: 1,
        figures: { synRetransmitted: retried, tcpSynRetries: retries },
      },
      explanation: tx(
        `These connections sent SYN and got neither SYN-ACK nor RST. ${dest} is down or unreachable, a firewall drops the SYNs, or its accept/SYN queues are full and its kernel drops them. A closed port would answer RST at once (ECONNREFUSED). With tcp_syn_retries = ${retries} each connect() fails with ETIMEDOUT after ${wait.en}.`,
        `这些连接发出了 SYN，却既没收到 SYN-ACK 也没收到 RST。${dest} 宕机或不可达、防火墙丢弃了 SYN，或者它的全连接/半连接队列已满、内核丢弃了它们。端口关闭时会立刻回 RST（ECONNREFUSED）。tcp_syn_retries = ${retries} 时，每个 connect() 在${wait.zh}后以 ETIMEDOUT 失败。`),
      fixes: [
        { text: tx(`Check ${dest}: is it up, is a firewall dropping, and run tcplens doctor there (accept_queue_overflow, syn_flood).`, `检查 ${dest}：是否在线、是否有防火墙丢包，并在那里运行 tcplens doctor（accept_queue_overflow、syn_flood）。`) },
        { text: tx('Give connect() a timeout in the client (a few seconds) and back off, so callers do not pile up behind a dead upstream.', '在客户端为 connect() 设置超时（几秒）并退避，避免调用方在失效的上游后面堆积。'),
          caveat: tx('Lowering net.ipv4.tcp_syn_retries host-wide also shortens connects over lossy links.', '全局调小 net.ipv4.tcp_syn_retries 也会缩短丢包链路上的连接尝试。') },
      ],
    };
    if (!o) f.missing = [NO_PROCESS_INFO];
    out.push(f);
  }
  return out;
}

export const synSentStall: Rule = {
  id: 'syn_sent_stall',
  title: tx('connect() hanging: SYN-SENT piling up toward one destination', 'connect() 挂起：连向同一目的地址的 SYN-SENT 堆积'),
  thresholds: tx(`per destination ip:port: ≥ ${SYN_SENT_WARN} SYN-SENT ⇒ warning, ≥ ${SYN_SENT_CRIT} ⇒ critical`, `按目的 ip:端口：SYN-SENT ≥ ${SYN_SENT_WARN} 个为警告，≥ ${SYN_SENT_CRIT} 个为严重`),
  check: checkSynSent,
};

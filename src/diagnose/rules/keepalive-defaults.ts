// READ THIS FIRST — keepalive_defaults (info): what the keepalive sysctls mean for finding dead peers.
//
// Rules this file keeps (ip-sysctl.rst tcp_keepalive_*, tcp_timer.c tcp_keepalive_timer): keepalive applies only to sockets that set SO_KEEPALIVE,
// and per-socket TCP_KEEPIDLE/KEEPINTVL/KEEPCNT override the sysctls. A dead peer is declared after
// time + intvl × probes: 7200 + 75 × 9 = 7875 s = 2 h 11 min 15 s by default. Keepalive never ends
// CLOSE-WAIT (the peer is alive and answers), so lowering it is no cure for CLOSE-WAIT, whatever
// advice found online says.
// Threshold: info whenever tcp_keepalive_time ≥ 3600 s is known (never a warning: it is a default,
// and most applications should use their own timeouts anyway).
import type { HostSnapshot } from '../../model/snapshot.js';
import type { FindingText } from '../finding.js';
import { hasTimers, sysctlNum, inState } from '../facts.js';
import { duration, join, tx } from '../words.js';
import type { Rule } from '../rule.js';
import { keepaliveGiveUpMs } from '../../core/give-up.js';

export const KEEPALIVE_INFO_S = 3600;

/** Seconds until a silent peer is declared dead on an idle SO_KEEPALIVE socket (core's tcp_keepalive_timer arithmetic). */
export function deadPeerAfterS(time: number, intvl: number, probes: number): number {
  return keepaliveGiveUpMs({ idleS: time, intvlS: intvl, probes }) / 1000;
}

function checkKeepalive(s: HostSnapshot): FindingText[] {
  const time = sysctlNum(s, 'net.ipv4.tcp_keepalive_time');
  if (time === undefined || time < KEEPALIVE_INFO_S) return [];
  const intvl = sysctlNum(s, 'net.ipv4.tcp_keepalive_intvl') ?? 75;
  const probes = sysctlNum(s, 'net.ipv4.tcp_keepalive_probes') ?? 9;
  const total = deadPeerAfterS(time, intvl, probes);
  const est = inState(s, 'ESTABLISHED');
  const withKa = est.filter((k) => k.timer?.kind === 'keepalive').length;
  const timers = hasTimers(s);
  return [{
    id: 'keepalive_defaults', severity: 'info',
    // One line: on a healthy host with default sysctls this is the whole of the doctor's noise.
    summary: join([tx('A dead peer is noticed after', '对端死亡 '), duration(total * 1000), tx('', '后才被发现')], tx(' ', '')),
    evidence: {
      sysctls: { 'net.ipv4.tcp_keepalive_time': String(time), 'net.ipv4.tcp_keepalive_intvl': String(intvl), 'net.ipv4.tcp_keepalive_probes': String(probes) },
      figures: { deadPeerAfterSeconds: total, ...(timers ? { establishedWithKeepalive: withKa, established: est.length } : {}) },
    },
    explanation: join([tx(`${time} + ${intvl} × ${probes} s${timers && est.length ? `; ${withKa} of ${est.length} ESTABLISHED sockets use keepalive` : ''}. `,
      `${time} + ${intvl} × ${probes} 秒${timers && est.length ? `；${est.length} 个 ESTABLISHED 套接字中 ${withKa} 个启用了保活` : ''}。`), tx(
      'TCP keepalive only runs on sockets that set SO_KEEPALIVE: after tcp_keepalive_time seconds of silence the kernel sends a probe every tcp_keepalive_intvl seconds and resets the connection after tcp_keepalive_probes unanswered ones. It finds peers that vanished; it does not end CLOSE-WAIT (that peer is alive and answers) nor idle-but-alive connections.',
      'TCP 保活只对设置了 SO_KEEPALIVE 的套接字生效：静默 tcp_keepalive_time 秒后，内核每隔 tcp_keepalive_intvl 秒发一个探测，连续 tcp_keepalive_probes 个无应答就重置连接。它能发现已经消失的对端；它结束不了 CLOSE-WAIT（那个对端活着并会应答），也结束不了空闲但存活的连接。')], tx('', '')),
    fixes: [
      { text: tx('Prefer per-socket TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT (or the application\'s own idle timeout) in the programs that need faster detection.', '在需要更快发现死连接的程序里，优先使用套接字级的 TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT（或应用自己的空闲超时）。'),
        caveat: tx('Lowering the sysctls host-wide (advice often given online: tcp_keepalive_time=30, tcp_keepalive_intvl=2, tcp_keepalive_probes=2) only affects SO_KEEPALIVE sockets, adds probe traffic, and still does nothing for CLOSE-WAIT.', '全局调小这些参数（网上常见的建议：tcp_keepalive_time=30、tcp_keepalive_intvl=2、tcp_keepalive_probes=2）只影响 SO_KEEPALIVE 套接字，增加探测流量，而且依然解决不了 CLOSE-WAIT。') },
    ],
  }];
}

export const keepaliveDefaults: Rule = {
  id: 'keepalive_defaults',
  title: tx('How long keepalive takes to find a dead peer', '保活需要多久才能发现已死的对端'),
  thresholds: tx(`info when tcp_keepalive_time ≥ ${KEEPALIVE_INFO_S} s is known; never a warning`, `已知 tcp_keepalive_time ≥ ${KEEPALIVE_INFO_S} 秒时为提示；从不警告`),
  check: checkKeepalive,
};

// READ THIS FIRST — fin_wait2_orphans: FIN-WAIT-2 (we sent FIN, the peer ACKed it and has not sent
// its own) and orphan pressure.
//
// Rules this file keeps (Linux ip-sysctl.rst tcp_fin_timeout and tcp_max_orphans; tcp.c __tcp_close,
// tcp_timer.c tcp_out_of_resources):
// - An *orphaned* FIN-WAIT-2 (the application already closed: inode 0, `timer:(timewait,…)`) is
//   turned by Linux into a timewait minisocket that dies after tcp_fin_timeout (60 s). It cannot last
//   forever, whatever blog posts claim; the peer not sending FIN usually means the *peer's* application
//   is stuck in CLOSE-WAIT. They count in sockstat `tw` and hold ephemeral ports (tw_reuse never takes them).
// - A FIN-WAIT-2 that still has an owner (inode ≠ 0) is an application half-close
//   (shutdown(SHUT_WR)); no timer applies, it can last forever, and the fix is in the application.
// - Orphans in FIN-WAIT-1 / CLOSING / LAST-ACK count against tcp_max_orphans (sockstat `orphan`);
//   past it the kernel resets them ("TCP: too many orphaned sockets", TCPAbortOnMemory). The check
//   can penalise orphans ×2 or ×4, hence netdata's 25 % / 50 % alarm levels, used here too.
// - No owner and no inode/timer (a pasted netstat -antp or ss -tanp) is *not* an orphan: non-root
//   tools print '-' for other users' sockets too. Those are reported as "orphaned or owned by another
//   user — attribution partial" (info, same threshold as orphans), with the partial-attribution caveat.
// Thresholds: orphaned (or unattributed) FIN-WAIT-2 ≥ 10 toward one peer ⇒ info; owned FIN-WAIT-2 ≥ 20 in one process
// ⇒ warning; sockstat orphan ≥ 25 % of tcp_max_orphans ⇒ warning, ≥ 50 % ⇒ critical.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import type { FindingText, Severity } from '../finding.js';
import { ageStats, counter, groupBy, localPeerOf, osOf, ownerOf, sysctlNum, topPeers, inState } from '../facts.js';
import type { Text } from '../../i18n/lang.js';
import { agesText, join, NO_PROCESS_INFO, owner, pct, tx } from '../words.js';
import { finWait2LifetimeMs } from '../../core/give-up.js';
import { LINUX_GIVE_UP_DEFAULTS } from '../give-up-figures.js';
import type { Rule } from '../rule.js';

export const FW2_ORPHAN_INFO = 10;
export const FW2_OWNED_WARN = 20;
export const ORPHANS_WARN = 0.25;
export const ORPHANS_CRIT = 0.5;

export function isOrphan(k: SocketRecord): boolean | undefined {
  if (k.inode === 0 || k.timer?.kind === 'timewait') return true;
  if ((k.inode !== undefined && k.inode > 0) || (k.processes && k.processes.length > 0)) return false;
  return undefined;
}

function orphaned(s: HostSnapshot, socks: SocketRecord[]): FindingText[] {
  const fin = finWait2LifetimeMs(sysctlNum(s, 'net.ipv4.tcp_fin_timeout') ?? LINUX_GIVE_UP_DEFAULTS.finTimeoutS) / 1000;
  const out: FindingText[] = [];
  for (const [peer, g] of groupBy(socks, (k) => k.remoteAddress)) {
    if (g.length < FW2_ORPHAN_INFO) continue;
    const { peers, distinct } = topPeers(g, true, 5);
    const ages = ageStats(g, osOf(s));
    // The paired view: when the peer is on this host, its end is the CLOSE-WAIT socket.
    const paired = g.map((k) => localPeerOf(s, k, 'CLOSE-WAIT')).filter((x): x is SocketRecord => x !== undefined && x.state === 'CLOSE-WAIT');
    const pf = pairedFix(s, g);
    const lookThere: Text = pf.length ? pf[0].text
      : tx(`Look at ${peer}: run tcplens doctor there; its application is probably leaking CLOSE-WAIT.`, `检查 ${peer}：在那台机器上运行 tcplens doctor，它的应用很可能在泄漏 CLOSE-WAIT。`);
    out.push({
      id: 'fin_wait2_orphans', severity: 'info',
      summary: tx(`${g.length} orphaned FIN-WAIT-2 toward ${peer}: this host closed, the peer never sent its FIN; the kernel reaps them after tcp_fin_timeout (${fin} s)`,
        `${g.length} 个连向 ${peer} 的孤儿 FIN-WAIT-2：本机已关闭，对端始终没有发 FIN；内核会在 tcp_fin_timeout（${fin} 秒）后回收`),
      evidence: {
        state: 'FIN-WAIT-2', count: g.length, peers, distinctPeers: distinct,
        sysctls: { 'net.ipv4.tcp_fin_timeout': String(fin) }, figures: { orphaned: g.length, pairedWithLocalCloseWait: paired.length },
        ...(ages ? { ages } : {}),
      },
      explanation: tx(
        `This host called close() first (the active closer) and the peer ACKed the FIN but has not closed its side. Once the socket is orphaned (no file descriptor, inode 0) Linux keeps it only as a small timewait-style minisocket for tcp_fin_timeout (${fin} s) and then drops it, so FIN-WAIT-2 does not last forever here. The usual cause is on the peer: its application sits in CLOSE-WAIT. These entries count in sockstat "tw" and keep their local ports busy.`,
        `本机已调用 close()（主动关闭），对端确认了 FIN 却没有关闭它那一端。套接字成为孤儿（没有文件描述符，inode 为 0）后，Linux 只把它保留为一个很小的 timewait 迷你套接字，tcp_fin_timeout（${fin} 秒）后丢弃，因此这里的 FIN-WAIT-2 不会永远存在。常见原因在对端：它的应用停在 CLOSE-WAIT。这些条目计入 sockstat 的 "tw"，并占用本地端口。`),
      fixes: [
        { text: lookThere },
        { text: tx('Lowering tcp_fin_timeout reaps these sooner.', '调小 tcp_fin_timeout 可以更快回收它们。'),
          caveat: tx('It only shortens orphaned FIN-WAIT-2, never TIME-WAIT, and a peer that is merely slow to close then gets an RST.',
            '它只缩短孤儿 FIN-WAIT-2，从不缩短 TIME-WAIT；对关闭较慢的对端，之后会收到 RST。') },
      ],
    });
  }
  return out;
}

/** When the other ends are local CLOSE-WAIT sockets, the process to fix first is theirs. */
function pairedFix(s: HostSnapshot, g: SocketRecord[]): { text: Text }[] {
  const paired = g.map((k) => localPeerOf(s, k, 'CLOSE-WAIT')).filter((x): x is SocketRecord => x !== undefined && x.state === 'CLOSE-WAIT');
  if (paired.length === 0) return [];
  return [{ text: join([tx(`The peer is on this host: ${paired.length} of these connections are held at the other end in CLOSE-WAIT by`, `对端就在本机：其中 ${paired.length} 个连接的另一端处于 CLOSE-WAIT，由`),
    owner(ownerOf(s, paired[0])), tx('— fix that application first (see close_wait_leak).', '持有——请先修复该应用（见 close_wait_leak）。')]) }];
}

function owned(s: HostSnapshot, socks: SocketRecord[]): FindingText[] {
  const os = osOf(s);
  const out: FindingText[] = [];
  for (const [, g] of groupBy(socks, (k) => String(ownerOf(s, k)?.pid ?? '?'))) {
    if (g.length < FW2_OWNED_WARN) continue;
    const o = ownerOf(s, g[0]);
    const { peers, distinct } = topPeers(g, true, 5);
    const ages = ageStats(g, os);
    const at = agesText(ages);
    const f: FindingText = {
      id: 'fin_wait2_orphans', severity: 'warning',
      summary: join([tx(`${g.length} FIN-WAIT-2 still owned by`, `${g.length} 个 FIN-WAIT-2 仍由`), owner(o),
        tx(': half-closed by the application, waiting forever for the peer\'s FIN', '持有：应用半关闭后无限期等待对端的 FIN')]),
      evidence: {
        state: 'FIN-WAIT-2', count: g.length, ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}) } : {}),
        peers, distinctPeers: distinct, ...(ages ? { ages } : {}), figures: { orphaned: 0 },
      },
      explanation: join([tx(
        'These sockets still have a file descriptor: the application called shutdown(SHUT_WR) (or the equivalent half-close) and kept the socket to read the rest. That is a valid receive-only state, so no kernel timer applies — tcp_fin_timeout only covers orphans — and they stay until the peer closes or the application closes the fd.',
        '这些套接字仍有文件描述符：应用调用了 shutdown(SHUT_WR)（或等价的半关闭），保留套接字继续读。这是合法的只收状态，内核没有定时器——tcp_fin_timeout 只管孤儿——它们会一直存在，直到对端关闭或应用关闭 fd。'),
        ...(at ? [join([tx(' Age:', ' 时长：'), at])] : [])], tx('', '')),
      fixes: [
        ...pairedFix(s, g),
        { text: tx('Fix in the application: after a half-close, read with a timeout and close() the socket when it expires.', '在应用中修复：半关闭后带超时地读，超时即 close() 套接字。'),
          caveat: tx('tcp_fin_timeout does not touch sockets that still have an owner.', 'tcp_fin_timeout 不影响仍有属主的套接字。') },
      ],
    };
    if (!o) f.missing = [NO_PROCESS_INFO];
    out.push(f);
  }
  return out;
}

function orphanLimit(s: HostSnapshot): FindingText[] {
  const orphans = s.sockstat?.orphan;
  const max = sysctlNum(s, 'net.ipv4.tcp_max_orphans');
  if (orphans === undefined || max === undefined || max <= 0) return [];
  const r = orphans / max;
  const severity: Severity | undefined = r >= ORPHANS_CRIT ? 'critical' : r >= ORPHANS_WARN ? 'warning' : undefined;
  if (!severity) return [];
  const mem = counter(s, 'TcpExt:TCPAbortOnMemory');
  return [{
    id: 'fin_wait2_orphans', severity,
    summary: tx(`${orphans} orphaned sockets = ${pct(r)} of tcp_max_orphans (${max}): the kernel resets orphans past the limit ("too many orphaned sockets")`,
      `${orphans} 个孤儿套接字 = tcp_max_orphans（${max}）的 ${pct(r)}：超过上限内核会重置孤儿（"too many orphaned sockets"）`),
    evidence: {
      count: orphans, sysctls: { 'net.ipv4.tcp_max_orphans': String(max) },
      ...(mem !== undefined ? { counters: { 'TcpExt:TCPAbortOnMemory': mem } } : {}),
      figures: { usage: Math.round(r * 1000) / 1000 },
    },
    explanation: tx('Orphans are connections the application has closed while the kernel still finishes them (FIN-WAIT-1, CLOSING, LAST-ACK, long FIN-WAIT-2); each can hold up to ~64 KB of unswappable memory. The limit check can count an orphan 2× or 4×, so trouble starts well before 100 %.',
      '孤儿是应用已关闭、内核仍在收尾的连接（FIN-WAIT-1、CLOSING、LAST-ACK、较长的 FIN-WAIT-2），每个最多占约 64 KB 不可换出的内存。上限检查可能把一个孤儿按 2 倍或 4 倍计算，所以远未到 100% 就会出问题。'),
    fixes: [
      { text: tx('Find who closes with data still unsent (a proxy closing toward slow clients) and raise tcp_max_orphans if memory allows.', '找出谁在还有未发送数据时就关闭（例如代理面对慢客户端），并在内存允许时调大 tcp_max_orphans。'),
        caveat: tx('Raising the limit costs memory; lowering tcp_orphan_retries shortens FIN-WAIT-1 but gives up on slow peers sooner.', '调大上限会消耗内存；调小 tcp_orphan_retries 能缩短 FIN-WAIT-1，但会更早放弃慢速对端。') },
    ],
  }];
}

/**
 * Orphaned, owned, or unknown. Only evidence makes an orphan: inode 0 or the timewait timer (/proc,
 * ss -e/-o, netstat -o), or no owner in a live /proc read that saw every process (root). A pasted
 * `netstat -antp` / `ss -tanp` shows no owner ('-') both for orphans and, when not run as root, for
 * other users' sockets — and the "Not all processes could be identified" line goes to stderr, so a
 * saved paste does not say which. Such sockets are unknown, never counted as orphans.
 */
export function finWait2Owner(s: HostSnapshot, k: SocketRecord): boolean | undefined {
  const liveRoot = s.processAttributionComplete && s.sources.some((x) => x.kind === 'proc');
  return isOrphan(k) ?? (liveRoot ? true : undefined);
}

/** FIN-WAIT-2 sockets the source cannot tell orphaned from owned by another user. */
export function unattributedFinWait2(s: HostSnapshot): SocketRecord[] {
  return inState(s, 'FIN-WAIT-2').filter((k) => finWait2Owner(s, k) === undefined);
}

export const PARTIAL_ATTRIBUTION: Text = tx(
  'Attribution is partial: the source shows no owner ("-") for these sockets and no inode or timer, which is what an orphan looks like and also what another user\'s socket looks like to netstat or ss run without root. Run tcplens as root, or paste `ss -tanpoe` taken as root.',
  '进程归属不完整：数据源中这些套接字没有属主（"-"），也没有 inode 或定时器；孤儿是这个样子，非 root 运行的 netstat 或 ss 看到的其他用户的套接字也是这个样子。请以 root 运行 tcplens，或粘贴以 root 执行的 `ss -tanpoe`。',
);

function unattributed(s: HostSnapshot, socks: SocketRecord[]): FindingText[] {
  const fin = finWait2LifetimeMs(sysctlNum(s, 'net.ipv4.tcp_fin_timeout') ?? LINUX_GIVE_UP_DEFAULTS.finTimeoutS) / 1000;
  const out: FindingText[] = [];
  for (const [peer, g] of groupBy(socks, (k) => k.remoteAddress)) {
    if (g.length < FW2_ORPHAN_INFO) continue;
    const { peers, distinct } = topPeers(g, true, 5);
    out.push({
      id: 'fin_wait2_orphans', severity: 'info',
      summary: tx(`${g.length} FIN-WAIT-2 toward ${peer} with no owner in the source: orphaned or owned by another user — attribution partial`,
        `${g.length} 个连向 ${peer} 的 FIN-WAIT-2 在数据源中没有属主：可能是孤儿，也可能属于其他用户——进程归属不完整`),
      evidence: { state: 'FIN-WAIT-2', count: g.length, peers, distinctPeers: distinct, figures: { unattributed: g.length } },
      explanation: tx(
        `This host sent its FIN and the peer ACKed it but has not closed its side. If the application already closed these sockets they are orphans, which Linux reaps after tcp_fin_timeout (${fin} s); if a process of another user still holds them they are half-closes that last until the peer or that process closes. The source cannot tell which: it shows neither the owner nor the inode or timer that would decide it.`,
        `本机已发出 FIN，对端确认了却没有关闭它那一端。如果应用已经关闭这些套接字，它们就是孤儿，Linux 会在 tcp_fin_timeout（${fin} 秒）后回收；如果仍被其他用户的进程持有，它们就是半关闭，会一直存在，直到对端或该进程关闭。数据源无法区分：它既没有属主，也没有能判断的 inode 或定时器。`),
      fixes: [
        { text: tx('Paste `ss -tanpoe` taken as root: orphans show `timer:(timewait,…)` and `ino:0`; half-closes show their process.',
          '粘贴以 root 执行的 `ss -tanpoe`：孤儿显示 `timer:(timewait,…)` 和 `ino:0`，半关闭会显示其进程。') },
        { text: tx(`Either way the peer ${peer} has not closed: run tcplens doctor there; its application may be leaking CLOSE-WAIT.`,
          `无论哪种情况，对端 ${peer} 都没有关闭：在那台机器上运行 tcplens doctor，它的应用可能在泄漏 CLOSE-WAIT。`) },
      ],
      missing: [PARTIAL_ATTRIBUTION],
    });
  }
  return out;
}

function checkFinWait2(s: HostSnapshot): FindingText[] {
  const fw2 = inState(s, 'FIN-WAIT-2');
  const orphan = (k: SocketRecord): boolean | undefined => finWait2Owner(s, k);
  return [
    ...orphanLimit(s),
    ...orphaned(s, fw2.filter((k) => orphan(k) === true)),
    ...owned(s, fw2.filter((k) => orphan(k) === false)),
    ...unattributed(s, fw2.filter((k) => orphan(k) === undefined)),
  ];
}

export const finWait2Orphans: Rule = {
  id: 'fin_wait2_orphans',
  title: tx('FIN-WAIT-2: orphans the kernel reaps vs half-closes the application holds', 'FIN-WAIT-2：内核会回收的孤儿与应用持有的半关闭'),
  thresholds: tx(
    `orphaned FIN-WAIT-2 ≥ ${FW2_ORPHAN_INFO} toward one peer ⇒ info; owned FIN-WAIT-2 ≥ ${FW2_OWNED_WARN} in one process ⇒ warning; sockstat orphan ≥ ${ORPHANS_WARN * 100} % of tcp_max_orphans ⇒ warning, ≥ ${ORPHANS_CRIT * 100} % ⇒ critical`,
    `连向同一对端的孤儿 FIN-WAIT-2 ≥ ${FW2_ORPHAN_INFO} 个为提示；同一进程持有的 FIN-WAIT-2 ≥ ${FW2_OWNED_WARN} 个为警告；sockstat orphan ≥ tcp_max_orphans 的 ${ORPHANS_WARN * 100}% 为警告，≥ ${ORPHANS_CRIT * 100}% 为严重`),
  check: checkFinWait2,
};

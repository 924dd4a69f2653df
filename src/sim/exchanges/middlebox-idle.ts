// A stateful firewall (or a NAT, or a cloud load balancer's flow table) between a client and a
// server forgets a connection that stays idle longer than its timeout, and tells nobody: both ends
// stay ESTABLISHED — a half-open connection neither can see. The next send shows it: the box drops
// it (the sender retransmits until tcp_retries2 gives up, ~15 min) or answers with an RST in the far
// end's name. TCP keepalive with an idle time below the box's timeout keeps the flow alive.
// Linux: tcp_retransmit_timer / tcp_write_timeout (retries2), tcp_keepalive_timer; the box follows
// conntrack's TCP flow table (middlebox.ts).
import { isSysError } from '../../core/errno.js';
import { exchange, ScenarioInputError, secs } from '../exchange-kit.js';
import { Middlebox } from '../middlebox.js';

const C = '10.0.0.1';
const S = '10.0.1.2';

export const middleboxIdleDrop = exchange({
  name: 'middlebox-idle-drop',
  summary: {
    en: 'a firewall between C and S forgets the idle connection silently: both ends stay ESTABLISHED (half-open) until the next send; keepalive keeps it',
    zh: 'C 与 S 之间的防火墙悄悄忘掉了空闲连接：两端都停在 ESTABLISHED（半开），直到下一次发送；保活可以留住它',
  },
  hosts: [
    { name: 'C', addr: C, label: 'C client 10.0.0.1' },
    { name: 'S', addr: S, label: 'S server 10.0.1.2' },
  ],
  params: [
    { name: 'idle', doc: { en: 'the firewall\'s idle timeout, s', zh: '防火墙的空闲超时（秒）' }, default: 300, min: 1 },
    { name: 'quiet', doc: { en: 'how long the connection stays idle before C\'s next request, s', zh: 'C 发出下一个请求前连接空闲的秒数' }, default: 600 },
    { name: 'noflow', doc: { en: 'what the firewall does with a segment of a flow it forgot: drop or reset', zh: '防火墙对已忘记的流的报文如何处理：drop（丢弃）或 reset（回 RST）' }, default: 'drop' },
    { name: 'keepalive', doc: { en: 'C sets SO_KEEPALIVE with TCP_KEEPIDLE = keepidle', zh: 'C 设置 SO_KEEPALIVE，TCP_KEEPIDLE = keepidle' }, default: false },
    { name: 'keepidle', doc: { en: 'TCP_KEEPIDLE with keepalive=true, s', zh: 'keepalive=true 时的 TCP_KEEPIDLE（秒）' }, default: 120, min: 1, integer: true },
  ],
  boxes: (p) => {
    if (p.noflow !== 'drop' && p.noflow !== 'reset') throw new ScenarioInputError(`--param noflow=${p.noflow}: drop or reset`);
    return [{
      name: 'FW', label: 'FW', addrs: [], route: ['C', 'S'], after: 'C',
      box: new Middlebox({ inside: [C], idleTimeoutMs: Number(p.idle) * 1000, noFlow: p.noflow }),
    }];
  },
  script(lab) {
    const c = lab.actor('C');
    const s = lab.actor('S');
    const fw = lab.box('FW');
    const keepalive = lab.params.keepalive === true;
    const idle = lab.num('idle');
    const listener = s.listen(80);
    const fd = c.socket();
    if (keepalive) {
      c.setsockopt(fd, 'SO_KEEPALIVE', 1);
      c.setsockopt(fd, 'TCP_KEEPIDLE', lab.num('keepidle'));
    }
    c.connectFd(fd, S, 80);
    lab.runUntilTrue(() => lab.state('S') === 'ESTABLISHED', 10_000);
    const sfd = s.acceptFd(listener);
    c.send(fd, 100);
    lab.runFor(500);
    s.recv(sfd);
    s.send(sfd, 200);
    lab.runFor(500);
    c.recv(fd);
    lab.note({ en: `the connection goes quiet for ${lab.num('quiet')} s; the firewall forgets an idle flow after ${idle} s and tells nobody`, zh: `连接静默 ${lab.num('quiet')} 秒；防火墙在流空闲 ${idle} 秒后忘掉它，不通知任何一端` });
    lab.runFor(lab.num('quiet') * 1000);
    const before = { c: lab.state('C'), s: lab.state('S') };
    const heardAtS = lab.segments().filter((x) => x.to === 'S' && !x.dropped).length;
    lab.note({ en: 'C\'s application sends its next request on the pooled connection', zh: 'C 的应用在连接池里的这条连接上发出下一个请求' });
    c.send(fd, 100);
    lab.runUntilTrue(() => lab.state('C') !== 'ESTABLISHED' || lab.segments().filter((x) => x.to === 'S' && !x.dropped).length > heardAtS, 3_600_000);
    lab.runFor(1000);
    const r = c.recv(fd);
    const err = isSysError(r) ? r.errno : r.length > 0 ? 'data' : 'EOF';
    const reached = lab.segments().filter((x) => x.to === 'S' && !x.dropped).length > heardAtS;
    const lost = lab.segments('C').filter((x) => x.dropped && x.at > 2000);
    const expired = fw.counts.expired > 0;
    lab.check(before.c === 'ESTABLISHED' && before.s === 'ESTABLISHED', `both ends are ESTABLISHED after the quiet time (C ${before.c}, S ${before.s})`);
    const quietLonger = lab.num('quiet') > idle;
    if (keepalive && lab.num('keepidle') < idle) {
      lab.check(!expired, 'the firewall never expired the flow');
      lab.check(reached, 'the next request reaches S');
      lab.check(lab.state('C') === 'ESTABLISHED' && lab.state('S') === 'ESTABLISHED', 'both ends stay ESTABLISHED');
      return {
        en: `C's keepalive probes (every TCP_KEEPIDLE = ${lab.num('keepidle')} s of silence, below the firewall's ${idle} s) were answered by S, and each one refreshed the firewall's flow, so after ${lab.num('quiet')} s of application silence the next request went through. Keepalive is the cure for middleboxes that drop idle flows: set TCP_KEEPIDLE (or net.ipv4.tcp_keepalive_time, 7200 s by default — far above most firewall, NAT and cloud load balancer timeouts) below the smallest idle timeout on the path, on the side that must not lose the connection.`,
        zh: `C 的保活探测（每静默 TCP_KEEPIDLE = ${lab.num('keepidle')} 秒一次，小于防火墙的 ${idle} 秒）得到了 S 的应答，每一次都刷新了防火墙里的这条流，所以应用静默 ${lab.num('quiet')} 秒后，下一个请求照样通过。对付会丢弃空闲流的中间设备，办法就是保活：在不能丢连接的一端把 TCP_KEEPIDLE（或 net.ipv4.tcp_keepalive_time，默认 7200 秒——远高于大多数防火墙、NAT 和云负载均衡器的超时）设得比路径上最小的空闲超时还小。`,
      };
    }
    if (!quietLonger) {
      lab.check(reached, 'the next request reaches S');
      return {
        en: `The connection was quiet for ${lab.num('quiet')} s, within the firewall's idle timeout of ${idle} s, so the flow was still known and the next request went through. Try --param quiet=${idle * 2}.`,
        zh: `连接只静默了 ${lab.num('quiet')} 秒，没有超过防火墙 ${idle} 秒的空闲超时，流仍在，下一个请求照样通过。可以试试 --param quiet=${idle * 2}。`,
      };
    }
    lab.check(expired, 'the firewall had forgotten the flow');
    lab.check(!reached, 'nothing C sends after the quiet time reaches S');
    lab.check(lab.state('S') === 'ESTABLISHED', `S is still ESTABLISHED (half-open; it is ${lab.state('S')})`);
    if (lab.params.noflow === 'reset') {
      lab.check(err === 'ECONNRESET', `C's recv() fails with ECONNRESET (got ${err})`);
      lab.check(lab.state('C') === 'CLOSED', 'C is CLOSED by the RST');
      return {
        en: `After ${idle} s without a segment the firewall forgot the connection without a word: both ends still thought they were ESTABLISHED (a half-open connection). C's next request met a box that answered segments of unknown flows with an RST in S's name — as AWS's Network Load Balancer documents after its idle timeout — so C's socket went CLOSED at once and its application got ECONNRESET. S never heard of any of it and stays ESTABLISHED: only its own keepalive (or its next send, also refused) will clear it. Fix: keepalive below the box's timeout (--param keepalive=true), or a client that retries a request that failed on a reused connection.`,
        zh: `连续 ${idle} 秒没有报文之后，防火墙一声不响地忘掉了这条连接：两端都仍以为自己处于 ESTABLISHED（半开连接）。C 的下一个请求遇到的是一个以 S 的名义用 RST 回应未知流报文的设备——AWS 的 NLB（网络负载均衡器）在空闲超时后正是这样做的——于是 C 的套接字立即进入 CLOSED，应用得到 ECONNRESET。S 对此一无所知，仍停在 ESTABLISHED：只有它自己的保活（或它下一次同样被拒的发送）才能清掉它。办法：把保活设得比设备超时小（--param keepalive=true），或者让客户端在复用连接失败时重试请求。`,
      };
    }
    const gaveUp = lab.when('C', 'CLOSED', 1, 'ESTABLISHED');
    lab.check(err === 'ETIMEDOUT', `C's recv() fails with ETIMEDOUT (got ${err})`);
    lab.check(lost.length === lab.config.tcp_retries2 + 1, `C sent its request ${lab.config.tcp_retries2 + 1} times, all dropped (saw ${lost.length})`);
    return {
      en: `After ${idle} s without a segment the firewall forgot the connection without a word: both ends still thought they were ESTABLISHED (a half-open connection). C's next request was dropped silently, so C retransmitted it ${lost.length - 1} times with exponential backoff, every copy dropped, until tcp_retries2 = ${lab.config.tcp_retries2} ran out and the connection was aborted at ${secs(gaveUp)} — ${secs(gaveUp === undefined ? undefined : gaveUp - (lost[0]?.at ?? 0))} after the request, the application waiting all along, then ETIMEDOUT. S never heard of it and stays ESTABLISHED for ever. Fix: keepalive below the box's timeout (--param keepalive=true), TCP_USER_TIMEOUT to fail sooner, or a box that answers with an RST (--param noflow=reset).`,
      zh: `连续 ${idle} 秒没有报文之后，防火墙一声不响地忘掉了这条连接：两端都仍以为自己处于 ESTABLISHED（半开连接）。C 的下一个请求被悄悄丢弃，于是 C 以指数退避重传了 ${lost.length - 1} 次，每一份都被丢弃，直到 tcp_retries2 = ${lab.config.tcp_retries2} 用完，连接在 ${secs(gaveUp)} 被中止——距发出请求 ${secs(gaveUp === undefined ? undefined : gaveUp - (lost[0]?.at ?? 0))}，应用一直在等，最后得到 ETIMEDOUT。S 从未得知，会永远停在 ESTABLISHED。办法：把保活设得比设备超时小（--param keepalive=true），用 TCP_USER_TIMEOUT 让失败来得更快，或者让设备回 RST（--param noflow=reset）。`,
    };
  },
});

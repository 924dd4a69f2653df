// Many client applications behind one address (a proxy, a sidecar, a host's outbound gateway) open
// short connections to one server and close first, so every closed connection leaves a TIME-WAIT
// on the client side for 60 s, holding its 4-tuple. connect() needs a 4-tuple nobody holds: with
// one destination ip:port only the ephemeral port varies, so once every port of
// ip_local_port_range is in TIME-WAIT towards that server, connect() fails with EADDRNOTAVAIL
// (Linux __inet_hash_connect: no port found → -EADDRNOTAVAIL). The same ports towards another
// server are other 4-tuples and still free. tcp_tw_reuse=1 lets connect() take a TIME-WAIT entry
// older than tcp_tw_reuse_delay (1 s) when timestamps make it safe (tcp_twsk_unique).
import { isSysError } from '../../core/errno.js';
import { exchange, secs } from '../exchange-kit.js';

const C = '10.0.0.1';
const S1 = '10.0.1.1';
const S2 = '10.0.1.2';

export const portExhaustion = exchange({
  name: 'port-exhaustion',
  summary: {
    en: 'clients behind one address close first against one server: TIME-WAIT holds every ephemeral port towards it, connect() fails with EADDRNOTAVAIL; another server still works',
    zh: '同一地址后的客户端对同一服务器先关闭：TIME-WAIT 占住了通往它的每个临时端口，connect() 以 EADDRNOTAVAIL 失败；换一台服务器仍可连接',
  },
  hosts: [
    { name: 'C', addr: C, label: 'C client 10.0.0.1' },
    { name: 'S1', addr: S1, label: 'S1 server 10.0.1.1' },
    { name: 'S2', addr: S2, label: 'S2 server 10.0.1.2' },
  ],
  params: [
    { name: 'ports', doc: { en: 'ephemeral ports on C (ip_local_port_range 40000..40000+ports-1)', zh: 'C 上的临时端口数（ip_local_port_range 40000..40000+ports-1）' }, default: 4, min: 1, max: 20, integer: true },
    { name: 'twreuse', doc: { en: 'C\'s net.ipv4.tcp_tw_reuse: 0 off, 1 on (2, loopback only, is Linux\'s default)', zh: 'C 的 net.ipv4.tcp_tw_reuse：0 关，1 开（Linux 默认为 2，仅回环）' }, default: 0, max: 2, integer: true },
  ],
  script(lab) {
    const c = lab.actor('C');
    const ports = lab.num('ports');
    const cfg = lab.net.host('C').api.config;
    cfg.ip_local_port_range = [40_000, 40_000 + ports - 1];
    cfg.tcp_tw_reuse = lab.num('twreuse');
    const servers = [lab.actor('S1'), lab.actor('S2')];
    const listeners = servers.map((s) => s.listen(80));
    /** One short request to server k; the client closes first. The connect() error, if any. */
    const request = (k: number): string | undefined => {
      const s = servers[k];
      const fd = c.socket();
      const r = c.connectFd(fd, k === 0 ? S1 : S2, 80);
      if (isSysError(r) && r.errno !== 'EINPROGRESS') {
        c.close(fd);
        return r.errno;
      }
      lab.runUntilTrue(() => c.stateOf(fd) === 'ESTABLISHED', 10_000);
      c.send(fd, 100);
      lab.runFor(200);
      const sfd = s.acceptFd(listeners[k]);
      s.recv(sfd);
      s.send(sfd, 200);
      lab.runFor(200);
      c.recv(fd);
      c.close(fd);
      lab.runFor(200);
      s.recv(sfd);
      s.close(sfd);
      lab.runFor(200);
      return undefined;
    };
    let made = 0;
    let err: string | undefined;
    for (let i = 0; i <= ports && err === undefined; i++) {
      err = request(0);
      if (err === undefined) made++;
    }
    const failedAt = lab.now;
    const twOnC = c.sockets().filter((x) => x.state === 'TIME-WAIT').length;
    lab.note({ en: 'the same ports towards another server: other 4-tuples', zh: '同样的端口连往另一台服务器：是另外的四元组' });
    const other = request(1);
    const firstTw = lab.when('C', 'TIME-WAIT') ?? 0;
    lab.runUntil(Math.max(lab.now, firstTw + lab.config.time_wait_ms + 100));
    lab.note({ en: 'the first TIME-WAIT has expired: its port is free again', zh: '第一个 TIME-WAIT 已到期：它的端口又空出来了' });
    const later = request(0);
    lab.runFor(lab.config.time_wait_ms + 1000);
    const serverTw = lab.rec.timeline.filter((x) => x.host !== 'C' && x.to === 'TIME-WAIT').length;
    lab.check(serverTw === 0, 'the servers hold no TIME-WAIT: the clients closed first');
    lab.check(other === undefined, 'a connection to the other server succeeds with the same ports');
    lab.check(later === undefined, 'after 60 s a port is free again');
    if (lab.num('twreuse') === 1) {
      lab.check(err === undefined && made === ports + 1, `with tcp_tw_reuse=1 connection ${ports + 1} reuses a TIME-WAIT port (made ${made})`);
      return {
        en: `C has ${ports} ephemeral ports and closes first, so each connection to S1 left a TIME-WAIT on C holding its 4-tuple. With tcp_tw_reuse=1, connect() may take a TIME-WAIT entry of the same 4-tuple once it is older than tcp_tw_reuse_delay (1 s) and the connection used timestamps (the new SYN's TSval is above anything the old incarnation sent, so PAWS at the server tells old segments from new): connection ${ports + 1} reused a port and succeeded. tcp_tw_reuse works on the connecting side only; it is off for other hosts by default (2 = loopback only).`,
        zh: `C 有 ${ports} 个临时端口且先关闭，所以每条连往 S1 的连接都在 C 上留下一个占着四元组的 TIME-WAIT。tcp_tw_reuse=1 时，只要同一四元组的 TIME-WAIT 已超过 tcp_tw_reuse_delay（1 秒）且连接使用了时间戳（新 SYN 的 TSval 高于旧化身发过的一切，服务器的 PAWS 能分辨新旧报文），connect() 就可以接管它：第 ${ports + 1} 条连接复用了端口并成功。tcp_tw_reuse 只作用于发起连接的一方；对非本机地址默认关闭（2 = 仅回环）。`,
      };
    }
    // __inet_hash_connect scans an even number of ports (remaining &= ~1): an odd range loses one.
    const usable = ports > 1 ? ports & ~1 : ports;
    lab.check(made === usable, `exactly ${usable} connections to S1 succeed (made ${made})`);
    lab.check(err === 'EADDRNOTAVAIL', `connect() number ${usable + 1} fails with EADDRNOTAVAIL (got ${err ?? 'success'})`);
    lab.check(twOnC === usable, `C holds ${usable} TIME-WAITs when it fails (saw ${twOnC})`);
    const odd = usable === ports ? { en: '', zh: '' } : {
      en: ` (Linux's connect() scans an even number of ports, so of an odd range of ${ports} only ${usable} are used.)`,
      zh: `（Linux 的 connect() 扫描偶数个端口，所以 ${ports} 个端口的奇数范围只用得上 ${usable} 个。）`,
    };
    return {
      en: `C — one address for many client applications — has ${ports} ephemeral ports (ip_local_port_range) and closes first, so each connection to S1 left a TIME-WAIT on C for 60 s, holding its 4-tuple ${C}:port -> ${S1}:80. Towards one destination only the local port varies, so after ${made} connections every port was held and connect() number ${made + 1} failed at once, at ${secs(failedAt)}, with EADDRNOTAVAIL ("Cannot assign requested address") — no segment sent.${odd.en} The same ports towards S2 are other 4-tuples and worked, and 60 s after the first TIME-WAIT its port was free again: the limit is about ${usable} new connections per 60 s per destination ip:port (28,232 per minute, about 470 per second, with Linux's default range 32768..60999). Fixes: keep connections alive and reuse them, let the server close first (its TIME-WAIT then holds server-side 4-tuples), widen ip_local_port_range, add destination addresses or ports, or tcp_tw_reuse=1 on the client (--param twreuse=1). Behind a NAT the NAT's own ports run out the same way, and its new SYNs are dropped instead.`,
      zh: `C——许多客户端应用共用的一个地址——有 ${ports} 个临时端口（ip_local_port_range）且先关闭，所以每条连往 S1 的连接都在 C 上留下一个 60 秒的 TIME-WAIT，占着四元组 ${C}:端口 -> ${S1}:80。连往同一目的地时只有本地端口可变，所以 ${made} 条连接之后所有端口都被占住，第 ${made + 1} 次 connect() 在 ${secs(failedAt)} 立即以 EADDRNOTAVAIL（"Cannot assign requested address"）失败——一个报文也没发。${odd.zh}同样的端口连往 S2 是另外的四元组，可以成功；第一个 TIME-WAIT 之后 60 秒它的端口又空了出来：上限大约是每个目的 ip:端口每 60 秒 ${usable} 条新连接（Linux 默认范围 32768..60999 时为每分钟 28,232 条，约每秒 470 条）。办法：保持并复用连接，让服务器先关闭（TIME-WAIT 就留在服务器端的四元组上），扩大 ip_local_port_range，增加目的地址或端口，或在客户端设 tcp_tw_reuse=1（--param twreuse=1）。在 NAT 后面，NAT 自己的端口也会这样耗尽，只是它的新 SYN 会被丢弃。`,
    };
  },
});

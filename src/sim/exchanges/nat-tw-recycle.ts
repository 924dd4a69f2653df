// Two clients behind one NAT talk to a server that closes first, so the TIME-WAITs are on the far
// side, the server's, keyed by the NAT's address and the ports it rewrote. With the server on a
// Linux before 4.12 and net.ipv4.tcp_tw_recycle=1 (tw-recycle.ts models that check), the server
// remembers the newest timestamp per peer *address*, and the client whose clock is behind the
// other's finds its SYNs dropped without a word for up to 60 s. Linux 4.10 gave each connection
// its own random timestamp offset (tp->tsoffset; per address pair since 4.13), which made
// timestamps non-monotonic even from one host, and 4.12 removed tcp_tw_recycle. Today TIME-WAIT is
// judged per connection only, and tcp_tw_reuse helps the connecting side alone.
import { exchange, secs } from '../exchange-kit.js';
import { Middlebox } from '../middlebox.js';
import { TwRecycleCheck } from '../tw-recycle.js';

const C1 = '10.0.0.1';
const C2 = '10.0.0.2';
const PUBLIC = '203.0.113.1';
const S = '198.51.100.10';

export const natTwRecycle = exchange({
  name: 'nat-tw-recycle',
  summary: {
    en: 'two clients behind one NAT, the server closes first: why tcp_tw_recycle (per-address timestamps, removed in Linux 4.12) dropped their SYNs, and what Linux does today',
    zh: '同一 NAT 后的两个客户端，服务器先关闭：为什么 tcp_tw_recycle（按地址比较时间戳，Linux 4.12 已删除）会丢弃它们的 SYN，以及今天的 Linux 怎么做',
  },
  hosts: [
    { name: 'C1', addr: C1, label: 'C1 client 10.0.0.1' },
    { name: 'C2', addr: C2, label: 'C2 client 10.0.0.2' },
    { name: 'S', addr: S, label: 'S server 198.51.100.10' },
  ],
  params: [
    { name: 'recycle', doc: { en: 'the server runs Linux < 4.12 with tcp_tw_recycle=1 (false: Linux today)', zh: '服务器运行 Linux < 4.12 且 tcp_tw_recycle=1（false：今天的 Linux）' }, default: true },
  ],
  boxes: () => [{
    name: 'NAT', label: 'NAT 203.0.113.1', addrs: [PUBLIC], route: ['C1', 'C2'], after: 'C2',
    box: new Middlebox({ inside: [C1, C2], noFlow: 'drop', snat: { addr: PUBLIC, firstPort: 20_000, ports: 1000 } }),
  }],
  script(lab) {
    const recycle = new TwRecycleCheck();
    recycle.enabled = lab.params.recycle === true;
    lab.net.link('NAT', 'S').drop.push({ why: 'tw-recycle', where: (seg) => recycle.drops(seg, lab.now) });
    lab.net.observe((e) => {
      if (e.kind === 'deliver' && e.to === 'S') recycle.received(e.seg);
      if (e.kind === 'state' && e.host === 'S') recycle.stateChanged(e.change, e.at);
    }, ['deliver', 'state']);
    const clients = [lab.actor('C1'), lab.actor('C2')];
    const s = lab.actor('S');
    const listener = s.listen(80);
    /** One request each, at once; the server answers and closes first (HTTP/1.0 style). */
    const round = (): number[] => {
      const fds = clients.map((c) => c.connect(S, 80));
      lab.runUntilTrue(() => fds.every((fd, i) => clients[i].stateOf(fd) === 'ESTABLISHED'), 200_000);
      lab.runFor(500);
      const served: number[] = [];
      for (;;) {
        const a = s.accept(listener);
        if ('errno' in a) break;
        served.push(a.fd);
      }
      fds.forEach((fd, i) => clients[i].send(fd, 100));
      lab.runFor(500);
      for (const fd of served) { s.recv(fd); s.send(fd, 200); s.close(fd); }
      lab.runFor(500);
      fds.forEach((fd, i) => { clients[i].recv(fd); clients[i].recv(fd); clients[i].close(fd); });
      lab.runFor(1000);
      return fds;
    };
    round();
    const twAfterFirst = lab.rec.timeline.filter((c) => c.host === 'S' && c.to === 'TIME-WAIT').length;
    lab.note({ en: 'S holds both TIME-WAITs, keyed by the NAT\'s address and the ports it gave; a second round of requests starts', zh: 'S 持有两个 TIME-WAIT，键是 NAT 的地址和它分配的端口；第二轮请求开始' });
    const start2 = lab.now;
    round();
    const drops = lab.segments().filter((x) => x.dropped && x.why === 'tw-recycle');
    // The blocked client is the one whose second connection took more than a round trip.
    const blocked = ['C1', 'C2'].find((h) => (lab.when(h, 'ESTABLISHED', 2) ?? Infinity) - start2 > 1000);
    const admitted = lab.rec.timeline.filter((c) => c.host === 'S' && c.to === 'SYN-RECEIVED' && c.at > start2).map((c) => c.at);
    lab.check(twAfterFirst === 2, `S holds two TIME-WAITs after the first round (saw ${twAfterFirst})`);
    const remembered = recycle.remembered(PUBLIC);
    if (recycle.enabled) {
      lab.check(drops.length > 0, 'S drops SYNs of the second round (PAWSPassiveRejected)');
      lab.check(admitted.length === 2, 'both clients are served in the end');
      const wait = admitted.length === 2 ? admitted[1] - start2 : undefined;
      lab.check(wait !== undefined && wait > 50_000, `the blocked client waits until S's memory of the address is 60 s old (${secs(wait)})`);
      return {
        en: `Both clients reach S through one address, ${PUBLIC}; the NAT rewrote their ports (20000, 20001, ...), so every connection was a distinct 4-tuple and S, which closed first, keeps a TIME-WAIT for each. With tcp_tw_recycle=1 (Linux before 4.12), entering TIME-WAIT also stored the peer's last timestamp per address (here TSval ${remembered?.ts}), and a new SYN from that address with an older timestamp within 60 s was dropped silently. The two clients' clocks are unrelated — each host, and since Linux 4.10 each connection, adds its own random offset to TSval — so ${blocked ?? 'one client'}'s SYNs looked "old": ${drops.length} dropped (netstat -s: "passive connections rejected because of time stamp"), and it got in only ${secs(wait)} after the round began, when S's memory was 60 s old; on a busy NAT the other clients keep refreshing it and the blocked ones never get in. That is why tcp_tw_recycle was removed in Linux 4.12. Today (--param recycle=false) TIME-WAIT is judged per connection only: a SYN meeting the same 4-tuple in TIME-WAIT is accepted when its sequence number or timestamp is newer than that connection's, else answered with an ACK that the client turns into an RST and a retry; tcp_tw_reuse only lets connect() on the client side reuse its own TIME-WAIT ports — nothing on the server side needs recycling, since the NAT's port rewriting keeps 4-tuples apart.`,
        zh: `两个客户端都经由同一个地址 ${PUBLIC} 到达 S；NAT 改写了它们的端口（20000、20001……），所以每条连接都是不同的四元组，先关闭的 S 为每一条保留一个 TIME-WAIT。在 tcp_tw_recycle=1（Linux 4.12 之前）时，进入 TIME-WAIT 还会按地址记下对端最后的时间戳（本次为 ${remembered?.ts}），60 秒内来自该地址、时间戳更旧的新 SYN 会被悄悄丢弃。两个客户端的时钟互不相关——每台主机、以及自 Linux 4.10 起的每条连接，都给时间戳加上自己的随机偏移——所以 ${blocked ?? '其中一个客户端'} 的 SYN 看起来是“旧的”：丢了 ${drops.length} 个（netstat -s 中的 "passive connections rejected because of time stamp"），直到本轮开始 ${secs(wait)} 后、S 的记忆满 60 秒才连上；在繁忙的 NAT 后面，其他客户端会不断刷新这份记忆，被挡住的客户端永远连不上。这就是 Linux 4.12 删除 tcp_tw_recycle 的原因。今天（--param recycle=false）TIME-WAIT 只按连接判断：遇到同一四元组 TIME-WAIT 的 SYN，若序号或时间戳比那条连接的新就接受，否则回一个 ACK，客户端把它变成 RST 后重试；tcp_tw_reuse 只让客户端的 connect() 复用自己处于 TIME-WAIT 的端口——服务器端没有什么需要回收，NAT 的端口改写已经让四元组各不相同。`,
      };
    }
    lab.check(drops.length === 0, 'no SYN is dropped');
    lab.check(admitted.length === 2 && admitted.every((t) => t - start2 < 1000), 'both clients are admitted at once');
    return {
      en: `Both clients reach S through one address, ${PUBLIC}; the NAT rewrote their ports, so every connection is a distinct 4-tuple and S, which closed first, keeps a TIME-WAIT for each — 60 s, per connection. The second round's SYNs carry new ports and were admitted at once, whatever each client's clock says: Linux today compares timestamps only within one connection (PAWS on its own ts_recent; each connection carries its own random offset, tp->tsoffset, drawn per address pair since Linux 4.13), never across the hosts behind an address. The per-address check of tcp_tw_recycle (--param recycle=true) is what used to drop them; it was removed in Linux 4.12. tcp_tw_reuse, the knob that remains, only lets connect() on the client side reuse its own TIME-WAIT ports.`,
      zh: `两个客户端都经由同一个地址 ${PUBLIC} 到达 S；NAT 改写了它们的端口，所以每条连接都是不同的四元组，先关闭的 S 为每一条保留一个 TIME-WAIT——60 秒，按连接计。第二轮的 SYN 用的是新端口，无论各客户端的时钟如何都立即被接受：今天的 Linux 只在同一条连接内比较时间戳（PAWS 用它自己的 ts_recent；每条连接带着自己的随机偏移 tp->tsoffset，自 Linux 4.13 起按地址对生成），从不跨越同一地址后面的不同主机。过去丢弃它们的正是 tcp_tw_recycle 按地址做的检查（--param recycle=true）；它在 Linux 4.12 中被删除。剩下的 tcp_tw_reuse 只让客户端的 connect() 复用自己处于 TIME-WAIT 的端口。`,
    };
  },
});

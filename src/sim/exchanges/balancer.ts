// A load balancer that terminates TCP (HAProxy, nginx, Envoy, AWS's Application Load Balancer):
// two connections, client → LB and LB → server, and a relay between them. When the pair is idle
// longer than the balancer's timeout (HAProxy `timeout client`, nginx keepalive_timeout, ALB's 60 s)
// the balancer closes both: a FIN to each side, so the balancer is the active closer and holds the
// TIME-WAITs. A pooled HTTP client that does not read its idle connections misses the FIN and sends
// its next request into a socket the balancer has closed: the balancer's orphaned FIN-WAIT-2 answers
// data with an RST (Linux tcp_rcv_state_process: data after RCV_SHUTDOWN → tcp_reset, counted as
// TCPAbortOnData); the client reads end of stream (the FIN came first: tcp_recvmsg checks SOCK_DONE
// before sk_err) and its next send() fails with EPIPE (tcp_reset in CLOSE-WAIT sets EPIPE).
import { isSysError } from '../../core/errno.js';
import { exchange, ScenarioInputError, secs } from '../exchange-kit.js';

const C = '10.0.0.1';
const LB = '10.0.0.10';
const S = '10.0.1.2';

export const balancerIdleClose = exchange({
  name: 'balancer-idle-close',
  summary: {
    en: 'C -> LB -> S: the balancer closes the idle pair; C\'s next request meets a FIN, then an RST; the balancer holds the TIME-WAIT',
    zh: 'C -> LB -> S：负载均衡器关闭空闲的连接对；C 的下一个请求先遇到 FIN，再遇到 RST；TIME-WAIT 留在均衡器上',
  },
  hosts: [
    { name: 'C', addr: C, label: 'C client 10.0.0.1' },
    { name: 'LB', addr: LB, label: 'LB 10.0.0.10' },
    { name: 'S', addr: S, label: 'S server 10.0.1.2' },
  ],
  params: [
    { name: 'idle', doc: { en: 'the balancer\'s idle timeout, s', zh: '负载均衡器的空闲超时（秒）' }, default: 60, min: 1 },
    { name: 'reuse', doc: { en: 'seconds after the balancer\'s close that C sends its next request', zh: '均衡器关闭后过多少秒 C 发出下一个请求' }, default: 5 },
    { name: 'client', doc: { en: 'C\'s pool: pooled (never reads an idle connection) or reads (sees EOF and closes)', zh: 'C 的连接池：pooled（从不读空闲连接）或 reads（读到 EOF 就关闭）' }, default: 'pooled' },
  ],
  script(lab) {
    const mode = String(lab.params.client);
    if (mode !== 'pooled' && mode !== 'reads') throw new ScenarioInputError(`--param client=${mode}: pooled or reads`);
    const c = lab.actor('C');
    const lb = lab.actor('LB');
    const s = lab.actor('S');
    const sl = s.listen(8080);
    const lbl = lb.listen(80);
    const cfd = c.connect(LB, 80);
    lab.runUntilTrue(() => lab.state('LB') === 'ESTABLISHED', 10_000);
    const front = lb.acceptFd(lbl);
    lab.note({ en: 'the balancer opens its own connection to the server', zh: '均衡器向服务器建立自己的连接' });
    const back = lb.connect(S, 8080);
    lab.runUntilTrue(() => lab.state('S') === 'ESTABLISHED', 10_000);
    const sfd = s.acceptFd(sl);
    c.send(cfd, 100);
    lab.runFor(500);
    lb.recv(front);
    lb.send(back, 100);
    lab.runFor(500);
    s.recv(sfd);
    s.send(sfd, 200);
    lab.runFor(500);
    lb.recv(back);
    lb.send(front, 200);
    lab.runFor(500);
    c.recv(cfd);
    const idle = lab.num('idle');
    lab.runFor(idle * 1000);
    lab.note({ en: `${idle} s without a byte: the balancer's idle timeout closes both connections`, zh: `${idle} 秒没有任何字节：均衡器的空闲超时关闭两条连接` });
    const closedAt = lab.now;
    lb.close(front);
    lb.close(back);
    lab.runFor(500);
    // The server's application reads EOF and closes, as any server does.
    s.recv(sfd);
    s.close(sfd);
    lab.runFor(Math.max(0, lab.num('reuse') * 1000 - 500));
    const cBefore = c.stateOf(cfd);
    let err: string;
    let sendErr = '';
    if (mode === 'reads') {
      c.recv(cfd);
      c.close(cfd);
      lab.runFor(1000);
      err = 'EOF';
    } else {
      lab.note({ en: 'C\'s pool hands the connection to the next request: it never read the FIN', zh: 'C 的连接池把这条连接交给下一个请求：它从未读到那个 FIN' });
      c.send(cfd, 100);
      lab.runFor(1000);
      const r = c.recv(cfd);
      err = isSysError(r) ? r.errno : r.length === 0 ? 'EOF' : 'data';
      const again = c.send(cfd, 100);
      sendErr = isSysError(again) ? again.errno : 'sent';
    }
    lab.runFor(70_000);
    const lbTw = lab.rec.timeline.filter((x) => x.host === 'LB' && x.to === 'TIME-WAIT').length;
    const others = lab.rec.timeline.filter((x) => x.host !== 'LB' && x.to === 'TIME-WAIT').length;
    const rst = lab.segments('LB').some((x) => x.text.startsWith('RST') && x.to === 'C');
    lab.check(cBefore === 'CLOSE-WAIT', `C is in CLOSE-WAIT after the balancer's FIN (it is ${cBefore})`);
    lab.check(lab.when('S', 'LAST-ACK') !== undefined && lab.when('S', 'TIME-WAIT') === undefined, 'S closes second: LAST-ACK, no TIME-WAIT');
    lab.check(others === 0, 'neither C nor S enters TIME-WAIT');
    if (mode === 'reads') {
      lab.check(lbTw === 2, `the balancer holds both TIME-WAITs (saw ${lbTw})`);
      return {
        en: `After ${idle} s of silence the balancer closed both connections at ${secs(closedAt)}: a FIN to C and a FIN to S. Both ends read EOF and closed in turn (CLOSE-WAIT → LAST-ACK → CLOSED), so the balancer, the active closer on both sides, holds both TIME-WAITs for 60 s, and neither C nor S has any. A client that watches its idle pooled connections (reads EOF, or polls them before reuse) never sends a request into a closed connection.`,
        zh: `静默 ${idle} 秒后，均衡器在 ${secs(closedAt)} 关闭了两条连接：给 C 一个 FIN，给 S 一个 FIN。两端都读到 EOF 并依次关闭（CLOSE-WAIT → LAST-ACK → CLOSED），所以作为两侧主动关闭方的均衡器持有两个 TIME-WAIT，各 60 秒，C 和 S 都没有。会检查连接池里空闲连接的客户端（读到 EOF，或复用前先 poll）不会把请求发进一条已关闭的连接。`,
      };
    }
    lab.check(rst, 'the balancer answers C\'s request with an RST');
    lab.check(err === 'EOF', `C's recv() for the answer returns end of stream (got ${err})`);
    lab.check(sendErr === 'EPIPE', `C's next send() fails with EPIPE (got ${sendErr})`);
    lab.check(lbTw === 1, `the balancer holds one TIME-WAIT, towards S (saw ${lbTw})`);
    return {
      en: `After ${idle} s of silence the balancer closed both connections at ${secs(closedAt)}: a FIN to each side, which made it the active closer twice. Towards S the close ran its course — S read EOF and closed, LAST-ACK → CLOSED — and the TIME-WAIT is the balancer's. C's pool never read its idle connection: the FIN left it in CLOSE-WAIT, and ${lab.num('reuse')} s later it sent the next request there. The balancer's socket was closed (an orphan in FIN-WAIT-2), so it answered the data with an RST (Linux counts TCPAbortOnData) and dropped the connection without TIME-WAIT. C's request got no answer: recv() returned end of stream (the FIN came first, and Linux reports it before the RST's error) and the next send() failed with EPIPE — an HTTP client's "server closed the connection unexpectedly", although nothing was wrong with either server. Fixes: keep the client's idle timeout below the balancer's, retry idempotent requests that fail on a reused connection, or check a pooled connection for EOF before reuse (--param client=reads).`,
      zh: `静默 ${idle} 秒后，均衡器在 ${secs(closedAt)} 关闭了两条连接：给两侧各发一个 FIN，两次都成了主动关闭方。朝 S 的一侧正常走完——S 读到 EOF 后关闭，LAST-ACK → CLOSED——TIME-WAIT 在均衡器上。C 的连接池从不读空闲连接：那个 FIN 让它停在 CLOSE-WAIT，${lab.num('reuse')} 秒后它在这条连接上发出了下一个请求。均衡器的套接字早已关闭（一个处于 FIN-WAIT-2 的孤儿），于是用 RST 回应了数据（Linux 计入 TCPAbortOnData），连接直接消失，没有 TIME-WAIT。C 的请求得不到应答：recv() 返回流结束（FIN 先到，Linux 先报告它，而不是 RST 的错误），下一次 send() 以 EPIPE 失败——也就是 HTTP 客户端所说的“服务器意外关闭了连接”，而两台服务器都没有任何问题。办法：让客户端的空闲超时小于均衡器的，对复用连接上失败的幂等请求重试，或在复用前检查连接是否已收到 EOF（--param client=reads）。`,
    };
  },
});

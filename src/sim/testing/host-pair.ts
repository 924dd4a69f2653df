// The host's test harness (quinn-proto's `Pair`, for whole hosts): two or more `Host`s on the
// lab's Network, a fixed one-way delay, a log of every segment with its time, and a predicate to
// lose segments. Host tests call the hosts directly; `run(until)` first drains what those calls
// produced, then runs the network, bounded (too many events throw, naming the time — never a hang).
import { defaultConfig } from '../../core/config.js';
import { isSysError } from '../../core/errno.js';
import { flagsToLetters, type Segment } from '../../core/segment.js';
import type { Millis } from '../../core/time.js';
import type { StateChange } from '../../stack/api.js';
import { Host } from '../../stack/host.js';
import { Network } from '../network.js';

export interface Sent { at: Millis; seg: Segment; text: string }

export class HostPair {
  readonly net: Network;
  readonly log: Sent[] = [];
  /** Return true to drop a segment (it is still logged). */
  drop: (seg: Segment) => boolean = () => false;
  private readonly names = new Map<Host, string>();
  private readonly changes = new Map<string, StateChange[]>();

  constructor(readonly delayMs: Millis = 0.05, ...hosts: Host[]) {
    this.net = new Network({ delayMs });
    this.net.observe((e) => {
      if (e.kind === 'send') this.log.push({ at: e.at, seg: e.seg, text: describe(e.seg) });
      else if (e.kind === 'state') this.changes.get(e.host)?.push(e.change);
    }, ['send', 'state']);
    for (const h of hosts) this.add(h);
  }

  get now(): Millis {
    return this.net.now;
  }

  add(h: Host): void {
    const name = `${h.addrs[0]}#${this.names.size + 1}`;
    for (const other of this.names.values()) {
      for (const [a, b] of [[name, other], [other, name]]) this.net.link(a, b).drop.push({ where: (s) => this.drop(s) });
    }
    this.names.set(h, name);
    this.changes.set(name, []);
    this.net.addHost(name, h.addrs, h);
  }

  private nameOf(h: Host): string {
    const n = this.names.get(h);
    if (n === undefined) throw new Error('host pair: that host was never added');
    return n;
  }

  /** Move every host's output onto the wire. `run` does it first; call it to see the log now. */
  flush(): void {
    this.net.flushAll();
  }

  /** Inject a segment as if it arrived from the wire now. */
  inject(to: Host, seg: Segment): void {
    this.net.call(this.nameOf(to), 'inject', (api) => api.handleSegment(seg, this.net.now));
  }

  run(until: Millis, maxSteps = 1_000_000): void {
    this.net.flushAll();
    this.net.runUntil(until, maxSteps);
  }

  /** Segments logged since index `from` that match `pred`. */
  since(from: number, pred: (s: Sent) => boolean = () => true): Sent[] {
    return this.log.slice(from).filter(pred);
  }

  /** The state changes a host made so far (the network drains them from the host as they happen). */
  stateChanges(h: Host): StateChange[] {
    return this.changes.get(this.nameOf(h)) ?? [];
  }
}

export function describe(s: Segment): string {
  return `${s.srcAddr}:${s.srcPort} > ${s.dstAddr}:${s.dstPort} ${flagsToLetters(s.flags)} ${s.seq >>> 0}:${(s.seq + s.payload.length) >>> 0}(${s.payload.length}) ack ${s.ack >>> 0}`;
}

/**
 * The fixture most host tests start from: client 10.0.0.1 connected to a listener on 10.0.0.2:80
 * (backlog 8), the handshake done and the connection accepted. `fd` is the client's socket,
 * `serverFd` the accepted one.
 */
export function establishedPair(): { client: Host; server: Host; pair: HostPair; fd: number; serverFd: number } {
  const client = new Host({ addrs: ['10.0.0.1'], config: defaultConfig(), seed: 1 });
  const server = new Host({ addrs: ['10.0.0.2'], config: defaultConfig(), seed: 2 });
  const pair = new HostPair(0.05, client, server);
  const lfd = server.socket('ipv4') as number;
  server.bind(lfd, '0.0.0.0', 80);
  server.listen(lfd, 8);
  const fd = client.socket('ipv4') as number;
  client.connect(fd, '10.0.0.2', 80);
  pair.run(10);
  const a = server.accept(lfd);
  if (isSysError(a)) throw new Error(`establishedPair: the handshake did not complete by 10 ms (accept: ${a.errno})`);
  return { client, server, pair, fd, serverFd: a.fd };
}

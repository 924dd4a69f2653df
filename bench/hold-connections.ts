// Many real connections held open in a test namespace for the benchmarks that read a big host: one
// server per port and one client process per port, each connecting to every port, so no process
// holds more than its share of fds.
import type { NsProcess, TestNetns } from '../test/helpers/netns.js';

/** Ports `first`, `first + 1`, … enough for `connections` at `perProcess` connections a process. */
export function benchPorts(connections: number, perProcess: number, first: number): number[] {
  return Array.from({ length: Math.max(1, Math.ceil(connections / perProcess)) }, (_, i) => first + i);
}

/** Room for 10^5 sockets in a namespace: the whole port range and deep listen queues. */
export function tuneForManySockets(ns: TestNetns): void {
  ns.sysctl('net.ipv4.ip_local_port_range', '1024 65535');
  ns.sysctl('net.core.somaxconn', '65535');
  ns.sysctl('net.ipv4.tcp_max_syn_backlog', '65535');
}

export interface HoldOptions {
  ports: number[];
  connections: number;
  lifetimeMs: number;
  doneTimeoutMs: number;
  /** Client i's mode: `hold` keeps its connections, `end` lets the server's side sit in CLOSE-WAIT. Default: all `hold`. */
  mode?: (i: number) => 'hold' | 'end';
}

export interface HeldConnections { per: number; servers: NsProcess[]; clients: NsProcess[]; failed: number }

/** Start the servers, then the clients, and wait until every client has made its connections. Each process is pushed onto `procs` as soon as it starts, so the caller's cleanup stops it. */
export async function holdConnections(ns: TestNetns, procs: NsProcess[], o: HoldOptions): Promise<HeldConnections> {
  const per = Math.ceil(o.connections / o.ports.length);
  const servers: NsProcess[] = [];
  for (const port of o.ports) {
    const srv = ns.start('server', { port, mode: 'hold', backlog: 65535 }, { lifetimeMs: o.lifetimeMs, title: 'bench-srv', nofile: per + 1000 });
    procs.push(srv);
    servers.push(srv);
    await srv.waitFor('ready');
  }
  const clients = o.ports.map((_, i) => {
    const mode = o.mode?.(i) ?? 'hold';
    const c = ns.start('client', { ports: o.ports, count: per, mode, concurrency: 300, connectTimeoutMs: 20_000 }, { lifetimeMs: o.lifetimeMs, title: o.mode ? `bench-${mode}` : 'bench-cli', nofile: per + 1000 });
    procs.push(c);
    return c;
  });
  let failed = 0;
  for (const c of clients) {
    const done = await c.waitFor('done', o.doneTimeoutMs);
    failed += Object.values((done.errors ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
  }
  return { per, servers, clients, failed };
}

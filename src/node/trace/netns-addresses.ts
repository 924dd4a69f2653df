// The addresses of a network namespace, to tell its sockets' state changes from everyone else's.
//
// The tracepoint is global to the kernel and carries no namespace: every namespace's sockets fire
// it. The event's own fields are all there is at the moment it fires (the socket may be gone by the
// time anyone could look it up), so an event is the namespace's when its local address is one of
// the namespace's own — see `eventInNamespace` in src/formats/trace-sock-state.ts for the rule and
// its limits (loopback, which every namespace has, cannot tell them apart).
import { spawn } from 'node:child_process';
import { canonicalHost } from '../../formats/address.js';
import { enterArgv } from '../netns.js';

interface IpAddr { addr_info?: { local?: string }[] }

/** The canonical addresses on the namespace's interfaces (`ip -j addr show` run inside it). */
export function readNetnsAddresses(name: string, timeoutMs = 10_000): Promise<Set<string>> {
  const argv = [...enterArgv(name), 'ip', '-j', 'addr', 'show'];
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const child = spawn(argv[0], argv.slice(1), { timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (err.length < 2000) err += d; });
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) { reject(new Error(err.trim().split('\n')[0] || `${argv.join(' ')} exited with ${status}`)); return; }
      try {
        const set = new Set<string>();
        for (const link of JSON.parse(out) as IpAddr[]) {
          for (const a of link.addr_info ?? []) {
            const c = a.local ? canonicalHost(a.local) : undefined;
            if (c) set.add(c.address);
          }
        }
        resolve(set);
      } catch (e) { reject(e instanceof Error ? e : new Error(String(e))); }
    });
  });
}

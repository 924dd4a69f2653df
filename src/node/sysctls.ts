// The TCP sysctls, by their full dotted names, from /proc/sys. Which ones: every net.ipv4.tcp_*
// (the kernel adds and removes them between versions — tcp_tw_recycle left in 4.12 — so we list
// the directory instead of keeping a list), the ephemeral port range and reserved ports, and
// net.core.somaxconn. A sysctl that does not exist is simply absent from the record: that is how a
// reader tells that `net.ipv4.tcp_tw_recycle` is gone on this kernel.
import type { ProcFiles } from './proc-files.js';

/** The /proc/sys paths outside net/ipv4/tcp_* that the doctor reads. */
export const EXTRA_SYSCTL_PATHS = [
  'sys/net/ipv4/ip_local_port_range',
  'sys/net/ipv4/ip_local_reserved_ports',
  'sys/net/core/somaxconn',
] as const;

/** `sys/net/ipv4/tcp_fin_timeout` → `net.ipv4.tcp_fin_timeout`. */
export function sysctlName(rel: string): string {
  return rel.replace(/^sys\//, '').replaceAll('/', '.');
}

/** The paths under /proc to read, for this source. */
export async function sysctlPaths(files: ProcFiles): Promise<string[]> {
  const tcp = (await files.list('sys/net/ipv4')).filter((n) => n.startsWith('tcp_')).sort().map((n) => `sys/net/ipv4/${n}`);
  return [...tcp, ...EXTRA_SYSCTL_PATHS];
}

/**
 * Values as `sysctl` prints them, with runs of blanks made one space: `ip_local_port_range` is
 * "32768\t60999" in the file and "32768 60999" here, `tcp_rmem` "4096 131072 6291456".
 */
export async function readSysctls(files: ProcFiles): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const paths = await sysctlPaths(files);
  const bufs = await Promise.all(paths.map((rel) => files.read(rel)));
  for (const [i, rel] of paths.entries()) {
    const b = bufs[i];
    // Write-only or permission-protected entries (none in net.ipv4.tcp_* today) just stay absent.
    if (b === undefined) continue;
    out[sysctlName(rel)] = b.toString('utf8').trim().replace(/\s+/g, ' ');
  }
  return out;
}

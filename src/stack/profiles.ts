// OS profiles as presets of the `profile.*` tunables (src/core/config.ts): the engine reads
// `time_wait_ms` and `fin_wait2_timer`; everything else a profile changes is an ordinary tunable.
// Sources: Linux include/net/tcp.h TCP_TIMEWAIT_LEN (60 s, not tunable); FreeBSD tcp_timer.h
// TCPTV_MSL 30 s and 2*MSL in tcp_twstart(); Windows TcpTimedWaitDelay (default 240 s, 30..300) and
// TcpFinWait2Delay (default 240 s, 30..300) under HKLM\System\CurrentControlSet\Services\Tcpip\Parameters.
// All three have an orphaned-FIN-WAIT-2 timer; `--set fin_wait2_timer=0` models a stack without one
// (what people mean by "FIN_WAIT_2 never times out"), where an orphan whose peer never sends FIN stays for ever.
import type { TcpConfig } from '../core/config.js';

export type ProfileName = 'linux' | 'bsd' | 'windows';

export const PROFILES: readonly ProfileName[] = ['linux', 'bsd', 'windows'];

export interface ProfileOptions {
  /** Windows TcpTimedWaitDelay in seconds (30..300; default 240). */
  tcpTimedWaitDelay?: number;
  /** Windows TcpFinWait2Delay in seconds (30..300; default 240). */
  tcpFinWait2Delay?: number;
}

interface ProfileRow {
  os: 'linux' | 'freebsd' | 'windows';
  time_wait_ms: number;
  /** Orphaned FIN-WAIT-2 lifetime in seconds (tcp_fin_timeout on Linux, tcp.finwait2_timeout on BSD). */
  fin_timeout_s: number;
  fin_wait2_timer: number;
  why: string;
}

/** The table the presets are drawn from. */
export const PROFILE_TABLE: Readonly<Record<ProfileName, ProfileRow>> = {
  linux: { os: 'linux', time_wait_ms: 60_000, fin_timeout_s: 60, fin_wait2_timer: 1, why: 'TCP_TIMEWAIT_LEN is fixed at 60 s; tcp_fin_timeout 60 s bounds orphaned FIN-WAIT-2' },
  bsd: { os: 'freebsd', time_wait_ms: 60_000, fin_timeout_s: 60, fin_wait2_timer: 1, why: 'TIME-WAIT is 2*MSL with net.inet.tcp.msl 30 s; net.inet.tcp.finwait2_timeout 60 s' },
  windows: { os: 'windows', time_wait_ms: 240_000, fin_timeout_s: 240, fin_wait2_timer: 1, why: 'TcpTimedWaitDelay 240 s by default (30..300); TcpFinWait2Delay 240 s' },
};

function clampWindows(s: number): number {
  return Math.min(300, Math.max(30, s));
}

/** Apply a profile to a config in place (before any `--set`, so explicit settings win). */
export function applyProfile(config: TcpConfig, profile: ProfileName, opts: ProfileOptions = {}): TcpConfig {
  const row = PROFILE_TABLE[profile];
  config.time_wait_ms = row.time_wait_ms;
  config.tcp_fin_timeout = row.fin_timeout_s;
  config.fin_wait2_timer = row.fin_wait2_timer;
  if (profile === 'windows') {
    if (opts.tcpTimedWaitDelay !== undefined) config.time_wait_ms = clampWindows(opts.tcpTimedWaitDelay) * 1000;
    if (opts.tcpFinWait2Delay !== undefined) config.tcp_fin_timeout = clampWindows(opts.tcpFinWait2Delay);
    // Windows has no tcp_tw_reuse; ephemeral ports 49152..65535 (RFC 6335 dynamic range, Vista and later).
    config.tcp_tw_reuse = 0;
    config.ip_local_port_range = [49_152, 65_535];
  }
  if (profile === 'bsd') {
    // FreeBSD: no tcp_tw_reuse; net.inet.ip.portrange.first/last = 10000..65535.
    config.tcp_tw_reuse = 0;
    config.ip_local_port_range = [10_000, 65_535];
  }
  return config;
}

export function profileOs(profile: ProfileName): 'linux' | 'freebsd' | 'windows' {
  return PROFILE_TABLE[profile].os;
}

export function isProfile(s: string): s is ProfileName {
  return (PROFILES as readonly string[]).includes(s);
}

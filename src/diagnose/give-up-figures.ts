// READ THIS FIRST — the give-up times the doctor and `explain` print, in words, from core's arithmetic.
//
// Rules this file keeps:
// - Every figure is computed by src/core/give-up.ts (tcp_write_timeout, retransmits_timed_out,
//   tcp_model_timeout, reqsk_timer_handler, tcp_keepalive_timer as Linux 6.x runs them); nothing
//   here does timer arithmetic of its own, and no text elsewhere writes such a figure by hand.
// - Without a host (explain, the state pages) the settings are Linux's defaults; with a host's
//   sysctls (the doctor) each figure uses the host's values, a missing or unreadable one falling
//   back to its default.
// - Figures are worded by words.ts's duration(), the same in English and Chinese.
import type { Text } from '../i18n/lang.js';
import {
  dataGiveUpMs, finWait2LifetimeMs, keepaliveGiveUpMs, orphanRetries, synAckGiveUpMs, synSchedule,
} from '../core/give-up.js';
import { duration } from './words.js';

/** The sysctls the give-up times depend on. */
export interface GiveUpSettings {
  /** net.ipv4.tcp_syn_retries */
  synRetries: number;
  /** net.ipv4.tcp_syn_linear_timeouts (Linux 6.x; 0 on kernels without it) */
  synLinearTimeouts: number;
  /** net.ipv4.tcp_synack_retries */
  synackRetries: number;
  /** net.ipv4.tcp_retries2 */
  retries2: number;
  /** net.ipv4.tcp_orphan_retries (0 means 8 while the peer looks alive) */
  orphanRetries: number;
  /** net.ipv4.tcp_fin_timeout, s */
  finTimeoutS: number;
  /** net.ipv4.tcp_keepalive_time / _intvl (s) and _probes */
  keepaliveTimeS: number;
  keepaliveIntvlS: number;
  keepaliveProbes: number;
}

/** Linux 6.x's defaults (ip-sysctl.rst). */
export const LINUX_GIVE_UP_DEFAULTS: Readonly<GiveUpSettings> = Object.freeze({
  synRetries: 6, synLinearTimeouts: 4, synackRetries: 5, retries2: 15, orphanRetries: 0,
  finTimeoutS: 60, keepaliveTimeS: 7200, keepaliveIntvlS: 75, keepaliveProbes: 9,
});

const SYSCTL_OF: Readonly<Record<keyof GiveUpSettings, string>> = {
  synRetries: 'net.ipv4.tcp_syn_retries', synLinearTimeouts: 'net.ipv4.tcp_syn_linear_timeouts',
  synackRetries: 'net.ipv4.tcp_synack_retries', retries2: 'net.ipv4.tcp_retries2',
  orphanRetries: 'net.ipv4.tcp_orphan_retries', finTimeoutS: 'net.ipv4.tcp_fin_timeout',
  keepaliveTimeS: 'net.ipv4.tcp_keepalive_time', keepaliveIntvlS: 'net.ipv4.tcp_keepalive_intvl',
  keepaliveProbes: 'net.ipv4.tcp_keepalive_probes',
};

/** Whether `s` has Linux's default for each of `keys` (a text then says "by default"). */
export function sameAsDefaults(s: Readonly<GiveUpSettings>, ...keys: (keyof GiveUpSettings)[]): boolean {
  return keys.every((k) => s[k] === LINUX_GIVE_UP_DEFAULTS[k]);
}

/** A host's settings from its sysctls ("net.ipv4.tcp_syn_retries" → "6"); what is missing keeps Linux's default. */
export function giveUpSettingsOf(sysctls: Readonly<Record<string, string>> | undefined): GiveUpSettings {
  const out: GiveUpSettings = { ...LINUX_GIVE_UP_DEFAULTS };
  for (const k of Object.keys(SYSCTL_OF) as (keyof GiveUpSettings)[]) {
    const v = sysctls?.[SYSCTL_OF[k]];
    const n = v === undefined || v.trim() === '' ? NaN : Number(v.trim().split(/\s+/)[0]);
    if (Number.isFinite(n) && n >= 0) out[k] = n;
  }
  return out;
}

export interface Figure { ms: number; text: Text }

export interface GiveUpFigures {
  /** connect() → ETIMEDOUT: SYNs sent in all and when it fails. */
  syn: Figure & { syns: number };
  /** The same on a kernel without tcp_syn_linear_timeouts. */
  synWithoutLinear: Figure & { syns: number };
  /** A request socket dropped after tcp_synack_retries unanswered SYN-ACKs. */
  synAck: Figure;
  /** Data unacknowledged from the first transmission (RTO from TCP_RTO_MIN, the shortest case). */
  data: Figure;
  /** An orphan's FIN unacknowledged: the retries it gets and the time. */
  orphan: Figure & { retries: number };
  /** An orphaned FIN-WAIT-2 (tcp_fin_timeout). */
  finWait2: Figure;
  /** Keepalive finds a silent peer dead, after the last segment received. */
  keepalive: Figure;
}

const fig = (ms: number): Figure => ({ ms, text: duration(ms) });

export function giveUpFigures(s: Readonly<GiveUpSettings> = LINUX_GIVE_UP_DEFAULTS): GiveUpFigures {
  const syn = synSchedule({ synRetries: s.synRetries, linear: s.synLinearTimeouts });
  const old = synSchedule({ synRetries: s.synRetries, linear: 0 });
  const orphan = orphanRetries(s.orphanRetries);
  return {
    syn: { ...fig(syn.giveUpAt), syns: syn.retransmitsAt.length + 1 },
    synWithoutLinear: { ...fig(old.giveUpAt), syns: old.retransmitsAt.length + 1 },
    synAck: fig(synAckGiveUpMs(s.synackRetries)),
    data: fig(dataGiveUpMs({ retries: s.retries2 })),
    orphan: { ...fig(dataGiveUpMs({ retries: orphan })), retries: orphan },
    finWait2: fig(finWait2LifetimeMs(s.finTimeoutS)),
    keepalive: fig(keepaliveGiveUpMs({ idleS: s.keepaliveTimeS, intvlS: s.keepaliveIntvlS, probes: s.keepaliveProbes })),
  };
}

// The give-up times explain and the doctor print are core's give-up.ts arithmetic, worded by
// duration(), for Linux's defaults and for other settings, in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dataGiveUpMs, finWait2LifetimeMs, keepaliveGiveUpMs, orphanRetries, synAckGiveUpMs, synSchedule,
} from '../core/give-up.js';
import { giveUpFigures, giveUpSettingsOf, LINUX_GIVE_UP_DEFAULTS, type GiveUpSettings } from './give-up-figures.js';
import { explainState, renderExplanation } from './explain.js';
import { STATE_INFO, stateInfo } from './state-info.js';
import { TRANSITIONS, transitionsFor } from './transitions.js';
import { diagnose } from './diagnose.js';
import { host, peerIp, sock, times } from './snapshot-builder.js';
import { duration } from './words.js';
import type { Lang } from '../i18n/lang.js';

const OTHER: GiveUpSettings = {
  synRetries: 2, synLinearTimeouts: 4, synackRetries: 2, retries2: 8, orphanRetries: 3,
  finTimeoutS: 30, keepaliveTimeS: 600, keepaliveIntvlS: 10, keepaliveProbes: 3,
};

/** Each figure straight from give-up.ts, not through give-up-figures.ts. */
function expected(s: GiveUpSettings): Record<string, number> {
  const syn = synSchedule({ synRetries: s.synRetries, linear: s.synLinearTimeouts });
  return {
    syn: syn.giveUpAt, syns: syn.retransmitsAt.length + 1,
    synOld: synSchedule({ synRetries: s.synRetries, linear: 0 }).giveUpAt,
    synAck: synAckGiveUpMs(s.synackRetries),
    data: dataGiveUpMs({ retries: s.retries2 }),
    orphan: dataGiveUpMs({ retries: orphanRetries(s.orphanRetries) }),
    fin: finWait2LifetimeMs(s.finTimeoutS),
    keepalive: keepaliveGiveUpMs({ idleS: s.keepaliveTimeS, intvlS: s.keepaliveIntvlS, probes: s.keepaliveProbes }),
  };
}

test('Linux 6.x defaults: 11 SYNs in 131 s (127 s without linear timeouts), 63 s, 924.6 s, 102.2 s, 60 s, 7875 s', () => {
  const f = giveUpFigures();
  assert.deepEqual([f.syn.syns, f.syn.ms, f.synWithoutLinear.ms, f.synAck.ms, f.data.ms, f.orphan.ms, f.orphan.retries, f.finWait2.ms, f.keepalive.ms],
    [11, 131_000, 127_000, 63_000, 924_600, 102_200, 8, 60_000, 7_875_000]);
  assert.deepEqual(f.keepalive.text, { en: '2 h 11 min 15 s', zh: '2 小时 11 分 15 秒' });
});

test('other settings: tcp_syn_retries = 2 is cut by tcp_model_timeout at 7 s (6 SYNs); tcp_retries2 = 8 gives up at 102.2 s', () => {
  const e = expected(OTHER);
  assert.deepEqual([e.syn, e.syns, e.synOld, e.synAck, e.data], [7_000, 6, 7_000, 7_000, 102_200]);
});

test('a host\'s sysctls become settings; what is missing or unreadable keeps the default', () => {
  assert.deepEqual(giveUpSettingsOf(undefined), LINUX_GIVE_UP_DEFAULTS);
  const s = giveUpSettingsOf({ 'net.ipv4.tcp_syn_retries': '2', 'net.ipv4.tcp_retries2': '8', 'net.ipv4.tcp_fin_timeout': 'x' });
  assert.deepEqual(s, { ...LINUX_GIVE_UP_DEFAULTS, synRetries: 2, retries2: 8 });
});

for (const [name, s] of [['defaults', LINUX_GIVE_UP_DEFAULTS], ['tcp_syn_retries=2, tcp_retries2=8, …', OTHER]] as const) {
  for (const lang of ['en', 'zh'] as Lang[]) {
    test(`explain prints give-up.ts's figures (${name}, ${lang})`, () => {
      const e = expected(s);
      const d = (ms: number): string => duration(ms)[lang];
      const page = (st: Parameters<typeof explainState>[0]): string => renderExplanation(explainState(st, lang, s), lang);
      const syns = lang === 'en' ? `${e.syns} SYNs` : `${e.syns} 个 SYN`;
      for (const want of [syns, d(e.syn), d(e.synOld)]) assert.ok(page('SYN-SENT').includes(want), `SYN-SENT: ${want}`);
      assert.ok(page('SYN-RECEIVED').includes(d(e.synAck)));
      for (const want of [d(e.data), d(e.keepalive)]) assert.ok(page('ESTABLISHED').includes(want), `ESTABLISHED: ${want}`);
      assert.ok(page('FIN-WAIT-1').includes(d(e.orphan)));
      assert.ok(page('FIN-WAIT-2').includes(lang === 'en' ? `tcp_fin_timeout (${e.fin / 1000} s)` : `tcp_fin_timeout（${e.fin / 1000} 秒）`));
      // The table rows carry the same figures.
      const rows = transitionsFor(s);
      const note = (from: string, to: string): string => rows.find((t) => t.from === from && t.to === to)?.note?.[lang] ?? '';
      assert.ok(note('SYN-SENT', 'CLOSED').includes(d(e.syn)) && note('SYN-SENT', 'CLOSED').includes(syns));
      assert.ok(note('ESTABLISHED', 'CLOSED').includes(d(e.data)));
      if (lang === 'zh') for (const st of ['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1'] as const) {
        assert.doesNotMatch(stateInfo(s)[st].ends.zh, /\d+ (?:min|h|s)\b/, `${st}: an English unit in Chinese`);
      }
    });
  }
}

test('without settings explain is Linux\'s defaults: STATE_INFO and TRANSITIONS are the default pages', () => {
  assert.deepEqual(STATE_INFO, stateInfo(LINUX_GIVE_UP_DEFAULTS));
  assert.deepEqual(TRANSITIONS, transitionsFor(LINUX_GIVE_UP_DEFAULTS));
  assert.equal(explainState('ESTABLISHED', 'en').ends, STATE_INFO.ESTABLISHED.ends.en);
});

test('the doctor prints give-up.ts\'s figures with the host\'s sysctls (syn_sent_stall, syn_flood, keepalive_defaults)', () => {
  for (const lang of ['en', 'zh'] as Lang[]) {
    for (const [retries, linear] of [[6, 4], [2, 4], [3, 0]]) {
      const s = host({ sysctls: { 'net.ipv4.tcp_syn_retries': String(retries), 'net.ipv4.tcp_syn_linear_timeouts': String(linear) } },
        times(25, (i) => sock('SYN-SENT', `10.0.0.1:${40000 + i}`, '10.0.0.30:8080')));
      const [f] = diagnose(s, { only: ['syn_sent_stall'], lang });
      assert.ok(f.explanation.includes(duration(synSchedule({ synRetries: retries, linear }).giveUpAt)[lang]), `${retries}+${linear}`);
    }
    for (const [sysctls, retries] of [[{}, 5], [{ 'net.ipv4.tcp_synack_retries': '2' }, 2]] as const) {
      const s = host({ sysctls: { 'net.ipv4.tcp_syncookies': '1', ...sysctls }, counters: { 'TcpExt:SyncookiesSent': 5000 } }, [
        sock('LISTEN', '0.0.0.0:443', '0.0.0.0:*', { recvQ: 0, sendQ: 511 }),
        ...times(900, (i) => sock('SYN-RECEIVED', '10.0.0.1:443', `${peerIp(i, '203.0')}:${1024 + i}`, { timer: { kind: 'on', remainingMs: 800, retransmits: 2 } })),
      ]);
      const [f] = diagnose(s, { only: ['syn_flood'], lang });
      const fix = f.fixes.map((x) => x.text).find((t) => t.includes('tcp_synack_retries')) ?? '';
      assert.ok(fix.includes(`${retries}`) && fix.includes(duration(synAckGiveUpMs(retries))[lang]), fix);
    }
    const ka = { 'net.ipv4.tcp_keepalive_time': '3600', 'net.ipv4.tcp_keepalive_intvl': '10', 'net.ipv4.tcp_keepalive_probes': '3' };
    const [k] = diagnose(host({ sysctls: ka }, []), { only: ['keepalive_defaults'], lang });
    assert.ok(k.summary.includes(duration(keepaliveGiveUpMs({ idleS: 3600, intvlS: 10, probes: 3 }))[lang]), k.summary);
  }
});

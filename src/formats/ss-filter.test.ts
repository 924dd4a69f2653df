import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesSocketFilter, parseSocketFilter, SocketFilterError, STATE_GROUPS } from './ss-filter.js';
import type { SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';

function sock(state: TcpState, local: string, remote: string): SocketRecord {
  const split = (e: string): [string, number] => {
    const i = e.lastIndexOf(':');
    return [e.slice(0, i).replace(/^\[|\]$/g, ''), Number(e.slice(i + 1))];
  };
  const [la, lp] = split(local); const [ra, rp] = split(remote);
  return { state, family: la.includes(':') ? 'ipv6' : 'ipv4', localAddress: la, localPort: lp, remoteAddress: ra, remotePort: rp };
}

const SOCKS = [
  sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:0'),
  sock('CLOSE-WAIT', '10.0.0.5:8080', '10.0.0.9:40000'),
  sock('ESTABLISHED', '10.0.0.5:8080', '192.168.1.7:40001'),
  sock('ESTABLISHED', '10.0.0.5:51000', '10.1.2.3:443'),
  sock('TIME-WAIT', '10.0.0.5:51001', '10.1.2.3:443'),
  sock('SYN-SENT', '10.0.0.5:51002', '172.16.0.1:5432'),
  sock('SYN-RECEIVED', '10.0.0.5:8080', '10.0.0.10:40002'),
  sock('ESTABLISHED', '::1:8443', '::1:42814'),
  sock('ESTABLISHED', '2001:db8::5:22', '2001:db8:1::9:60000'),
];

function kept(text: string): string[] {
  const f = parseSocketFilter(text);
  return SOCKS.filter((k) => matchesSocketFilter(f, k)).map((k) => `${k.state} ${k.localPort}>${k.remotePort}`);
}

test('state close-wait sport = :8080: the leading state word and a port condition', () => {
  assert.deepEqual(kept('state close-wait sport = :8080'), ['CLOSE-WAIT 8080>40000']);
  assert.deepEqual(kept('state CLOSE_WAIT sport eq 8080'), ['CLOSE-WAIT 8080>40000']);
});

test('several state words add up; exclude takes away; ss spellings (syn-recv, listening)', () => {
  assert.deepEqual(kept('state time-wait state syn-recv'), ['TIME-WAIT 51001>443', 'SYN-RECEIVED 8080>40002']);
  assert.deepEqual(kept('state listening'), ['LISTEN 8080>0']);
  assert.equal(kept('exclude established').length, SOCKS.length - 4);
});

test("ss's state groups: connected leaves out LISTEN, CLOSED and the bucket states; synchronized also SYN-SENT", () => {
  assert.deepEqual([...STATE_GROUPS.bucket], ['SYN-RECEIVED', 'TIME-WAIT']);
  assert.ok(!STATE_GROUPS.connected.includes('TIME-WAIT') && !STATE_GROUPS.connected.includes('LISTEN'));
  assert.ok(STATE_GROUPS.connected.includes('SYN-SENT') && !STATE_GROUPS.synchronized.includes('SYN-SENT'));
  assert.equal(STATE_GROUPS.big.length, 9);
  assert.deepEqual(kept('state bucket'), ['TIME-WAIT 51001>443', 'SYN-RECEIVED 8080>40002']);
  assert.equal(kept('state synchronized').length, 5);
});

test('dport, comparisons and service names', () => {
  assert.deepEqual(kept('dport = :443'), ['ESTABLISHED 51000>443', 'TIME-WAIT 51001>443']);
  assert.deepEqual(kept('dport = :https'), kept('dport = :443'));
  assert.deepEqual(kept('sport gt :50000 and sport < :51002'), ['ESTABLISHED 51000>443', 'TIME-WAIT 51001>443']);
  assert.deepEqual(kept('sport >= :51002'), ['SYN-SENT 51002>5432']);
  assert.equal(kept('dport != :443').length, SOCKS.length - 2);
  assert.deepEqual(kept('dport le :0'), ['LISTEN 8080>0']);
});

test('src and dst with addresses, CIDR prefixes, IPv6 and ports', () => {
  assert.deepEqual(kept('dst 10.0.0.0/8 and state established'), ['ESTABLISHED 51000>443']);
  assert.deepEqual(kept('dst 192.168.0.0/16'), ['ESTABLISHED 8080>40001']);
  assert.deepEqual(kept('dst 10.1.2.3:443'), ['ESTABLISHED 51000>443', 'TIME-WAIT 51001>443']);
  assert.deepEqual(kept('src [::1]:8443'), ['ESTABLISHED 8443>42814']);
  assert.deepEqual(kept('dst 2001:db8::/32'), ['ESTABLISHED 22>60000']);
  assert.deepEqual(kept('dst 2001:db8:1::/48'), ['ESTABLISHED 22>60000']);
  assert.deepEqual(kept('dst 2001:db8:2::/48'), []);
  assert.equal(kept('src 0.0.0.0/0').length, 7);
  assert.deepEqual(kept('src *:8443'), ['ESTABLISHED 8443>42814']);
});

test('and binds tighter than or; not; parentheses; terms side by side are ANDed', () => {
  assert.deepEqual(kept('state established ( dport = :443 or sport = :8080 )'), ['ESTABLISHED 8080>40001', 'ESTABLISHED 51000>443']);
  assert.deepEqual(kept('sport = :8080 dst 10.0.0.0/8 or dport = :5432'), ['CLOSE-WAIT 8080>40000', 'SYN-SENT 51002>5432', 'SYN-RECEIVED 8080>40002']);
  assert.deepEqual(kept('not sport = :8080 and ! dport = :443 and state established'), ['ESTABLISHED 8443>42814', 'ESTABLISHED 22>60000']);
  assert.deepEqual(kept('(sport = :8080)&&(dport = :40000)'), ['CLOSE-WAIT 8080>40000']);
  assert.deepEqual(kept('dport = :443 || dport = :5432'), ['ESTABLISHED 51000>443', 'TIME-WAIT 51001>443', 'SYN-SENT 51002>5432']);
  assert.deepEqual(kept('dport = :443 state time-wait'), ['TIME-WAIT 51001>443']);
  assert.equal(kept('').length, SOCKS.length);
});

test('errors name the token and its column', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['state sleeping', 'sleeping', 7, /not a TCP state or ss state group/],
    ['state close-wait sport = :80x0', ':80x0', 26, /'80x0' is not a port/],
    ['sport = :70000', ':70000', 9, /not a port/],
    ['( sport = :80', '', 14, /'\(' at column 1 is never closed/],
    ['sport = :80 )', ')', 13, /without a matching/],
    ['dport', '', 6, /a port is missing after 'dport'/],
    ['dst 10.0.0.0/33', '10.0.0.0/33', 5, /'\/33' is not a prefix length for IPv4/],
    ['dst example.com', 'example.com', 5, /not an IPv4 or IPv6 address/],
    ['dev eth0', 'dev', 1, /ss's 'dev' is not supported/],
    ['close-wait', 'close-wait', 1, /goes after the word state/],
    ['sport = :80 or', '', 15, /a condition is missing/],
    ['and sport = :80', 'and', 1, /needs a condition before it/],
    ['sport :80 foo', 'foo', 11, /expected sport, dport, src, dst/],
  ];
  for (const [text, token, column, re] of cases) {
    assert.throws(() => parseSocketFilter(text), (e: unknown) => {
      assert.ok(e instanceof SocketFilterError, text);
      assert.equal(e.token, token, text);
      assert.equal(e.column, column, text);
      assert.match(e.text.en, re, text);
      assert.match(e.text.zh, /[\u4e00-\u9fff]/, text);
      return true;
    });
  }
});

test('leading states followed by or/and become the first term: state bucket or state fin-wait-2', () => {
  assert.deepEqual(kept('state time-wait or dport = :5432'), ['TIME-WAIT 51001>443', 'SYN-SENT 51002>5432']);
  assert.deepEqual(kept('state established and dport = :443'), ['ESTABLISHED 51000>443']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { detectFormat, parseAny } from './detect.js';
import { FORMATS } from './index.js';
import { fixture, FORMATS_DIR } from '../../test/fixtures/formats/read-fixture.js';

/** What each captured or sampled file must be recognised as — by content; the names are ours. */
const EXPECTED: Record<string, string> = {
  'linux/ss-tan.txt': 'ss', 'linux/ss-tanpoei.txt': 'ss', 'linux/ss-tanp-noheader.txt': 'ss', 'linux/ss-s.txt': 'ss-summary',
  'linux/netstat-antp.txt': 'netstat-linux', 'linux/netstat-anto.txt': 'netstat-linux', 'linux/netstat-antpe-wide.txt': 'netstat-linux',
  'linux/netstat-s.txt': 'netstat-s', 'linux/lsof-itcp.txt': 'lsof',
  'linux/proc-net-tcp.txt': 'proc-net-tcp', 'linux/proc-net-tcp6.txt': 'proc-net-tcp',
  'linux/proc-net-netstat.txt': 'proc-net-counters', 'linux/proc-net-snmp.txt': 'proc-net-counters',
  'linux/proc-net-sockstat.txt': 'sockstat', 'linux/nstat-az.txt': 'nstat', 'linux/sysctl-tcp.txt': 'sysctl',
  'linux/ps-eo.txt': 'ps', 'linux/ps-aux.txt': 'ps',
  'windows/netstat-ano-en.txt': 'netstat-windows', 'windows/netstat-ano-de-cp850.txt': 'netstat-windows',
  'windows/netstat-ano-zh-gbk.txt': 'netstat-windows', 'windows/netstat-ano-zh-utf8.txt': 'netstat-windows',
  'windows/netstat-anob.txt': 'netstat-windows',
  'windows/tasklist.txt': 'tasklist', 'windows/tasklist-csv-de.txt': 'tasklist', 'windows/get-process.txt': 'tasklist',
  'bsd/macos-netstat-an.txt': 'netstat-bsd', 'bsd/macos-netstat-anv.txt': 'netstat-bsd', 'bsd/freebsd-netstat-an.txt': 'netstat-bsd',
  'bsd/freebsd-sockstat.txt': 'sockstat-bsd', 'bsd/freebsd-sockstat-s.txt': 'sockstat-bsd',
  'bsd/freebsd-netstat-aL.txt': 'netstat-bsd', 'bsd/macos-netstat-Lan.txt': 'netstat-bsd',
  'powershell/get-nettcpconnection.txt': 'powershell', 'powershell/format-table-autosize.txt': 'powershell',
  'powershell/format-list.txt': 'powershell', 'powershell/convertto-csv.txt': 'powershell',
  'powershell/convertto-json-ps51.json.txt': 'powershell',
  'capture-folder/manifest.json': 'tcplens-manifest', 'capture-folder/netstat-antp.txt': 'netstat-linux',
  'capture-folder/proc-net-netstat': 'proc-net-counters', 'capture-folder/proc-net-snmp': 'proc-net-counters',
  'capture-folder/proc-net-snmp6': 'nstat', 'capture-folder/proc-net-sockstat': 'sockstat',
  'capture-folder/proc-net-sockstat6': 'sockstat', 'capture-folder/proc-net-tcp': 'proc-net-tcp',
  'capture-folder/proc-net-tcp6': 'proc-net-tcp', 'capture-folder/ps.txt': 'ps', 'capture-folder/ss-s.txt': 'ss-summary',
  'capture-folder/ss-tanpoei.txt': 'ss', 'capture-folder/sysctl.txt': 'sysctl',
};

test('every fixture is recognised by its content', () => {
  for (const dir of ['linux', 'windows', 'bsd', 'powershell', 'localized', 'capture-folder']) {
    for (const f of readdirSync(path.join(FORMATS_DIR, dir))) {
      const rel = `${dir}/${f}`;
      const want = EXPECTED[rel] ?? (dir === 'localized' ? 'netstat-linux' : undefined);
      assert.ok(want, `no expectation for ${rel}`);
      assert.equal(detectFormat(fixture(rel))?.format, want, rel);
    }
  }
});

test('every format in FORMATS has a fixture that detects as it', () => {
  const seen = new Set(Object.values(EXPECTED));
  for (const f of FORMATS) assert.ok(seen.has(f.id), f.id);
});

test('garbage, empty input and look-alikes are a clear error naming what was expected', () => {
  const binary = parseAny('paste.txt', '\u0000\u0001\u0002binary');
  assert.equal(binary.ok, false);
  if (!binary.ok) {
    assert.match(binary.message.en, /^paste\.txt: binary data \(1 NUL and 2 control characters/);
    assert.match(binary.message.zh, /二进制数据/);
  }
  for (const text of ['hello world\nthis is not netstat\n', '{"some": "json"}', 'Recv-Q\n', '# comment only\n']) {
    const r = parseAny('paste.txt', text);
    assert.equal(r.ok, false, JSON.stringify(text));
    if (!r.ok) {
      assert.match(r.message.en, /^paste\.txt: no known format \(looked like neither ss -tanpoe, ss -s, netstat -antp, netstat -ano, .*lsof/);
      assert.match(r.message.zh, /无法识别的格式/);
    }
  }
  const empty = parseAny('-', '  \n\n');
  assert.equal(empty.ok, false);
  if (!empty.ok) assert.match(empty.message.en, /^-: empty input/);
});

test('grep-ed pastes without headers are still recognised', () => {
  assert.equal(detectFormat('LISTEN 0 4096 0.0.0.0:22 0.0.0.0:*\nLISTEN 0 511 [::]:80 [::]:*\n')?.format, 'ss');
  assert.equal(detectFormat('tcp        0      0 0.0.0.0:22    0.0.0.0:*    LISTEN\n')?.format, 'netstat-linux');
  assert.equal(detectFormat('  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING   1712\r\n')?.format, 'netstat-windows');
  assert.equal(detectFormat('TCP    0.0.0.0:135   0.0.0.0:0   LISTENING   1712\n')?.format, 'netstat-windows');
  assert.equal(detectFormat('tcp4       0      0  *.22      *.*     LISTEN\n')?.format, 'netstat-bsd');
  assert.equal(detectFormat('net.ipv4.tcp_fin_timeout = 30\n')?.format, 'sysctl');
});

// A listing of which a third or more of the rows could not be read: every command refuses it
// (exit 2, said on the first line) unless --partial, and then labels the counts as partial in
// text and JSON. Fewer unreadable rows are listed on stderr and the counts stand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';

const SS = readFileSync(path.join(ROOT, 'test/fixtures/formats/linux/ss-tan.txt'), 'utf8');
// 24 good rows and 12 that are no ss rows: exactly a third unread.
const PARTIAL = SS + Array.from({ length: 12 }, (_, i) => `garbage ${i} here\n`).join('');

test('a third of the rows unreadable: doctor, states and ls exit 2 and say so first', () => {
  for (const cmd of ['doctor', 'states', 'ls']) {
    const r = runCli([cmd, '--input', '-'], { input: PARTIAL });
    assert.equal(r.status, 2, cmd);
    assert.equal(r.stdout, '', cmd);
    assert.match(r.stderr.split('\n')[0], /partial read: -: 12 of 36 rows could not be read \(a third or more\).*--partial/, cmd);
  }
  const zh = runCli(['doctor', '--input', '-', '--lang', 'zh'], { input: PARTIAL });
  assert.equal(zh.status, 2);
  assert.match(zh.stderr, /读取不完整：-：36 行中有 12 行无法读取/);
});

test('--partial: the counts are shown, labelled partial on the first line and in the JSON', () => {
  const text = runCli(['states', '--input', '-', '--partial'], { input: PARTIAL });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout.split('\n')[0], /^PARTIAL READ — .*-: 12 of 36 rows could not be read/);
  assert.match(text.stdout, /^TOTAL +24$/m);
  const json = JSON.parse(runCli(['states', '--input', '-', '--partial', '--json'], { input: PARTIAL }).stdout) as Record<string, unknown>;
  assert.equal(json.partial, true);
  assert.deepEqual(json.reads, [{ file: '-', format: 'ss', rowsRead: 24, rowsUnread: 12 }]);
  assert.equal(json.total, 24);
  const doctor = runCli(['doctor', '--input', '-', '--partial', '--json'], { input: PARTIAL });
  const report = JSON.parse(doctor.stdout) as Record<string, unknown>;
  assert.equal(report.partial, true);
  assert.ok(Array.isArray(report.findings));
  const doctorText = runCli(['doctor', '--input', '-', '--partial'], { input: PARTIAL });
  assert.match(doctorText.stdout.split('\n')[0], /^PARTIAL READ/);
  const ls = JSON.parse(runCli(['ls', '--input', '-', '--partial', '--json'], { input: PARTIAL }).stdout) as Record<string, unknown>;
  assert.equal(ls.partial, true);
  assert.equal(ls.count, 24);
});

test('fewer than a third unreadable: no partial label, the lines are listed on stderr', () => {
  const some = SS + 'garbage here\n';
  const r = runCli(['states', '--input', '-', '--json'], { input: some });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(json.partial, undefined);
  assert.equal((json.problems as unknown[]).length, 1);
});

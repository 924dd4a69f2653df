// The whole upstream suite's part of CONFORMANCE.md: every script of ../shared/upstream
// (UPSTREAM.tsv) run on the IP version Linux 6.18 was measured on, and on the other versions where
// the script runs; by topic, the scripts, Linux's passes and ours among them; every remaining
// failure of a Linux-passing script with its first failing line and its cause, grouped by cause;
// how many of the scripts' own assertions (`%{ python }%`, `nstat`) were evaluated. Pure: the
// caller runs the scripts and measures the wall time (scripts/conformance-report.ts).
import type { IpVersion } from './connection-map.js';
import type { ScriptOutcome } from './conformance-report.js';

export interface UpstreamRow { file: string; topic: string; linuxPass: boolean; runs: string; firstFailure: string }

/** UPSTREAM.tsv's rows, by its header's column names. */
export function parseUpstream(text: string): UpstreamRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const head = lines[0].split('\t');
  const col = (name: string): number => head.indexOf(name);
  const kernel = head.findIndex((h) => /^linux_\d+\.\d+$/.test(h));
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return {
      file: c[col('file')], topic: c[col('topic')] ?? '', linuxPass: (c[kernel] ?? '').startsWith('pass'),
      runs: c[col('linux_runs_passed')] ?? '', firstFailure: c[col('linux_first_failure')] ?? '',
    };
  });
}

/**
 * The IP versions a script runs on: the version Linux was measured on first (ipv6 for `*v6.pkt`,
 * as the kernel's ksft_runner and packetdrill's own runner name them), then the others unless the
 * name pins one (`-v4.pkt`, `-v6.pkt`) or the script's own option lines give IPv4 addresses
 * (`--local_ip=192.168.0.1`): packetdrill refuses those under `--ip_version=ipv6`, and their
 * Fast Open cookies are computed over the IPv4 addresses.
 */
export function versionsFor(file: string, text = ''): IpVersion[] {
  if (/v6\.pkt$/.test(file)) return ['ipv6'];
  if (/v4\.pkt$/.test(file)) return ['ipv4'];
  if (/^--(?:local|remote)_ip=\d{1,3}(?:\.\d{1,3}){3}\s*$/m.test(text)) return ['ipv4', 'ipv4-mapped-ipv6'];
  return ['ipv4', 'ipv6', 'ipv4-mapped-ipv6'];
}

const passed = (o: ScriptOutcome | undefined): boolean => o?.kind === 'run' && o.result.outcome === 'pass';
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/`/g, "'");

/**
 * The cause of a failure, as a group heading: what the runner cannot read or call, what the engine
 * cannot answer, or which part of the segment differs. The script's own line stays in the detail.
 */
export function causeOf(o: ScriptOutcome): string {
  if (o.kind === 'error') {
    const m = /found (.*)$/.exec(o.message);
    const found = m ? m[1].replace(/^'|'$/g, '') : o.message;
    if (/^\.\.\./.test(found)) return 'parser: blocking-call end time written `+t...end`';
    if (found === 'icmp') return 'parser: inbound `icmp` packets';
    if (found.startsWith('[')) return 'parser: ECN codepoints `[ect0]`/`[ce]`/`[noecn]`';
    if (/^[A-Z]+$/.test(found) && /TCP option/.test(o.message)) return `parser: TCP option ${found}`;
    if (/TCP option/.test(o.message)) return `parser: TCP option ${found.split(/[\s,>]/)[0]}`;
    if (/sequence range/.test(o.message)) return `parser: TCP flags or option not read (${found.split(/\s/)[0]})`;
    return `parser: ${o.message.replace(/^.*?:\d+:\d+: /, '')}`;
  }
  const m = o.result.mismatch;
  if (!m) return 'failed';
  const d = m.detail;
  switch (d.kind) {
    case 'unsupported': {
      const opt = /socket option (\S+)/.exec(d.what);
      if (opt) return `runner: socket option ${opt[1]}`;
      const call = /system call (\S+)/.exec(d.what);
      if (call) return `runner: system call ${call[1]}`;
      return `runner: ${d.what}`;
    }
    case 'unevaluated': {
      const f = /(tcpi_\w+|SK_MEMINFO_\w+|nstat counter \w+)/.exec(d.what);
      return `not evaluated: ${f ? f[1] : d.what}${f?.[1].startsWith('nstat') ? '' : ' not modelled'}`;
    }
    case 'assertion': {
      const f = /tcpi_\w+/.exec(d.statement);
      return `assertion failed: ${f ? f[0] : 'python'}`;
    }
    case 'python-error': return 'python error';
    case 'counter': return `counter check: ${d.name}`;
    case 'segment': return `engine: outbound segment, ${d.field} differs`;
    case 'early': return 'engine: outbound segment too early';
    case 'late': return 'engine: outbound segment too late';
    case 'missing': return 'engine: expected segment not sent';
    case 'result': {
      return `engine: ${d.call} ${d.what ? `${d.what} ` : ''}returned ${d.got} where ${d.want} was expected`.replace(/returned (-1 \w+) where .*$/, 'returned $1');
    }
    case 'call-time': return `engine: ${d.call} returned at another time`;
    case 'still-blocked': return `engine: ${d.call} still blocked`;
    case 'engine': return `engine threw: ${d.error}`;
    case 'livelock': return 'engine: livelock';
  }
}

function detailOf(o: ScriptOutcome): string {
  if (o.kind === 'error') return cell(o.message.replace(/^.*?(:\d+:\d+:)/, 'line$1'));
  const m = o.result.mismatch;
  return m ? `line ${m.line} \`${cell(m.script)}\`: ${cell(m.message)}` : 'failed';
}

export interface UpstreamResults {
  rows: UpstreamRow[];
  /** Per row, one outcome per version of `versions` (else versionsFor(row.file)), in that order. */
  outcomes: ScriptOutcome[][];
  /** Per row, the IP versions it ran on (versionsFor with the script's text). */
  versions?: IpVersion[][];
  /** Wall time of the whole run, ms. */
  wallMs: number;
}

/** The Markdown section and a one-line summary. */
export function upstreamSection(r: UpstreamResults): { markdown: string; summary: string; linuxPassing: number; passing: number } {
  const rows = r.rows.map((row, i) => ({ row, outs: r.outcomes[i], versions: r.versions?.[i] ?? versionsFor(row.file) }));
  const primary = (x: (typeof rows)[number]): ScriptOutcome | undefined => x.outs[0];
  const linuxPass = rows.filter((x) => x.row.linuxPass);
  const ours = linuxPass.filter((x) => passed(primary(x)));
  const everywhere = linuxPass.filter((x) => x.outs.every(passed));
  const checks = { python: 0, counters: 0 };
  for (const x of ours) {
    const o = primary(x);
    if (o?.kind === 'run') { checks.python += o.result.checks.python; checks.counters += o.result.checks.counters; }
  }
  const withChecks = ours.filter((x) => { const o = primary(x); return o?.kind === 'run' && o.result.checks.python + o.result.checks.counters > 0; });
  const md: string[] = [];
  md.push('## The whole upstream suite', '');
  md.push('Every script of `../shared/upstream` (see its README and UPSTREAM.tsv): google/packetdrill');
  md.push('`gtests/net/tcp/` and the kernel\'s `tools/testing/selftests/net/packetdrill/`. The Linux column is the');
  md.push('majority of 3–5 runs of real packetdrill on Linux 6.18 (HZ=250). tcplens runs each script on the IP');
  md.push('version Linux was measured on (ipv6 for `*v6.pkt`, else ipv4); the scripts\' `%{ python }%` assertions');
  md.push('(TCP_INFO) and `nstat` counter checks are evaluated against the engine, and a script with one that');
  md.push('cannot be evaluated does not pass.', '');
  md.push(`- **${ours.length} of the ${linuxPass.length} scripts that pass on Linux 6.18 pass on tcplens** (${rows.filter((x) => passed(primary(x))).length} of all ${rows.length}); ${everywhere.length} of them pass on every IP version they run on.`);
  md.push(`- Assertions evaluated in those passes: ${checks.python} \`%{ python }%\` blocks and ${checks.counters} \`nstat\` counter checks, in ${withChecks.length} scripts; none skipped.`);
  md.push(`- Wall time of the whole suite on virtual time, every IP version (${rows.reduce((n, x) => n + x.outs.length, 0)} runs): ${(r.wallMs / 1000).toFixed(1)} s on this machine, against about an hour for one pass of packetdrill on Linux.`, '');
  md.push('| topic | scripts | Linux 6.18 passes | tcplens passes among those | tcplens passes where Linux fails |', '|---|---|---|---|---|');
  const topics = [...new Set(rows.map((x) => x.row.topic))].sort();
  for (const t of topics) {
    const xs = rows.filter((x) => x.row.topic === t);
    const lp = xs.filter((x) => x.row.linuxPass);
    md.push(`| ${cell(t)} | ${xs.length} | ${lp.length} | ${lp.filter((x) => passed(primary(x))).length} | ${xs.filter((x) => !x.row.linuxPass && passed(primary(x))).length} |`);
  }
  md.push(`| **all** | ${rows.length} | ${linuxPass.length} | ${ours.length} | ${rows.filter((x) => !x.row.linuxPass && passed(primary(x))).length} |`, '');

  md.push('### Linux-passing scripts that fail on tcplens, by cause', '');
  md.push('The cause is that of the first failing line on the IP version Linux was measured on.', '');
  const groups = new Map<string, typeof rows>();
  for (const x of linuxPass) {
    const o = primary(x);
    if (!o || passed(o)) continue;
    const c = causeOf(o);
    groups.set(c, [...(groups.get(c) ?? []), x]);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  md.push('| cause | scripts |', '|---|---|');
  for (const [c, xs] of sorted) md.push(`| ${cell(c)} | ${xs.length} |`);
  md.push('');
  for (const [c, xs] of sorted) {
    md.push(`#### ${cell(c)} (${xs.length})`, '');
    for (const x of xs) md.push(`- \`${x.row.file}\` (${x.versions[0]}): ${detailOf(primary(x) as ScriptOutcome)}`);
    md.push('');
  }
  const versionOnly = linuxPass.filter((x) => passed(primary(x)) && !x.outs.every(passed));
  if (versionOnly.length > 0) {
    md.push('### Linux-passing scripts that pass on one IP version and not another', '');
    for (const x of versionOnly) {
      const bad = x.outs.map((o, i) => ({ o, v: x.versions[i] })).filter((y) => !passed(y.o));
      md.push(`- \`${x.row.file}\`: ${bad.map((y) => `${y.v} ${detailOf(y.o)}`).join('; ')}`);
    }
    md.push('');
  }
  md.push('### Scripts Linux 6.18 fails', '');
  md.push('How Linux failed comes from UPSTREAM.tsv (its first failure and runs passed); tcplens\'s result is beside it.', '');
  for (const x of rows.filter((y) => !y.row.linuxPass)) {
    const o = primary(x);
    const ourText = !o ? 'not run' : passed(o) ? 'pass' : `FAIL (${causeOf(o)})`;
    md.push(`- \`${x.row.file}\` — Linux: ${cell(x.row.firstFailure || 'fail')}${x.row.runs ? ` (${x.row.runs} runs passed)` : ''}; tcplens ${x.versions[0]}: ${cell(ourText)}`);
  }
  md.push('');
  const summary = `upstream ${ours.length}/${linuxPass.length} Linux-passing (${checks.python} python blocks, ${checks.counters} nstat checks evaluated), ${(r.wallMs / 1000).toFixed(1)} s`;
  return { markdown: md.join('\n'), summary, linuxPassing: linuxPass.length, passing: ours.length };
}

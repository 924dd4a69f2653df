// `tcplens packetdrill PATH...`: run packetdrill scripts (files, or folders searched for *.pkt)
// against the engine. Exit 0 when every script passes, 1 when any fails, 2 for unreadable or
// unparsable input. The file system lives here; parsing and running are pure (src/packetdrill).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatParseError } from '../../packetdrill/ast.js';
import { harnessDefines, IP_VERSIONS, type IpVersion } from '../../packetdrill/connection-map.js';
import { makeDefaultHost } from '../../packetdrill/default-host.js';
import { parseScript } from '../../packetdrill/parse-script.js';
import { errorLine, linuxFailsTooLine, notesText, resultLine, summaryLine, timelineText, traceText } from '../../packetdrill/report-text.js';
import { runScript, type HostFactory, type RunOptions, type RunResult } from '../../packetdrill/runner.js';
import { linuxVerdicts, type LinuxVerdict } from '../../packetdrill/conformance-report.js';
import { pickLang, UsageError, type CliIO } from '../io.js';

const HELP_EN = `usage: tcplens packetdrill [options] PATH...

Run packetdrill scripts against tcplens's engine, on virtual time, without root or a TUN device.
PATH is a .pkt file or a folder (searched recursively for *.pkt).

options:
  --ip_version V   ipv4 (default), ipv6 or ipv4-mapped-ipv6
  -D NAME=VALUE    define a symbol used by a script (TFO_COOKIE defaults to the Linux
                   selftests' value for the IP version)
  --tolerance_usecs=N    timing slack in microseconds (default 4000), as packetdrill's own flag;
                   a script's own --tolerance_usecs line still wins
  --tolerance_percent=P  slack as a percentage of the time since the previous event (default 12.5)
  --verbose, -v    print the engine's state timeline, and every segment and call, up to the
                   end or the first mismatch
  --json           one JSON object per script, in an array
  --lang en|zh     language of the report

A script that belongs to a suite with a record of how Linux ran it (MANIFEST.tsv or UPSTREAM.tsv
in a folder above it) and fails on Linux too is marked so under its FAIL line.

exit status: 0 every script passed, 1 a script failed, 2 unreadable or unparsable input
`;

const HELP_ZH = `用法：tcplens packetdrill [选项] 路径...

用 tcplens 的引擎在虚拟时间上运行 packetdrill 脚本，不需要 root，也不需要 TUN 设备。
路径是一个 .pkt 文件或一个目录（递归查找其中的 *.pkt）。

选项：
  --ip_version V   ipv4（默认）、ipv6 或 ipv4-mapped-ipv6
  -D 名称=值        定义脚本用到的符号（TFO_COOKIE 默认取 Linux 自测脚本针对该 IP 版本的值）
  --tolerance_usecs=N    时间容差，单位微秒（默认 4000），与 packetdrill 自己的选项相同；
                   脚本中自带的 --tolerance_usecs 行优先
  --tolerance_percent=P  容差，按距上一事件时间的百分比计（默认 12.5）
  --verbose, -v    打印引擎的状态时间线，以及每个报文段和调用，直到结束或第一个不匹配处
  --json           每个脚本一个 JSON 对象，放在一个数组里
  --lang en|zh     报告的语言

如果脚本所属的测试集在上层目录中有 Linux 运行记录（MANIFEST.tsv 或 UPSTREAM.tsv），
而它在 Linux 上也失败，就在它的 FAIL 行下注明。

退出码：0 所有脚本通过；1 有脚本失败；2 输入无法读取或无法解析
`;

const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;

export type ScriptOutcome =
  | { kind: 'run'; result: RunResult }
  | { kind: 'error'; file: string; message: string };

/** Every *.pkt under the given paths, sorted; a path that does not exist is an error entry. */
export function findScripts(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string, top: boolean): void => {
    let st;
    try { st = statSync(p); } catch { if (top) missing.push(p); return; }
    if (st.isDirectory()) {
      let names: string[] = [];
      try { names = readdirSync(p).sort(); } catch { missing.push(p); return; }
      for (const n of names) walk(path.join(p, n), false);
    } else if (top || p.endsWith('.pkt')) files.push(p);
  };
  for (const p of paths) walk(p, true);
  return { files, missing };
}

/** Read, parse and run one script; backtick includes are read relative to its folder. */
export function runFile(file: string, ipVersion: IpVersion, defines: Record<string, string> = {}, makeHost: HostFactory = makeDefaultHost, tolerance?: RunOptions['tolerance']): ScriptOutcome {
  let text: string;
  try {
    // Only regular files of sane size: /dev/zero or a FIFO would never end.
    const st = statSync(file);
    if (!st.isFile()) return { kind: 'error', file, message: 'not a regular file' };
    if (st.size > MAX_SCRIPT_BYTES) return { kind: 'error', file, message: `larger than ${MAX_SCRIPT_BYTES / 1024 / 1024} MiB, not a packetdrill script` };
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { kind: 'error', file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  const parsed = parseScript(text, file);
  if (!parsed.ok) return { kind: 'error', file, message: formatParseError(parsed.error) };
  const dir = path.dirname(file);
  const readInclude = (rel: string): string | undefined => {
    try {
      const p = path.resolve(dir, rel);
      const st = statSync(p);
      return st.isFile() && st.size <= MAX_SCRIPT_BYTES ? readFileSync(p, 'utf8') : undefined;
    } catch { return undefined; }
  };
  const result = runScript(parsed.script, { ipVersion, makeHost, readInclude, defines: { ...harnessDefines(ipVersion), ...defines }, tolerance });
  return { kind: 'run', result };
}

const RECORDS = ['MANIFEST.tsv', 'UPSTREAM.tsv'];

/**
 * How Linux ran this script, from the nearest suite record in a folder above it (the record's
 * paths are relative to its own folder), or undefined when no record names it.
 */
export function linuxVerdictFor(file: string, cache = new Map<string, Map<string, LinuxVerdict> | undefined>()): LinuxVerdict | undefined {
  const abs = path.resolve(file);
  for (let dir = path.dirname(abs), i = 0; i < 12; i++) {
    for (const name of RECORDS) {
      const rec = path.join(dir, name);
      if (!cache.has(rec)) {
        let map: Map<string, LinuxVerdict> | undefined;
        try { if (statSync(rec).isFile()) map = linuxVerdicts(readFileSync(rec, 'utf8')); } catch { map = undefined; }
        cache.set(rec, map);
      }
      const v = cache.get(rec)?.get(path.relative(dir, abs).split(path.sep).join('/'));
      if (v) return v;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function toleranceFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(v)) throw new UsageError(`--${name} needs a number of at least 0, got '${v}'`);
  return Number(v);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ip_version: { type: 'string' },
      'ip-version': { type: 'string' },
      D: { type: 'string', short: 'D', multiple: true },
      tolerance_usecs: { type: 'string' },
      'tolerance-usecs': { type: 'string' },
      tolerance_percent: { type: 'string' },
      'tolerance-percent': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(lang === 'zh' ? HELP_ZH : HELP_EN); return 0; }
  const ipv = (values.ip_version ?? values['ip-version'] ?? 'ipv4') as IpVersion;
  if (!IP_VERSIONS.includes(ipv)) throw new UsageError(`--ip_version must be one of ${IP_VERSIONS.join(', ')}, got '${ipv}'`);
  if (positionals.length === 0) throw new UsageError('give at least one .pkt file or folder (tcplens packetdrill --help)');
  const defines: Record<string, string> = {};
  for (const d of values.D ?? []) {
    const eq = d.indexOf('=');
    if (eq <= 0) throw new UsageError(`-D needs NAME=VALUE, got '${d}'`);
    defines[d.slice(0, eq)] = d.slice(eq + 1);
  }

  const tolerance = {
    usecs: toleranceFlag('tolerance_usecs', values.tolerance_usecs ?? values['tolerance-usecs']),
    percent: toleranceFlag('tolerance_percent', values.tolerance_percent ?? values['tolerance-percent']),
  };
  if (tolerance.usecs !== undefined && !Number.isInteger(tolerance.usecs)) throw new UsageError(`--tolerance_usecs needs a whole number of microseconds, got '${tolerance.usecs}'`);
  const { files, missing } = findScripts(positionals);
  const outcomes: ScriptOutcome[] = missing.map((file) => ({ kind: 'error', file, message: 'no such file or folder' }));
  if (files.length === 0 && missing.length === 0) outcomes.push({ kind: 'error', file: positionals.join(' '), message: 'no .pkt scripts found' });
  for (const f of files) outcomes.push(runFile(f, ipv, defines, makeDefaultHost, tolerance));
  const records = new Map<string, Map<string, LinuxVerdict> | undefined>();
  const linux = (o: ScriptOutcome): LinuxVerdict | undefined => (o.kind === 'run' ? linuxVerdictFor(o.result.file, records) : undefined);
  const failsOnLinuxToo = (o: ScriptOutcome): boolean => o.kind === 'run' && o.result.outcome === 'fail' && linux(o)?.pass === false;

  const pass = outcomes.filter((o) => o.kind === 'run' && o.result.outcome === 'pass').length;
  const fail = outcomes.filter((o) => o.kind === 'run' && o.result.outcome === 'fail').length;
  const errors = outcomes.filter((o) => o.kind === 'error').length;
  if (values.json) {
    const rows = outcomes.map((o) => (o.kind === 'error' ? { file: o.file, outcome: 'error', error: o.message } : { ...o.result, linux: linux(o) }));
    io.stdout(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const o of outcomes) {
      if (o.kind === 'error') { io.stdout(errorLine(o.file, o.message, lang) + '\n'); continue; }
      io.stdout(resultLine(o.result, lang) + '\n');
      const v = linux(o);
      if (o.result.outcome === 'fail' && v && !v.pass) io.stdout(linuxFailsTooLine(v, lang) + '\n');
      if (values.verbose) {
        io.stdout(timelineText(o.result.timeline, lang) + '\n');
        io.stdout(traceText(o.result.trace, lang) + '\n');
        const n = notesText(o.result.notes, lang);
        if (n) io.stdout(n + '\n');
      }
    }
    if (outcomes.length > 1) io.stdout(summaryLine(pass, fail, errors, lang, outcomes.filter(failsOnLinuxToo).length) + '\n');
  }
  return errors > 0 ? 2 : fail > 0 ? 1 : 0;
}

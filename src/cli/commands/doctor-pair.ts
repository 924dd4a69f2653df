// `tcplens doctor --input A/ --input B/ …` (or `--netns a --netns b`): several hosts at once. Each
// host gets its own findings, and the connections between them are paired by mirrored 4-tuples
// (src/diagnose/pairing.ts), so a CLOSE-WAIT leak on one host is shown beside the FIN-WAIT-2 it
// leaves on the other, with the host to fix. Sources are read one after the other, as close in time
// as the reads allow.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Lang } from '../../i18n/lang.js';
import { doctorReport, exitStatusFor } from '../../diagnose/diagnose.js';
import { pairHosts, parseAddressMapping, type AddressMapping, type PairedHost } from '../../diagnose/pairing.js';
import { openSource, type SourceSpec } from '../../node/source.js';
import { pickLang, UsageError, type CliIO } from '../io.js';
import { asUsage } from '../snapshot-input.js';

/**
 * True when the arguments name several hosts: --input twice or more, or --netns twice or more (then
 * the two kinds may be mixed). One --input beside one --netns stays the single-host doctor's error.
 */
export function namesSeveralHosts(argv: readonly string[]): boolean {
  const inputs = argv.filter((a) => a === '--input' || a === '-i' || a.startsWith('--input=')).length;
  const netns = argv.filter((a) => a === '--netns' || a.startsWith('--netns=')).length;
  return inputs > 1 || netns > 1;
}

export async function runPaired(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      input: { type: 'string', short: 'i', multiple: true }, netns: { type: 'string', multiple: true },
      nat: { type: 'string', multiple: true }, json: { type: 'boolean' }, lang: { type: 'string' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (positionals.length > 0) throw new UsageError(say(lang, `unexpected argument '${positionals[0]}'`, `多余的参数 '${positionals[0]}'`));
  let nat: AddressMapping[];
  try { nat = (values.nat ?? []).map(parseAddressMapping); } catch (e) { throw new UsageError(`--nat: ${(e as Error).message}`); }
  const specs: Array<{ name: string; spec: SourceSpec }> = [
    ...(values.input ?? []).map((p) => {
      if (p === '-') throw new UsageError(say(lang, 'several hosts are read from files or folders, not standard input', '多台主机需从文件或目录读取，不能用标准输入'));
      return { name: path.basename(path.resolve(p)), spec: { kind: 'input', path: p } as SourceSpec };
    }),
    ...(values.netns ?? []).map((n) => ({ name: n, spec: { kind: 'netns', name: n } as SourceSpec })),
  ];
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new UsageError(say(lang, `two hosts are both called '${s.name}': give folders or namespaces with different names`, `两台主机同名 '${s.name}'：请使用名称不同的目录或命名空间`));
    seen.add(s.name);
  }
  const hosts: PairedHost[] = [];
  for (const s of specs) hosts.push({ name: s.name, snapshot: await asUsage(lang, async () => (await openSource(s.spec)).sample()) });
  const reports = hosts.map((h) => ({ name: h.name, report: doctorReport(h.snapshot, { lang }) }));
  const pairing = pairHosts(hosts, nat);
  const status = Math.max(...reports.map((r) => exitStatusFor(r.report.findings)), exitStatusFor(pairing.findings));
  if (values.json) {
    io.stdout(JSON.stringify({ hosts: reports.map((r) => ({ name: r.name, ...r.report })), pairing }, null, 2) + '\n');
    return status;
  }
  const out: string[] = [];
  out.push(say(lang, `tcplens doctor — ${hosts.length} hosts: ${hosts.map((h) => h.name).join(', ')}`, `tcplens doctor — ${hosts.length} 台主机：${hosts.map((h) => h.name).join('、')}`), '');
  for (const r of reports) {
    const ids = r.report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity.toUpperCase()} ${f.id}`);
    out.push(`${r.name}: ${r.report.findings.length === 0 ? say(lang, 'no findings', '没有发现问题') : ids.length ? ids.join(' · ') : say(lang, 'information only', '仅有提示')}`);
  }
  out.push('', say(lang, `Between the hosts: ${pairing.matched} connections seen from both ends`, `主机之间：${pairing.matched} 个连接两端都能看到`));
  if (pairing.findings.length === 0) out.push(say(lang, '  nothing wrong between them', '  它们之间没有发现问题'));
  for (const f of pairing.findings) out.push(`  ${f.severity === 'warning' ? say(lang, 'WARNING', '警告') : say(lang, 'INFO', '提示')}  ${f.summary[lang]}`);
  for (const [name, states] of Object.entries(pairing.unmatched)) {
    const list = Object.entries(states).map(([st, n]) => `${st} ${n}`).join(' · ');
    if (list) out.push(say(lang, `  ${name}: other end not found for ${list}`, `  ${name}：未找到另一端的连接 ${list}`));
  }
  out.push('', say(lang, `Per host: tcplens doctor --input DIR (or --netns NAME) for the details of each.`, `每台主机的详情：tcplens doctor --input 目录（或 --netns 名称）。`));
  io.stdout(out.join('\n') + '\n');
  return status;
}

function say(lang: Lang, en: string, zh: string): string {
  return lang === 'zh' ? zh : en;
}

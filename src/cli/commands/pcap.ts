// `tcplens pcap FILE`: a tcpdump or Wireshark capture split into connections, each end's state
// inferred after every segment and drawn as `tcplens sim` draws the lab (sequence diagram,
// timelines, conclusion); `--summary` one line per connection with its ending; `--json` the same
// as data. The file is read in chunks (src/cli/pcap-file.ts), so its size is not a limit.
// Exit 0, or 2 when the capture is damaged (a located message on stderr) or the arguments are wrong.
import { parseArgs } from 'node:util';
import { t, type Lang } from '../../i18n/lang.js';
import { renderExchange } from '../../sim/render-exchange.js';
import { renderMermaid } from '../../sim/render-mermaid.js';
import { renderSvg } from '../../sim/render-svg.js';
import type { ConnectionReport, Endpoint } from '../../sim/passive/capture-analysis.js';
import { CaptureStream, type CaptureTotals } from '../../sim/passive/capture-stream.js';
import { endpointText, toExchange } from '../../sim/passive/to-exchange.js';
import { CaptureFileError } from '../../pcap/capture-reader.js';
import { pickLang, UsageError, type CliIO } from '../io.js';
import { readCapture } from '../pcap-file.js';

const HELP_EN = `usage: tcplens pcap FILE [--summary] [--conn N|ADDR:PORT[,ADDR:PORT]] [--json] [--format text|svg|mermaid] [--absolute] [--lang en|zh]

Read a capture (tcpdump -w, Wireshark, tshark: pcap or pcapng; Ethernet, Linux cooked SLL/SLL2,
raw IP, BSD loopback; IPv4 and IPv6), split it into TCP connections and, for each, infer both
ends' states after every segment from what they sent and acknowledged, with the engine's rules:
a sequence diagram like tcplens sim's, the state timelines and how the connection ended.

options:
  --summary            one line per connection: endpoints, packets, end states, ending
  --conn N             draw connection N (numbered by first packet, as --summary lists them)
  --conn ADDR:PORT     draw the connections with this endpoint; two (ADDR:PORT,ADDR:PORT) for one
                       4-tuple. IPv6 in brackets: [fd00::1]:80
  --json               the connections as JSON (with --conn: each with its rows)
  --format F           text (default), svg (an SVG sequence diagram) or mermaid (a Mermaid
                       sequenceDiagram); svg and mermaid draw one connection
  --absolute           raw sequence numbers (default: relative to each side's ISN, as Wireshark)
  --lang en|zh         language
  FILE may be - for standard input. Without --summary or --conn, a capture of at most ${'20'}
  connections is drawn whole, a larger one summarised.

exit status: 0 read, 2 a damaged capture (the packet and byte are named) or bad arguments
`;

const HELP_ZH = `用法：tcplens pcap 文件 [--summary] [--conn N|地址:端口[,地址:端口]] [--json] [--format text|svg|mermaid] [--absolute] [--lang en|zh]

读取抓包文件（tcpdump -w、Wireshark、tshark 写的 pcap 或 pcapng；以太网、Linux cooked SLL/SLL2、
原始 IP、BSD 回环；IPv4 和 IPv6），把它分成一条条 TCP 连接，并按引擎的规则，根据双方发出和确认的内容
推断每个报文段之后两端的状态：画出与 tcplens sim 相同的时序图、状态时间线，以及连接如何结束。

选项：
  --summary            每条连接一行：两端地址、报文数、最终状态、结束方式
  --conn N             画出第 N 条连接（按首个报文编号，与 --summary 的列表一致）
  --conn 地址:端口      画出含有该端点的连接；两个端点（地址:端口,地址:端口）确定一个四元组。
                       IPv6 写在方括号里：[fd00::1]:80
  --json               以 JSON 输出各连接（加 --conn 时包含每一行）
  --format 格式         text（默认）、svg（SVG 时序图）或 mermaid（Mermaid 时序图）；
                       svg 和 mermaid 只画一条连接
  --absolute           显示原始序号（默认：与 Wireshark 一样，相对各自的初始序号）
  --lang en|zh         语言
  文件可以是 -，表示标准输入。不加 --summary 或 --conn 时，不超过 ${'20'} 条连接的抓包整体画出，
  更大的抓包只列摘要。

退出码：0 读取完成；2 抓包损坏（指明报文和字节位置）或参数错误
`;

const DRAW_ALL = 20;

interface Filter { index?: number; ends: Endpoint[] }

function parseEndpoint(s: string): Endpoint {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(s) ?? /^([0-9.]+):(\d+)$/.exec(s);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`--conn wants N, ADDR:PORT or ADDR:PORT,ADDR:PORT (IPv6 as [ADDR]:PORT), got '${s}'`);
  return { addr: m[1].toLowerCase(), port: Number(m[2]) };
}

function parseFilter(v: string | undefined): Filter | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) {
    const index = Number(v);
    if (index < 1) throw new UsageError(`--conn numbers start at 1, got '${v}'`);
    return { index, ends: [] };
  }
  return { ends: v.split(',').map((x) => parseEndpoint(x.trim())) };
}

function matches(f: Filter, index: number, c: Endpoint, s: Endpoint): boolean {
  if (f.index !== undefined) return index === f.index;
  const same = (a: Endpoint, b: Endpoint): boolean => a.addr === b.addr && a.port === b.port;
  return f.ends.every((e) => same(e, c) || same(e, s));
}

function summaryLine(r: ConnectionReport, lang: Lang): string {
  const ends = `${endpointText(r.client)} → ${endpointText(r.server)}`;
  const states = lang === 'zh' ? `客户端 ${r.endStates.client}，服务器 ${r.endStates.server}` : `client ${r.endStates.client}, server ${r.endStates.server}`;
  const pk = lang === 'zh' ? `${r.packets} 个报文` : `${r.packets} pkts`;
  return `#${r.index}  ${ends}  ${pk}  ${states}  ${r.findings.map((f) => t(f.text, lang)).join(lang === 'zh' ? '；' : '; ')}`;
}

function reportJson(r: ConnectionReport, lang: Lang, withRows: boolean): unknown {
  const ex = withRows && r.observer ? toExchange(r) : undefined;
  return {
    index: r.index, client: r.client, server: r.server, firstAt: new Date(r.firstAt).toISOString(), lastAt: new Date(r.lastAt).toISOString(),
    packets: r.packets, endStates: r.endStates,
    ending: { id: r.findings[0].id, text: t(r.findings[0].text, lang) },
    findings: r.findings.map((f) => ({ id: f.id, text: t(f.text, lang) })),
    timeline: r.timeline.map((e) => ({ at: new Date(e.at).toISOString(), host: e.who === 0 ? 'client' : 'server', from: e.from, to: e.to, cause: e.cause })),
    limits: t(r.limits, lang),
    ...(ex ? { steps: ex.steps } : {}),
  };
}

function drawing(r: ConnectionReport, lang: Lang, absolute: boolean): string {
  const head = lang === 'zh'
    ? `连接 ${r.index}：${endpointText(r.client)} → ${endpointText(r.server)}，${r.packets} 个报文，开始于 ${new Date(r.firstAt).toISOString()}`
    : `connection ${r.index}: ${endpointText(r.client)} → ${endpointText(r.server)}, ${r.packets} packets from ${new Date(r.firstAt).toISOString()}`;
  const limits = lang === 'zh' ? `单一观察点无法得知：${t(r.limits, lang)}` : `What one capture point cannot tell: ${t(r.limits, lang)}`;
  return `${head}\n\n${renderExchange(toExchange(r), { lang, absolute })}${wrap(limits, lang)}\n`;
}

/** Lines of at most 100 columns, broken at spaces (Chinese at any character). */
function wrap(text: string, lang: Lang): string {
  const lines: string[] = [];
  let line = '';
  for (const word of lang === 'zh' ? [...text] : text.split(' ')) {
    const next = line === '' ? word : lang === 'zh' ? line + word : `${line} ${word}`;
    if ((lang === 'zh' ? next.length * 2 : next.length) > 100 && line !== '') { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function endingsText(counts: Map<string, { n: number; text: string }>, total: CaptureTotals, lang: Lang): string {
  const lines = [...counts.values()].sort((a, b) => b.n - a.n).map((c) => `  ${String(c.n).padStart(7)}  ${c.text}`);
  const head = lang === 'zh'
    ? `${total.packets} 个报文（TCP ${total.tcpPackets} 个），${total.connections} 个连接；结局：`
    : `${total.packets} packets (${total.tcpPackets} TCP), ${total.connections} connections; endings:`;
  return `${head}\n${lines.join('\n')}\n`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      summary: { type: 'boolean' },
      conn: { type: 'string' },
      json: { type: 'boolean' },
      absolute: { type: 'boolean' },
      format: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) {
    io.stdout(lang === 'zh' ? HELP_ZH : HELP_EN);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name a capture file (or - for standard input)' : 'one capture file at a time');
  const filter = parseFilter(values.conn);
  if (filter && values.summary) throw new UsageError('--summary lists every connection; --conn draws some: give one of them');
  const file = positionals[0];
  const summary = values.summary ?? false;
  const json = values.json ?? false;
  const absolute = values.absolute ?? false;
  const format = values.format ?? 'text';
  if (!['text', 'svg', 'mermaid'].includes(format)) throw new UsageError(`--format must be text, svg or mermaid, got '${format}'`);
  if (format !== 'text' && (summary || json)) throw new UsageError(`--format ${format} draws a connection; --summary and --json are text and data`);

  // What is kept: with --summary, nothing but counts (lines are printed as connections finish);
  // with --conn, the matching connections' rows; otherwise the first DRAW_ALL connections' rows.
  const drawn: ConnectionReport[] = [];
  const lines: string[] = [];
  const jsonOut: unknown[] = [];
  const endings = new Map<string, { n: number; text: string }>();
  const stream = new CaptureStream({
    keepRows: (index, c, s) => (filter ? matches(filter, index, c, s) : !summary && index <= DRAW_ALL),
    onConnection: (r) => {
      const e = r.findings[0];
      const key = `${e.id}|${r.endStates.client}|${r.endStates.server}`;
      const seen = endings.get(key);
      if (seen) seen.n++;
      else endings.set(key, { n: 1, text: `${t(e.text, lang)} (${lang === 'zh' ? '客户端' : 'client'} ${r.endStates.client}, ${lang === 'zh' ? '服务器' : 'server'} ${r.endStates.server})` });
      if (filter && !r.observer) return;
      if (json) { jsonOut.push(reportJson(r, lang, r.observer !== undefined && !summary)); return; }
      if (summary) { io.stdout(summaryLine(r, lang) + '\n'); return; }
      if (r.observer) drawn.push(r);
      else lines.push(summaryLine(r, lang));
    },
  });

  let fatal: CaptureFileError | undefined;
  let totals: CaptureTotals;
  try {
    await readCapture(file, io, (chunk) => stream.push(chunk));
    totals = stream.end();
  } catch (err) {
    if (!(err instanceof CaptureFileError)) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        io.stderr(`tcplens pcap: cannot read ${file}: ${code}\n`);
        return 2;
      }
      throw err;
    }
    // Show what was read before the damage, then say where it is.
    fatal = err;
    totals = stream.endDamaged();
  }

  if (json) {
    io.stdout(JSON.stringify({
      format: 'tcplens.pcap/1', file: file === '-' ? '(stdin)' : file, capture: totals.format, packets: totals.packets, tcpPackets: totals.tcpPackets,
      connections: jsonOut, problems: totals.problems, problemCount: totals.problemCount, error: fatal?.message,
    }, null, 2) + '\n');
  } else if (summary) {
    io.stdout('\n' + endingsText(endings, totals, lang));
  } else if (filter && drawn.length === 0) {
    io.stderr(`tcplens pcap: no connection matches --conn ${values.conn} (${totals.connections} in the capture; --summary lists them)\n`);
    if (!fatal) return 2;
  } else {
    drawn.sort((a, b) => a.index - b.index);
    if (format !== 'text') {
      if (drawn.length !== 1) {
        io.stderr(`tcplens pcap: --format ${format} draws one connection and ${filter ? `--conn ${values.conn} matches` : 'the capture has'} ${filter ? drawn.length : totals.connections}: choose one with --conn N\n`);
        return 2;
      }
      const ex = toExchange(drawn[0]);
      io.stdout(format === 'svg' ? renderSvg(ex, { lang, absolute }) : renderMermaid(ex, { lang, absolute }));
      return fatal || totals.problemCount > 0 ? 2 : 0;
    }
    const all = !filter && totals.connections <= DRAW_ALL;
    if (filter || all) io.stdout(drawn.map((r) => drawing(r, lang, absolute)).join('\n'));
    else {
      const kept = drawn.map((r) => summaryLine(r, lang));
      io.stdout([...kept, ...lines].join('\n') + '\n\n' + endingsText(endings, totals, lang));
      io.stdout(lang === 'zh' ? `\n连接太多无法全部绘出：--conn N 绘出第 N 个。\n` : `\n${totals.connections} connections are too many to draw: --conn N draws one.\n`);
    }
    if (totals.connections === 0) io.stdout(lang === 'zh' ? `抓包中没有 TCP 连接（${totals.packets} 个报文）。\n` : `no TCP connection in the capture (${totals.packets} packets).\n`);
  }
  for (const p of totals.problems.slice(0, 20)) io.stderr(`tcplens pcap: ${file}: packet ${p.packet} at byte ${p.offset}: ${p.message}\n`);
  if (totals.problemCount > 20) io.stderr(`tcplens pcap: ${file}: ${totals.problemCount - 20} more packets could not be read\n`);
  if (fatal) io.stderr(`tcplens pcap: ${file}: ${fatal.message}\n`);
  return fatal || totals.problemCount > 0 ? 2 : 0;
}

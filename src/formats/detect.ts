// READ THIS FIRST — which format is this text? Decided by content only, never by file name.
//
// Every parser scores the first non-blank lines (0..1); the highest score wins when it reaches
// MIN_CONFIDENCE. The registry below is the one list of formats: detection, `FORMATS` and the
// "looked like neither ..." message are all drawn from it.
import type { Text } from '../i18n/lang.js';
import { headLines, repairText } from './text.js';
import { mayHavePrompts, promptCommand } from './session.js';
import { notTextReasonOfString } from './binary.js';
import { validatePart } from './validate.js';
import type { FormatId, FormatParser, ParsedPart, ParseOptions } from './types.js';
import { ssParser } from './ss.js';
import { ssSummaryParser } from './ss-summary.js';
import { netstatLinuxParser } from './netstat-linux.js';
import { netstatWindowsParser } from './netstat-windows.js';
import { netstatBsdParser } from './netstat-bsd.js';
import { netstatSParser } from './netstat-s.js';
import { lsofParser } from './lsof.js';
import { powershellParser } from './powershell.js';
import { procNetTcpParser } from './proc-net-tcp.js';
import { procCountersParser, nstatParser } from './proc-counters.js';
import { sockstatParser } from './sockstat.js';
import { sysctlParser } from './sysctl.js';
import { psParser } from './ps.js';
import { tasklistParser } from './tasklist.js';
import { manifestParser } from './manifest.js';
import { sockstatBsdParser } from './sockstat-bsd.js';

/** Most specific first: on a tie the earlier entry wins. */
export const PARSERS: readonly FormatParser[] = [
  ssParser,
  ssSummaryParser,
  netstatLinuxParser,
  netstatWindowsParser,
  netstatBsdParser,
  sockstatBsdParser,
  lsofParser,
  powershellParser,
  procNetTcpParser,
  procCountersParser,
  nstatParser,
  netstatSParser,
  sockstatParser,
  sysctlParser,
  psParser,
  tasklistParser,
  manifestParser,
];

export const MIN_CONFIDENCE = 0.5;

export interface Detection { format: FormatId; confidence: number; parser: FormatParser }

export function detectFormat(text: string): Detection | undefined {
  const lines = headLines(repairText(text));
  if (lines.length === 0) return undefined;
  let best: Detection | undefined;
  for (const p of PARSERS) {
    const c = p.sniff(lines);
    if (c >= MIN_CONFIDENCE && (!best || c > best.confidence)) best = { format: p.id, confidence: c, parser: p };
  }
  return best;
}

/** The error a caller shows (the CLI exits 2 with it). */
export interface UnknownFormat {
  ok: false;
  file: string;
  message: Text;
}

export function unknownFormatMessage(file: string, empty: boolean): Text {
  const names = PARSERS.map((p) => p.example.split(' ')[0] === 'cat' ? p.example.slice(4) : p.example);
  const list = [...new Set(names)].join(', ');
  if (empty) return { en: `${file}: empty input, nothing to read`, zh: `${file}：输入为空，没有可读的内容` };
  return {
    en: `${file}: no known format (looked like neither ${list})`,
    zh: `${file}：无法识别的格式（不像以下任何一种：${list}）`,
  };
}

/** Parse a text known to be in the parser's format, with the values no tool prints taken out (validate.ts). */
export function parseAs(parser: FormatParser, file: string, text: string, options?: ParseOptions): ParsedPart {
  const part = parser.parse(file, text, options);
  validatePart(file, text, part);
  return part;
}

/** Parse a text in whatever known format it is in, or say plainly that it is in none. */
export function parseAny(file: string, raw: string, options?: ParseOptions): ({ ok: true } & ParsedPart) | UnknownFormat {
  const notText = notTextReasonOfString(raw);
  if (notText) return { ok: false, file, message: { en: `${file}: ${notText.en}`, zh: `${file}：${notText.zh}` } };
  // A pasted prompt line (`[root@web01 ~]# ss -tanp`) is not data: blank it, keeping line numbers.
  let hostname: string | undefined;
  const text = !mayHavePrompts(raw) ? raw : raw.replace(/^.*$/gm, (l) => {
    const p = promptCommand(l);
    if (p) hostname ??= p.hostname;
    return p ? '' : l;
  });
  const d = detectFormat(text);
  if (!d) return { ok: false, file, message: unknownFormatMessage(file, text.trim() === '') };
  const part = parseAs(d.parser, file, text, options);
  if (hostname && !part.hostname) part.hostname = hostname;
  return { ok: true, ...part };
}

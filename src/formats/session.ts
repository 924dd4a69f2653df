// Pasted terminal sessions: people paste the prompt and the command with the output, often several
// commands in one paste (`[root@web01 ~]# ss -s` ... `[root@web01 ~]# ss -tanp` ...). A prompt line
// that runs a known tool starts a new section; each section is then recognised on its own. Prompt
// lines are not data; they are blanked (line numbers are kept) and their `user@host` names the host.
// A line that is only a `date` output (`for i in 1 2 3; do date; ss -tan; sleep 10; done`) also starts
// a section and time-stamps the ones after it, so repeated listings become history (merge.ts).

// Unmistakable prompts end a section whatever they run; a bare `#`, `%` or `>` only before a tool
// we read (a `# comment` in a sysctl dump is not a prompt).
const STRONG_PROMPT = /^(?:\[[^\]\n]*\]\s?[#$]|[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[#$%]|PS [A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>|\$)\s*(\S.*)$/;
const WEAK_PROMPT = /^[#%>]\s*(\S.*)$/;
const TOOLS = /^(?:sudo\s+(?:-\S+\s+)*)?(?:LC_ALL=\S+\s+|LANG=\S+\s+)*(ss|netstat|lsof|cat|sysctl|ps|nstat|tasklist|Get-NetTCPConnection|Get-Process|grep|head|tail|less|more|type)\b/i;
const HOST = /^(?:\[)?[\w.-]+@([\w.-]+)/;
/** Cheap whole-text test: could any line be a prompt? (Spares 100k-row pastes the per-line work.) */
const MAYBE_PROMPT = /^(?:\[|\$|#|%|>|PS |[A-Za-z]:\\|[\w.-]+@|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|\d{4}-\d\d-\d\dT|\d{10}\s*$)/m;

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MON = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/** `date` outputs whose moment is unambiguous: a UTC/GMT zone, a numeric offset, or epoch seconds. */
const DATE_FORMS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => number | undefined]> = [
  // date (C locale): Sun Nov 22 01:16:47 UTC 2026; zone names other than UTC/GMT are ambiguous (CST).
  [new RegExp(`^${DAY} ${MON} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ([A-Z]{2,5}) \\d{4}$`), (m) => (/^(UTC|GMT)$/.test(m[1]) ? Date.parse(m[0]) : undefined)],
  // date (en_US): Sun 22 Nov 2026 01:16:47 AM UTC
  [new RegExp(`^${DAY} \\d\\d? ${MON} \\d{4} \\d\\d:\\d\\d:\\d\\d (?:AM|PM) ([A-Z]{2,5})$`), (m) => (/^(UTC|GMT)$/.test(m[1]) ? Date.parse(m[0]) : undefined)],
  // date -R: Sun, 22 Nov 2026 01:16:47 +0000
  [new RegExp(`^${DAY}, \\d\\d? ${MON} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}$`), (m) => Date.parse(m[0])],
  // date -Iseconds / -Ins: 2026-11-22T01:16:47+00:00
  [/^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/, (m) => Date.parse(m[0].replace(',', '.'))],
  // date +%s
  [/^\d{10}$/, (m) => Number(m[0]) * 1000],
];

/** A line that is only a `date` output: its moment (ms), or null when the zone makes it ambiguous. */
export function dateLine(line: string): number | null | undefined {
  const t = line.trim();
  for (const [re, ms] of DATE_FORMS) {
    const m = re.exec(t);
    if (m) { const v = ms(m); return v !== undefined && Number.isFinite(v) ? v : null; }
  }
  return undefined;
}

export function mayHavePrompts(text: string): boolean {
  return MAYBE_PROMPT.test(text);
}

export interface Section {
  /** This section's lines only (copying them is linear; blanking the rest of the file per section was not). */
  text: string;
  /** Lines before it in the file: add to a line number of `text` to get the file's. */
  lineOffset: number;
  /** 1-based line of the prompt that starts it (0 when the text has no prompt before it). */
  promptLine: number;
  command?: string;
  hostname?: string;
  /** When it was taken, from the last unambiguous `date` line above it. */
  stamp?: number;
}

/** The command a prompt line runs (for a bare `#`/`%`/`>` prompt, only a tool we read). */
export function promptCommand(line: string): { command: string; hostname?: string } | undefined {
  const m = STRONG_PROMPT.exec(line) ?? WEAK_PROMPT.exec(line);
  if (!m || (m[0][0] === '#' || m[0][0] === '%' || m[0][0] === '>') && !TOOLS.test(m[1])) return undefined;
  const h = HOST.exec(line);
  return { command: m[1].trim(), hostname: h?.[1] };
}

export function splitSessions(text: string): Section[] {
  if (!mayHavePrompts(text)) return [{ text, lineOffset: 0, promptLine: 0 }];
  const lines = text.split(/\r\n|\r|\n/);
  const starts: Array<{ at: number; command?: string; hostname?: string; date?: number | null }> = [];
  lines.forEach((l, i) => {
    const p = promptCommand(l);
    if (p) { starts.push({ at: i, ...p }); return; }
    const d = dateLine(l);
    if (d !== undefined) starts.push({ at: i, date: d });
  });
  if (starts.length === 0) return [{ text, lineOffset: 0, promptLine: 0 }];
  const sections: Section[] = [];
  const bounds = [...(starts[0].at > 0 ? [{ at: -1 }] : []), ...starts];
  let stamp: number | undefined;
  let prompt: { at: number; command?: string; hostname?: string } | undefined;
  for (let k = 0; k < bounds.length; k++) {
    const b = bounds[k] as (typeof starts)[number];
    if (b.date !== undefined) stamp = b.date ?? undefined; // an ambiguous date forgets the older stamp
    else if (b.at >= 0) prompt = b;
    const from = b.at + 1;
    const to = k + 1 < bounds.length ? bounds[k + 1].at : lines.length;
    if (lines.slice(from, to).every((l) => l.trim() === '')) continue;
    // A section that stops at the next prompt ended with a newline in the file: keep it, so its last
    // line is not taken for one cut off.
    const body = lines.slice(from, to).join('\n') + (to < lines.length ? '\n' : '');
    // Output after a date line still belongs to the prompt above it (`$ date; ss -tan`).
    sections.push({
      text: body, lineOffset: from, promptLine: prompt ? prompt.at + 1 : 0, command: prompt?.command, hostname: prompt?.hostname,
      ...(stamp !== undefined ? { stamp } : {}),
    });
  }
  return sections;
}

// Pasted terminal sessions: people paste the prompt and the command with the output, often several
// commands in one paste (`[root@web01 ~]# ss -s` ... `[root@web01 ~]# ss -tanp` ...). A prompt line
// that runs a known tool starts a new section; each section is then recognised on its own. Prompt
// lines are not data; they are blanked (line numbers are kept) and their `user@host` names the host.

// Unmistakable prompts end a section whatever they run; a bare `#`, `%` or `>` only before a tool
// we read (a `# comment` in a sysctl dump is not a prompt).
const STRONG_PROMPT = /^(?:\[[^\]\n]*\]\s?[#$]|[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[#$%]|PS [A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>|\$)\s*(\S.*)$/;
const WEAK_PROMPT = /^[#%>]\s*(\S.*)$/;
const TOOLS = /^(?:sudo\s+(?:-\S+\s+)*)?(?:LC_ALL=\S+\s+|LANG=\S+\s+)*(ss|netstat|lsof|cat|sysctl|ps|nstat|tasklist|Get-NetTCPConnection|Get-Process|grep|head|tail|less|more|type)\b/i;
const HOST = /^(?:\[)?[\w.-]+@([\w.-]+)/;
/** Cheap whole-text test: could any line be a prompt? (Spares 100k-row pastes the per-line work.) */
const MAYBE_PROMPT = /^(?:\[|\$|#|%|>|PS |[A-Za-z]:\\|[\w.-]+@)/m;

export function mayHavePrompts(text: string): boolean {
  return MAYBE_PROMPT.test(text);
}

export interface Section {
  /** The whole text with every line outside this section blanked, so line numbers stay the file's. */
  text: string;
  /** 1-based line of the prompt that starts it (0 when the text has no prompt before it). */
  promptLine: number;
  command?: string;
  hostname?: string;
}

/** The command a prompt line runs (for a bare `#`/`%`/`>` prompt, only a tool we read). */
export function promptCommand(line: string): { command: string; hostname?: string } | undefined {
  const m = STRONG_PROMPT.exec(line) ?? WEAK_PROMPT.exec(line);
  if (!m || (m[0][0] === '#' || m[0][0] === '%' || m[0][0] === '>') && !TOOLS.test(m[1])) return undefined;
  const h = HOST.exec(line);
  return { command: m[1].trim(), hostname: h?.[1] };
}

export function splitSessions(text: string): Section[] {
  if (!mayHavePrompts(text)) return [{ text, promptLine: 0 }];
  const lines = text.split(/\r\n|\r|\n/);
  const starts: Array<{ at: number; command?: string; hostname?: string }> = [];
  lines.forEach((l, i) => {
    const p = promptCommand(l);
    if (p) starts.push({ at: i, ...p });
  });
  if (starts.length === 0) return [{ text, promptLine: 0 }];
  const sections: Section[] = [];
  const bounds = [...(starts[0].at > 0 ? [{ at: -1 }] : []), ...starts];
  for (let k = 0; k < bounds.length; k++) {
    const from = bounds[k].at + 1;
    const to = k + 1 < bounds.length ? bounds[k + 1].at : lines.length;
    if (lines.slice(from, to).every((l) => l.trim() === '')) continue;
    const body = lines.map((l, i) => (i >= from && i < to ? l : '')).join('\n');
    const b = bounds[k] as { at: number; command?: string; hostname?: string };
    sections.push({ text: body, promptLine: b.at + 1, command: b.command, hostname: b.hostname });
  }
  return sections;
}

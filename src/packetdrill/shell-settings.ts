// Backtick lines run shell in real packetdrill; tcplens never does. It reads the sysctl settings
// they make — `sysctl -q net.ipv4.X=V`, `set_sysctls.py /proc/sys/net/ipv4/X=V`, and the same
// inside an included `defaults.sh` (read through `readFile`, relative to the script's folder) —
// and reports everything else as a note. Values may use the shell arithmetic defaults.sh uses:
// `"4096 540000 $((15*1024*1024))"`.
// Three `tc qdisc` forms on the test device are read as a switch, "drop every local transmit":
// `tc qdisc add dev tun0 root pfifo limit 0` turns it on (a zero-length FIFO drops each packet,
// user-timeout-probe.pkt); `tc qdisc del|delete dev tun0 root` and defaults.sh's
// `tc qdisc add dev tun0 root pfifo` (default limit) turn it off. Any other tc line is a note.
// `ip tcp_metrics flush all` empties the host's per-destination cache (Fast Open cookies).

export interface SysctlSetting { name: string; value: string }
export interface ShellReading {
  settings: SysctlSetting[];
  notes: string[];
  /** The last recognised `tc qdisc` form: true = drop every outbound segment from now on, false = stop dropping. */
  dropOutbound?: boolean;
  /** The tc commands that set `dropOutbound`, as written (for the run's notes). */
  qdisc?: string[];
  /** `ip tcp_metrics flush all`: the host forgets what it cached per destination (Fast Open cookies). */
  flushMetrics?: boolean;
}

/** The tc forms above, exactly (words after `tc`); anything else is not modelled. */
const TC_FORMS: ReadonlyArray<{ words: string; drop: boolean }> = [
  { words: 'qdisc add dev tun0 root pfifo limit 0', drop: true },
  { words: 'qdisc add dev tun0 root pfifo', drop: false },
  { words: 'qdisc del dev tun0 root', drop: false },
  { words: 'qdisc delete dev tun0 root', drop: false },
];

/** Returns the file's text, or undefined when it cannot be read. Paths are as written, joined by the caller. */
export type ReadInclude = (relativePath: string) => string | undefined;

const MAX_INCLUDE_DEPTH = 4;

export function readShell(command: string, readFile: ReadInclude, depth = 0): ShellReading {
  const out: ShellReading = { settings: [], notes: [] };
  for (const raw of splitCommands(command)) {
    const words = shellWords(raw);
    if (words.length === 0) continue;
    const prog = words[0];
    const base = prog.split('/').pop() ?? prog;
    if (base === 'sysctl') {
      for (const w of words.slice(1)) {
        if (w.startsWith('-')) continue;
        const eq = w.indexOf('=');
        if (eq > 0) out.settings.push({ name: w.slice(0, eq), value: arith(w.slice(eq + 1)) });
      }
    } else if (base === 'set_sysctls.py') {
      for (const w of words.slice(1)) {
        const eq = w.indexOf('=');
        if (eq > 0) out.settings.push({ name: w.slice(0, eq).replace(/^\/proc\/sys\//, '').replace(/\//g, '.'), value: arith(w.slice(eq + 1)) });
      }
    } else if (base === 'tc' && TC_FORMS.some((f) => f.words === words.slice(1).join(' '))) {
      const form = TC_FORMS.find((f) => f.words === words.slice(1).join(' '));
      out.dropOutbound = form?.drop;
      (out.qdisc ??= []).push(raw.trim());
    } else if (base === 'ip' && words.slice(1).join(' ') === 'tcp_metrics flush all') {
      out.flushMetrics = true;
    } else if (base.endsWith('.sh') && !prog.startsWith('/')) {
      if (depth >= MAX_INCLUDE_DEPTH) { out.notes.push(`not following ${prog}: includes nested too deep`); continue; }
      const text = readFile(prog);
      if (text === undefined) { out.notes.push(`could not read ${prog}; its settings are not applied`); continue; }
      const inner = readShell(text, readFile, depth + 1);
      out.settings.push(...inner.settings);
      out.notes.push(...inner.notes);
      if (inner.dropOutbound !== undefined) out.dropOutbound = inner.dropOutbound;
      if (inner.qdisc) (out.qdisc ??= []).push(...inner.qdisc);
      if (inner.flushMetrics) out.flushMetrics = true;
    } else {
      out.notes.push(`ignored shell command: ${raw.trim()}`);
    }
  }
  return out;
}

/** One command per line, `;`, `&&` or `||`; `#` comments dropped; trailing redirections dropped. */
function splitCommands(text: string): string[] {
  const out: string[] = [];
  // A backslash at the end of a line continues the command on the next (set_sysctls.py's long lists).
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const noComment = line.replace(/(^|\s)#.*$/, '');
    for (const part of noComment.split(/;|&&|\|\|/)) {
      const cmd = part.replace(/\s\d?>\s*\S+/g, '').replace(/\s2>&1/g, '').trim();
      if (cmd !== '' && !cmd.startsWith('#!')) out.push(cmd);
    }
  }
  return out;
}

function shellWords(cmd: string): string[] {
  const words: string[] = [];
  const re = /(?:[^\s"']+|"[^"]*"|'[^']*')+/g;
  for (const m of cmd.match(re) ?? []) words.push(m.replace(/"([^"]*)"|'([^']*)'/g, (_s, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  return words;
}

/** `$((15*1024*1024))` → `15728640`; only integers and + - * / are evaluated, nothing else. */
function arith(value: string): string {
  return value.replace(/\$\(\(([^)]*)\)\)/g, (whole, expr: string) => {
    const toks = expr.match(/\d+|[-+*/]/g);
    if (!toks || toks.join('') !== expr.replace(/\s+/g, '')) return whole;
    // Left-to-right with * and / binding tighter: enough for defaults.sh.
    const terms: number[] = [];
    let sign = 1;
    let cur: number | undefined;
    let op = '*';
    for (const t of toks) {
      if (/\d/.test(t)) {
        const n = Number(t);
        cur = cur === undefined ? n : op === '*' ? cur * n : Math.trunc(cur / n);
      } else if (t === '*' || t === '/') op = t;
      else { if (cur !== undefined) terms.push(sign * cur); cur = undefined; op = '*'; sign = t === '-' ? -1 : 1; }
    }
    if (cur !== undefined) terms.push(sign * cur);
    return String(terms.reduce((a, b) => a + b, 0));
  });
}

// `tcplens explain STATE [--json] [--lang en|zh]`, `tcplens explain --list`: what a TCP state means,
// how a connection enters and leaves it (the engine's table, src/core/transitions.ts, with the
// texts src/diagnose/transitions.ts adds) and what many of them mean on a server. Any spelling: TIME_WAIT, time-wait, FIN_WAIT2, "close wait", SYN_RCVD.
import { parseArgs } from 'node:util';
import type { Text } from '../../i18n/lang.js';
import { TCP_STATES, stateFromWord } from '../../model/states.js';
import { explainState, renderExplanation, renderMermaid, renderStateList } from '../../diagnose/explain.js';
import { STATE_INFO } from '../../diagnose/state-info.js';
import { pickLang, UsageError, type CliIO } from '../io.js';

const HELP: Text = {
  en: `usage: tcplens explain STATE [--json] [--lang en|zh]
       tcplens explain --list
       tcplens explain [STATE] --mermaid

Explains a TCP state: what it means, how a connection gets there and leaves, what ends it on
Linux, and what many of them mean on a server. STATE in any spelling: TIME_WAIT, time-wait,
FIN_WAIT2, CLOSE-WAIT, SYN_RCVD, ESTAB, ...

  --list         all eleven states, one line each
  --mermaid      the state diagram (Mermaid stateDiagram-v2) drawn from the engine's transitions table;
                 with STATE only its ways in and out
  --json         machine-readable output
  --lang en|zh   language (default: from the locale)
`,
  zh: `用法: tcplens explain 状态 [--json] [--lang en|zh]
       tcplens explain --list
       tcplens explain [状态] --mermaid

解释一个 TCP 状态：含义、连接如何进入和离开、Linux 上什么会结束它，以及服务器上大量出现意味着什么。
状态可用任意写法：TIME_WAIT、time-wait、FIN_WAIT2、CLOSE-WAIT、SYN_RCVD、ESTAB……

  --list         列出全部 11 个状态，每个一行
  --mermaid      由引擎的状态转换表生成的状态图（Mermaid stateDiagram-v2）；指定状态时只画它的进出
  --json         机器可读输出
  --lang en|zh   语言（默认取决于语言环境 LANG）
`,
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { list: { type: 'boolean' }, mermaid: { type: 'boolean' }, json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  if (values.list) {
    if (values.json) io.stdout(JSON.stringify(TCP_STATES.map((s) => ({ state: s, meaning: STATE_INFO[s].meaning[lang] })), null, 2) + '\n');
    else io.stdout(renderStateList(lang));
    return 0;
  }
  if (values.mermaid && positionals.length === 0) { io.stdout(renderMermaid(lang)); return 0; }
  if (positionals.length === 0) throw new UsageError(lang === 'zh' ? '请指定一个状态，例如 tcplens explain TIME_WAIT（或 --list）' : 'name a state, e.g. tcplens explain TIME_WAIT (or --list)');
  const word = positionals.join(' ');
  const state = stateFromWord(word);
  if (!state) {
    throw new UsageError(lang === 'zh'
      ? `'${word}' 不是 TCP 状态；可用：${TCP_STATES.join(', ')}`
      : `'${word}' is not a TCP state; known states: ${TCP_STATES.join(', ')}`);
  }
  if (values.mermaid) { io.stdout(renderMermaid(lang, state)); return 0; }
  const e = explainState(state, lang);
  io.stdout(values.json ? JSON.stringify(e, null, 2) + '\n' : renderExplanation(e, lang));
  return 0;
}

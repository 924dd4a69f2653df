// The CLI: a thin adapter. Each command lives in commands/<name>.ts and only parses arguments,
// calls the typed API (src/public) and prints. Exit status: 0 fine, 1 findings/failures, 2 bad input.
import type { Lang, Text } from '../i18n/lang.js';
import { processIO, UsageError, type CliIO } from './io.js';
import { isParseArgsError, langOfArgv, optionErrorText } from './option-errors.js';

export type Command = (argv: string[], io: CliIO) => Promise<number>;

interface CommandEntry { summary: Text; load: () => Promise<{ run: Command }> }

const COMMANDS: Record<string, CommandEntry> = {
  doctor: { summary: { en: 'find TCP state problems on this host (or a capture) and say what to do', zh: '找出本机（或采集数据）的 TCP 状态问题，并给出处理办法' }, load: () => import('./commands/doctor.js') },
  states: { summary: { en: 'count sockets per state (--by process|lport|raddr)', zh: '按状态统计套接字（--by process|lport|raddr）' }, load: () => import('./commands/states.js') },
  watch: { summary: { en: 'live view like top: states, their ages and flows, who holds them, findings as they come', zh: '像 top 一样实时查看：各状态、时长与流向、谁持有它们、随时出现的发现' }, load: () => import('./commands/watch.js') },
  ls: { summary: { en: 'list sockets with process, queues and timers', zh: '列出套接字及其进程、队列和定时器' }, load: () => import('./commands/ls.js') },
  explain: { summary: { en: 'explain a TCP state: meaning, ways in and out, what many of them mean', zh: '解释一个 TCP 状态：含义、进入与离开的途径、大量出现意味着什么' }, load: () => import('./commands/explain.js') },
  capture: { summary: { en: 'write a folder of this host\'s TCP data to diagnose elsewhere', zh: '把本机的 TCP 数据写入一个目录，以便在别处诊断' }, load: () => import('./commands/capture.js') },
  sim: { summary: { en: 'run a lab scenario as a sequence diagram (--list for all)', zh: '在实验室里运行一个场景，画成时序图（--list 列出全部）' }, load: () => import('./commands/sim.js') },
  pcap: { summary: { en: 'read a tcpdump/Wireshark capture: both ends\' states after every segment, how each connection ended', zh: '读取 tcpdump/Wireshark 抓包：每个报文段之后两端的状态，以及每条连接如何结束' }, load: () => import('./commands/pcap.js') },
  packetdrill: { summary: { en: 'run packetdrill scripts against the engine', zh: '用引擎运行 packetdrill 脚本' }, load: () => import('./commands/packetdrill.js') },
  serve: { summary: { en: 'web dashboard: the live state diagram, findings, paste box and lab (127.0.0.1 by default)', zh: '网页仪表盘：实时状态图、诊断发现、粘贴框和实验室（默认 127.0.0.1）' }, load: () => import('./commands/serve.js') },
  exporter: { summary: { en: 'serve TCP states per port and process to Prometheus (--rules, --grafana)', zh: '按端口和进程向 Prometheus 提供 TCP 状态（--rules、--grafana）' }, load: () => import('./commands/exporter.js') },
};

function usage(lang: Lang): string {
  const zh = lang === 'zh';
  const lines = [zh ? '用法：tcplens 命令 [选项]' : 'usage: tcplens COMMAND [options]', '', zh ? '命令：' : 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary[lang]}`);
  lines.push('', zh ? '用 tcplens 命令 --help 查看该命令的选项；--lang zh|en 选择语言。' : 'tcplens COMMAND --help for a command\'s options; --lang en|zh for the language.');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(langOfArgv(argv, io.env)));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout('tcplens 0.1.0\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    const lang = langOfArgv(argv, io.env);
    io.stderr(`${lang === 'zh' ? `tcplens：未知命令 '${name}'` : `tcplens: unknown command '${name}'`}\n\n${usage(lang)}`);
    return 2;
  }
  try {
    const mod = await entry.load();
    return await mod.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`tcplens ${name}${langOfArgv(rest, io.env) === 'zh' ? '：' : ': '}${err.message}\n`);
      return 2;
    }
    if (isParseArgsError(err)) {
      const lang = langOfArgv(rest, io.env);
      io.stderr(`tcplens ${name}${lang === 'zh' ? '：' : ': '}${optionErrorText(err, name, rest, lang)}\n`);
      return 2;
    }
    throw err;
  }
}

// `tcplens capture DIR [--netns NAME]`: write a folder of this host's TCP data to diagnose
// elsewhere with `tcplens doctor --input DIR`. Exit 0 written, 2 bad arguments or a folder that is
// not empty.
import { parseArgs } from 'node:util';
import { t, type Text } from '../../i18n/lang.js';
import { CaptureError, writeCapture } from '../../node/capture.js';
import { SourceError } from '../../node/source-error.js';
import { pickLang, UsageError, type CliIO } from '../io.js';

const HELP: Text = {
  en: `usage: tcplens capture DIR [--netns NAME] [--lang en|zh]

Writes a new folder DIR with what tcplens reads on this host: /proc/net/tcp, tcp6, netstat, snmp,
sockstat, the TCP sysctls, and the output of ss -tanpoei, ss -s, netstat -antp and ps where those
tools exist, plus manifest.json (host, kernel, time). Copy it off the server and run
  tcplens doctor --input DIR
anywhere. Read-only on the host; refuses a DIR that is not empty. Run as root to capture the
owner process of every socket.

  --netns NAME   capture the network namespace NAME (ip netns) instead of this one;
                 --netns pid:N captures the namespace of process N (a container's)
  --lang en|zh   language of messages
`,
  zh: `用法: tcplens capture 目录 [--netns 名称] [--lang en|zh]

在新目录中写入 tcplens 在本机读取的全部数据：/proc/net/tcp、tcp6、netstat、snmp、sockstat、
TCP 相关 sysctl，以及 ss -tanpoei、ss -s、netstat -antp、ps 的输出（工具存在时），外加
manifest.json（主机、内核、时间）。把它从服务器上拷走，在任何地方运行
  tcplens doctor --input 目录
即可诊断。对主机只读；目录非空时拒绝写入。以 root 运行才能看到每个套接字所属的进程。

  --netns 名称   采集网络命名空间（ip netns）而不是当前命名空间；
                 --netns pid:N 采集进程 N 所在的命名空间（如容器）
  --lang en|zh   消息语言
`,
};

const MSG = {
  wrote: { en: 'wrote {n} files to {dir}', zh: '已写入 {n} 个文件到 {dir}' },
  skipped: { en: 'skipped {what}: {why}', zh: '跳过 {what}：{why}' },
  next: { en: 'diagnose it anywhere with: tcplens doctor --input {dir}', zh: '在任何地方诊断：tcplens doctor --input {dir}' },
  notRoot: {
    en: 'note: not root, so the owner process of other users\' sockets is missing from ss/netstat output',
    zh: '注意：非 root 运行，ss/netstat 输出中缺少其他用户套接字的所属进程',
  },
} satisfies Record<string, Text>;

/** The fixed reasons writeCapture gives; a tool's own error text stays as the tool wrote it. */
const WHY_ZH: Record<string, string> = { 'not readable': '无法读取', 'not installed': '未安装' };

function fill(s: string, vars: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      netns: { type: 'string' },
      lang: { type: 'string' },
      'proc-root': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(t(HELP, lang)); return 0; }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'DIR is missing (tcplens capture DIR)' : `one DIR only, got ${positionals.length}: ${positionals.join(' ')}`);
  const dir = positionals[0];
  try {
    const r = await writeCapture(dir, { procRoot: values['proc-root'], netns: values.netns });
    io.stdout(fill(t(MSG.wrote, lang), { n: r.files.length, dir }) + '\n');
    for (const s of r.skipped) io.stdout('  ' + fill(t(MSG.skipped, lang), { what: s.from, why: lang === 'zh' ? (WHY_ZH[s.why] ?? s.why) : s.why }) + '\n');
    if (typeof process.getuid === 'function' && process.getuid() !== 0) io.stdout(t(MSG.notRoot, lang) + '\n');
    io.stdout(fill(t(MSG.next, lang), { dir }) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof CaptureError || e instanceof SourceError) {
      io.stderr(`tcplens capture: ${t(e.text, lang)}\n`);
      return 2;
    }
    throw e;
  }
}

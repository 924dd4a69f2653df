// `tcplens serve`: the web dashboard. Starts the server of src/node/serve/ on this host, a
// namespace (--netns) or a saved capture (--input DIR), prints the URL and serves until SIGINT or
// SIGTERM. Loopback and a free port by default; any other address gets a token, printed in the URL.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Text } from '../../i18n/lang.js';
import { pickLang, UsageError, type CliIO } from '../io.js';
import { asUsage, openFlagSource } from '../snapshot-input.js';
import { ListenAddressError, parseListen } from '../../node/exporter/listen-address.js';
import { ListenError } from '../../node/exporter/server.js';
import { DashboardServer, isLoopback } from '../../node/serve/server.js';
import { findAssetDir } from '../../node/serve/static-assets.js';

const HELP: Text = {
  en: `usage: tcplens serve [--listen HOST:PORT] [--netns NAME | --input DIR] [--interval S] [--lang en|zh]

A web dashboard: this host's TCP states drawn on the RFC 9293 state diagram, live, with each
state's sockets, the doctor's findings and a box to diagnose pasted ss/netstat output; the lab's
scenarios as sequence diagrams; explain pages for every state. Read-only: it changes nothing on
the host.
  --listen HOST:PORT  where to listen (default 127.0.0.1 on a free port; :0 picks a free port).
                      Any address but loopback requires a token: one is generated and printed
                      in the URL, and requests without it get 401
  --netns NAME        show another network namespace (ip netns name, or pid:N)
  --input DIR         show a saved capture (tcplens capture) or pasted files instead of a live host
  --interval S        seconds between reads of a live host (default 2; 0.2 to 3600)
`,
  zh: `用法: tcplens serve [--listen 主机:端口] [--netns 名称 | --input 目录] [--interval 秒] [--lang en|zh]

网页仪表盘：把本机的 TCP 状态实时画在 RFC 9293 状态图上，附各状态的套接字、诊断结果，以及诊断粘贴的
ss/netstat 输出的输入框；实验场景的时序图；每个状态的讲解页。只读：不改变主机上的任何东西。
  --listen 主机:端口  监听地址（默认 127.0.0.1 的空闲端口；:0 表示任选空闲端口）。
                      非回环地址需要令牌：自动生成并打印在 URL 中，没有令牌的请求得到 401
  --netns 名称        显示另一个网络命名空间（ip netns 名称，或 pid:N）
  --input 目录        显示保存的采集（tcplens capture）或粘贴的文件，而非实时主机
  --interval 秒       读取实时主机的间隔秒数（默认 2；0.2 到 3600）
`,
};

function listenFrom(v: string | undefined): { host: string; port: number } {
  if (v === undefined) return { host: '127.0.0.1', port: 0 };
  // parseListen wants a port from 1; port 0 (any free port) is fine for a dashboard.
  const free = /:0$/.test(v.trim());
  const a = parseListen(free ? v.trim().replace(/:0$/, ':1') : v);
  return free ? { host: a.host, port: 0 } : a;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      listen: { type: 'string' }, netns: { type: 'string' }, input: { type: 'string', short: 'i' }, interval: { type: 'string' },
      lang: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  if (positionals.length > 0) throw new UsageError(lang === 'zh' ? `多余的参数 '${positionals[0]}'` : `unexpected argument '${positionals[0]}'`);
  let listen;
  try { listen = listenFrom(values.listen); } catch (e) {
    if (e instanceof ListenAddressError) throw new UsageError(e.text[lang]);
    throw e;
  }
  const iv = values.interval === undefined ? 2 : Number(values.interval);
  if (values.interval !== undefined && (values.interval.trim() === '' || !Number.isFinite(iv) || iv < 0.2 || iv > 3600)) {
    throw new UsageError(lang === 'zh' ? `--interval 需要 0.2 到 3600 之间的秒数，收到 '${values.interval}'` : `--interval needs seconds from 0.2 to 3600, got '${values.interval}'`);
  }
  if (values.input === '-') throw new UsageError(lang === 'zh' ? '--input 需要文件或目录（serve 不读标准输入）' : '--input needs a file or folder (serve does not read standard input)');
  const assetDir = findAssetDir();
  if (!assetDir) throw new UsageError(lang === 'zh' ? '找不到网页文件（dist/lib/web）：请先运行 npm run build' : 'the page bundle (dist/lib/web) is missing: run npm run build');
  const source = await openFlagSource({
    ...(values.netns !== undefined ? { netns: values.netns } : {}), ...(values.input !== undefined ? { input: values.input } : {}),
  }, io, lang);
  const token = isLoopback(listen.host) ? undefined : randomBytes(18).toString('base64url');
  const server = await asUsage(lang, async () => {
    try {
      return await DashboardServer.start({
        host: listen.host, port: listen.port, source, intervalMs: Math.round(iv * 1000), assetDir,
        ...(token ? { token } : {}), log: (line) => io.stderr(line + '\n'),
      });
    } catch (e) {
      if (e instanceof ListenError) throw new UsageError(e.text[lang]);
      throw e;
    }
  });
  io.stdout(`${server.url()}\n`);
  io.stderr(token
    ? (lang === 'zh' ? `tcplens serve 监听非回环地址：URL 中含访问令牌，请勿外传\n` : `tcplens serve is listening beyond loopback: the URL carries its access token, keep it private\n`)
    : (lang === 'zh' ? `tcplens serve：${source.origin}，Ctrl-C 停止\n` : `tcplens serve: ${source.origin}, Ctrl-C to stop\n`));
  await new Promise<void>((resolve) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

// `tcplens exporter`: serve this host's (or namespaces') TCP states to Prometheus at /metrics until
// SIGINT or SIGTERM; `--rules` and `--grafana` print the alert rules and the dashboard that go with it.
import { parseArgs } from 'node:util';
import type { Text } from '../../i18n/lang.js';
import { pickLang, UsageError, type CliIO } from '../io.js';
import { asUsage } from '../snapshot-input.js';
import { DEFAULT_HOST, DEFAULT_PORT, ListenAddressError, parseListen } from '../../node/exporter/listen-address.js';
import { Exporter, ListenError } from '../../node/exporter/server.js';
import { LABEL_SETS, type LabelSet } from '../../node/exporter/metrics.js';
import { DASHBOARD_FILE, readDeployFile, RULES_FILE } from '../../node/exporter/deploy-files.js';

const HELP: Text = {
  en: `usage: tcplens exporter [--listen HOST:PORT] [--netns NAME|all]... [--top N] [--labels port,process,destination|none] [--node-names]
                        [--findings-interval SECONDS]
       tcplens exporter --rules | --grafana

Serves Prometheus metrics at http://HOST:PORT/metrics (default ${DEFAULT_HOST}:${DEFAULT_PORT}): sockets per
state host-wide, per listening port and per process, ephemeral ports used per destination against
ip_local_port_range, accept queues, the kernel counters behind the states, and tcplens doctor's findings.
  --listen HOST:PORT  where to listen ([::1]:PORT for IPv6, :PORT for every address)
  --netns NAME        read this network namespace instead of the exporter's own (repeatable, label netns);
                      --netns all reads every namespace 'ip netns' names, listed again at each scrape
  --top N             keep the N ports, processes and destinations with most sockets (default 20), the rest
                      as "other" (tcplens_folded_groups says how many were folded)
  --labels L          which breakdowns to export: port, process, destination, comma-separated (default all);
                      none for host-wide series only
  --node-names        node_exporter's names (node_tcp_connection_states, node_netstat_*, node_sockstat_*) for
                      the signals it also has, instead of the tcplens_ prefix
  --findings-interval S  evaluate the doctor's findings at most every S seconds (default 60; 0 = every
                      scrape); they need every socket as a record, the counts do not and are fresh at
                      every scrape (tcplens_findings_age_seconds says how old the findings are)
  --rules             print the Prometheus alert rules (${RULES_FILE}) and exit
  --grafana           print the Grafana dashboard (${DASHBOARD_FILE}) and exit
`,
  zh: `用法: tcplens exporter [--listen 主机:端口] [--netns 名称|all]... [--top N] [--labels port,process,destination|none] [--node-names]
                        [--findings-interval 秒]
      tcplens exporter --rules | --grafana

在 http://主机:端口/metrics（默认 ${DEFAULT_HOST}:${DEFAULT_PORT}）提供 Prometheus 指标：全机、按监听端口、按进程的
各状态套接字数，按目的地统计的临时端口占用（对照 ip_local_port_range），accept 队列，与状态相关的内核计数器，
以及 tcplens doctor 的发现。
  --listen 主机:端口  监听地址（IPv6 用 [::1]:端口，:端口 表示所有地址）
  --netns 名称        读取该网络命名空间而非 exporter 自己的（可重复，标签 netns）；
                      --netns all 读取 'ip netns' 列出的所有命名空间，每次抓取时重新列出
  --top N             保留套接字最多的 N 个端口、进程与目的地（默认 20），其余归入 "other"
                      （tcplens_folded_groups 给出归并了多少）
  --labels L          导出哪些细分：port、process、destination，逗号分隔（默认全部）；none 只导出全机指标
  --node-names        对 node_exporter 也有的指标使用它的名称（node_tcp_connection_states、node_netstat_*、
                      node_sockstat_*），而非 tcplens_ 前缀
  --findings-interval 秒  最多每隔这么多秒重新评估一次 doctor 的发现（默认 60；0 表示每次抓取）；发现需要把
                      每个套接字建成记录，计数不需要，每次抓取都是最新的（tcplens_findings_age_seconds 给出发现的时效）
  --rules             打印 Prometheus 告警规则（${RULES_FILE}）后退出
  --grafana           打印 Grafana 仪表盘（${DASHBOARD_FILE}）后退出
`,
};

function parseLabels(v: string | undefined, lang: 'en' | 'zh'): Set<LabelSet> {
  if (v === undefined) return new Set(LABEL_SETS);
  const words = v.split(',').map((w) => w.trim()).filter(Boolean);
  if (words.length === 1 && words[0] === 'none') return new Set();
  const out = new Set<LabelSet>();
  for (const w of words) {
    if (!(LABEL_SETS as readonly string[]).includes(w)) {
      throw new UsageError(lang === 'zh' ? `--labels：'${w}' 不是 port、process、destination 或 none` : `--labels: '${w}' is not port, process, destination or none`);
    }
    out.add(w as LabelSet);
  }
  if (out.size === 0) throw new UsageError(lang === 'zh' ? '--labels 需要 port、process、destination 或 none' : '--labels needs port, process, destination or none');
  return out;
}

function parseTop(v: string | undefined, lang: 'en' | 'zh'): number {
  if (v === undefined) return 20;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 10_000) throw new UsageError(lang === 'zh' ? `--top 需要 0 到 10000 之间的整数，收到 '${v}'` : `--top needs a whole number from 0 to 10000, got '${v}'`);
  return n;
}

function parseFindingsInterval(v: string | undefined, lang: 'en' | 'zh'): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 86_400) {
    throw new UsageError(lang === 'zh' ? `--findings-interval 需要 0 到 86400 之间的整数秒，收到 '${v}'` : `--findings-interval needs whole seconds from 0 to 86400, got '${v}'`);
  }
  return n * 1000;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      listen: { type: 'string' }, netns: { type: 'string', multiple: true }, top: { type: 'string' }, labels: { type: 'string' },
      'node-names': { type: 'boolean' }, 'findings-interval': { type: 'string' }, rules: { type: 'boolean' }, grafana: { type: 'boolean' },
      lang: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  if (positionals.length > 0) throw new UsageError(lang === 'zh' ? `多余的参数 '${positionals[0]}'` : `unexpected argument '${positionals[0]}'`);
  if (values.rules) { io.stdout(readDeployFile(RULES_FILE)); return 0; }
  if (values.grafana) { io.stdout(readDeployFile(DASHBOARD_FILE)); return 0; }
  let listen;
  try {
    listen = values.listen === undefined ? { host: DEFAULT_HOST, port: DEFAULT_PORT } : parseListen(values.listen);
  } catch (err) {
    if (err instanceof ListenAddressError) throw new UsageError(err.text[lang]);
    throw err;
  }
  const names = values.netns ?? [];
  if (names.includes('all') && names.length > 1) throw new UsageError(lang === 'zh' ? '--netns all 不能与其他 --netns 同时使用' : '--netns all cannot be combined with other --netns');
  const findingsEveryMs = parseFindingsInterval(values['findings-interval'], lang);
  const exporter = await asUsage(lang, async () => {
    try {
      return await Exporter.start({
        listen, netns: names.includes('all') ? 'all' : names, top: parseTop(values.top, lang), labels: parseLabels(values.labels, lang),
        nodeNames: values['node-names'] === true, ...(findingsEveryMs !== undefined ? { findingsEveryMs } : {}), log: (line) => io.stderr(line + '\n'),
      });
    } catch (err) {
      if (err instanceof ListenError) throw new UsageError(err.text[lang]);
      throw err;
    }
  });
  const a = exporter.address();
  const shown = a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
  io.stderr(lang === 'zh' ? `tcplens exporter 正在 http://${shown}/metrics 上提供指标\n` : `tcplens exporter serving http://${shown}/metrics\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await exporter.close();
  return 0;
}

// `tcplens sim SCENARIO`: run a lab scenario and print it — a sequence diagram for an exchange, a
// per-second table for a load run, or the ScenarioResult as JSON. Exit 0 when every fact the
// conclusion rests on held in the run, 1 when one did not, 2 for bad input.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { t, type Lang } from '../../i18n/lang.js';
import { PROFILES, type ProfileName } from '../../stack/profiles.js';
import { configFrom, paramsFrom, ScenarioInputError } from '../../sim/exchange-kit.js';
import { simSettingRefusal } from '../sim-checks.js';
import { exchangePcapng } from '../../sim/pcap-export.js';
import { renderExchange } from '../../sim/render-exchange.js';
import { renderMermaid } from '../../sim/render-mermaid.js';
import { renderSvg } from '../../sim/render-svg.js';
import { renderLoad } from '../../sim/render-load.js';
import type { Scenario, ScenarioResult, WirePacket } from '../../sim/scenario.js';
import { allScenarios, findScenario } from '../../sim/scenarios.js';
import { pickLang, UsageError, type CliIO } from '../io.js';

const HELP: Record<'en' | 'zh', string> = {
  en: `usage: tcplens sim SCENARIO [options]
       tcplens sim --list

Run a scenario in the lab: simulated Linux hosts on a virtual clock — A = client 10.0.0.1 and
B = server 10.0.0.2, or a scenario's own (clients, a load balancer, servers, with a NAT or a
firewall on the path) — drawn as a sequence diagram, one column per host, with each host's state
after every segment.

options:
  --list               list the scenarios (name, kind, summary; with --json as data)
  --set NAME=VALUE     a tunable, short or sysctl name (repeatable): --set tcp_fin_timeout=30,
                       --set net.ipv4.tcp_keepalive_time=600
  --param NAME=VALUE   a scenario parameter (repeatable; --list shows them); every exchange
                       also takes delay=MS (one-way, default 50), loss=P (random loss 0..1)
                       and drop=RULES: A:3 (A's third segment), B:FIN (every FIN from B),
                       A:SYN*2 (A's first two SYNs)
  --profile P          linux (default), bsd or windows
  --seed N             seed for ISNs, ports and random loss (default 1)
  --absolute           raw sequence numbers (default: relative to each side's ISN)
  --json               the result as JSON
  --format F           text (default), svg (an SVG sequence diagram) or mermaid (a Mermaid
                       sequenceDiagram), for exchange scenarios
  --pcap FILE          also write the exchange as a pcapng capture (one interface per host, each
                       packet commented with every host's state) for Wireshark or tshark
  --lang en|zh         language of notes and conclusions

exit status: 0 the run confirmed the conclusion, 1 it did not, 2 bad input
`,
  zh: `用法：tcplens sim 场景 [选项]
       tcplens sim --list

在实验室里运行一个场景：模拟的 Linux 主机运行在虚拟时钟上——A = 客户端 10.0.0.1、B = 服务端
10.0.0.2，或场景自己的主机（客户端、负载均衡器、服务器，路径上可以有 NAT 或防火墙）——画成时序图，
每台主机一列，每个报文之后标出每台主机的状态。

选项：
  --list               列出场景（名称、类型、摘要；加 --json 输出为数据）
  --set 名称=值        一个可调参数，短名或 sysctl 名（可重复）：--set tcp_fin_timeout=30、
                       --set net.ipv4.tcp_keepalive_time=600
  --param 名称=值      场景参数（可重复；--list 列出）；每个交互场景还接受 delay=毫秒（单向，
                       默认 50）、loss=P（随机丢包率 0..1）和 drop=规则：A:3（A 的第三个报文）、
                       B:FIN（B 的每个 FIN）、A:SYN*2（A 的前两个 SYN）
  --profile P          linux（默认）、bsd 或 windows
  --seed N             ISN、端口和随机丢包的种子（默认 1）
  --absolute           原始序号（默认：相对于各自的 ISN）
  --json               以 JSON 输出结果
  --format F           text（默认）、svg（SVG 时序图）或 mermaid（Mermaid 的 sequenceDiagram），
                       用于交互场景
  --pcap 文件          同时把交互写成 pcapng 抓包文件（每台主机一个接口，每个报文附注每台主机的状态），
                       可用 Wireshark 或 tshark 打开
  --lang en|zh         说明与结论的语言

退出码：0 运行证实了结论，1 没有证实，2 输入错误
`,
};

function pairs(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} wants NAME=VALUE, got '${item}'`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}

function listText(lang: Lang): string {
  const all = allScenarios();
  const w = Math.max(...all.map((s) => s.name.length));
  const lines = all.map((s) => {
    const ps = s.params.filter((p) => !['delay', 'loss', 'drop'].includes(p.name)).map((p) => `${p.name}=${p.default}`).join(' ');
    const kind = lang === 'zh' ? (s.kind === 'load' ? '负载    ' : '交互    ') : s.kind.padEnd(8);
    return `  ${s.name.padEnd(w)}  ${kind}  ${t(s.summary, lang)}${ps ? `  [--param ${ps}]` : ''}`;
  });
  return lines.join('\n') + '\n';
}

function failed(r: ScenarioResult): boolean {
  return r.kind === 'exchange' && (r.checks ?? []).some((c) => !c.ok);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      list: { type: 'boolean' },
      set: { type: 'string', multiple: true },
      param: { type: 'string', multiple: true },
      profile: { type: 'string' },
      seed: { type: 'string' },
      absolute: { type: 'boolean' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      pcap: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) {
    io.stdout(HELP[lang]);
    return 0;
  }
  if (values.list) {
    if (values.json) {
      const list = allScenarios().map((s) => ({ name: s.name, kind: s.kind, summary: s.summary, params: s.params }));
      io.stdout(JSON.stringify(list, null, 2) + '\n');
    } else io.stdout(listText(lang));
    return 0;
  }
  if (positionals.length !== 1) {
    const zh = lang === 'zh';
    const why = positionals.length === 0 ? (zh ? 'tcplens sim：请指定一个场景' : 'tcplens sim: name a scenario') : (zh ? 'tcplens sim：一次只能运行一个场景' : 'tcplens sim: one scenario at a time');
    io.stderr(`${why}\n\n${HELP[lang]}\n${zh ? '场景：' : 'scenarios:'}\n${listText(lang)}`);
    return 2;
  }
  const scenario: Scenario | undefined = findScenario(positionals[0]);
  if (!scenario) {
    io.stderr(lang === 'zh' ? `tcplens sim：未知场景 '${positionals[0]}'\n\n场景：\n${listText(lang)}` : `tcplens sim: unknown scenario '${positionals[0]}'\n\nscenarios:\n${listText(lang)}`);
    return 2;
  }
  const profile = (values.profile ?? 'linux') as ProfileName;
  if (!PROFILES.includes(profile)) throw new UsageError(`--profile must be one of ${PROFILES.join(', ')}, got '${values.profile}'`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed wants a whole number from 0 to 4294967295, got '${values.seed}'`);
  const settings = pairs(values.set, '--set');
  const params = pairs(values.param, '--param');
  for (const [name, value] of Object.entries(settings)) {
    const refusal = simSettingRefusal(name, value, lang);
    if (refusal) throw new UsageError(refusal);
  }

  const format = values.format ?? 'text';
  if (!['text', 'svg', 'mermaid'].includes(format)) throw new UsageError(`--format must be text, svg or mermaid, got '${format}'`);
  if (format !== 'text' && scenario.kind !== 'exchange') throw new UsageError(`--format ${format} draws an exchange scenario; '${scenario.name}' is a load scenario`);
  if (values.pcap !== undefined && scenario.kind !== 'exchange') throw new UsageError(`--pcap writes the segments of an exchange scenario; '${scenario.name}' is a load scenario`);
  const wire: WirePacket[] = [];
  const onWire = values.pcap === undefined ? undefined : (p: WirePacket): void => { wire.push(p); };
  let result: ScenarioResult;
  try {
    // Check the input before running, so a load scenario reports a bad --set the same way.
    configFrom({ settings, profile });
    paramsFrom(scenario.params, params, scenario.name);
    result = scenario.run({ settings, params, seed, profile, onWire });
  } catch (err) {
    if (err instanceof ScenarioInputError) {
      io.stderr(`tcplens sim: ${err.message}\n`);
      return 2;
    }
    io.stderr(`tcplens sim: scenario '${scenario.name}' failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (values.pcap !== undefined && result.kind === 'exchange') {
    try {
      writeFileSync(values.pcap, exchangePcapng(wire, result.hosts));
    } catch (err) {
      io.stderr(`tcplens sim: cannot write ${values.pcap}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 2;
    }
    const two = result.hosts.length === 2;
    io.stderr(lang === 'zh' ? `已将 ${wire.length} 个报文写入 ${values.pcap}（pcapng，每台主机一个接口，注释中是${two ? '两端' : '每台主机'}的状态）\n`
      : `wrote ${wire.length} packets to ${values.pcap} (pcapng, one interface per host, ${two ? 'both ends\'' : 'each host\'s'} states in each packet's comment)\n`);
  }
  if (values.json) {
    io.stdout(JSON.stringify(result, null, 2) + '\n');
  } else if (result.kind === 'exchange' && format !== 'text') {
    const o = { lang, absolute: values.absolute ?? false };
    io.stdout(format === 'svg' ? renderSvg(result, o) : renderMermaid(result, o));
  } else if (result.kind === 'exchange') {
    io.stdout(`${result.scenario}: ${t(scenario.summary, lang)}\n\n`);
    io.stdout(renderExchange(result, { lang, absolute: values.absolute ?? false }));
  } else {
    io.stdout(renderLoad(result, lang));
  }
  return failed(result) ? 1 : 0;
}

// The lab behind `tcplens serve`'s Lab view: the same scenarios, tunables and checks as `tcplens
// sim`, run on the server (virtual time: a run takes milliseconds and touches nothing on the host).
// Query values are checked exactly as `sim --set/--param/--seed/--profile` checks them; a bad one is
// a 400 with the same message the CLI prints.
import type { Text } from '../../i18n/lang.js';
import { TUNABLES } from '../../core/config.js';
import { PROFILES, type ProfileName } from '../../stack/profiles.js';
import { configFrom, paramsFrom, ScenarioInputError } from '../../sim/exchange-kit.js';
import { exchangePcapng } from '../../sim/pcap-export.js';
import type { ExchangeResult, WirePacket } from '../../sim/scenario.js';
import { EXCHANGE_SCENARIOS, NETWORK_SCENARIOS, findScenario } from '../../sim/scenarios.js';
import type { ScenarioList } from '../../web/messages.js';

export class LabInputError extends Error {
  constructor(readonly text: Text) { super(text.en); }
}

export function scenarioList(): ScenarioList {
  return {
    // Two-host exchanges, then those with a NAT, a balancer, a firewall or several hosts.
    scenarios: [...EXCHANGE_SCENARIOS, ...NETWORK_SCENARIOS].map((s) => ({ name: s.name, summary: s.summary, params: s.params })),
    tunables: Object.entries(TUNABLES).map(([name, v]) => ({ name, default: String(v.default), doc: v.doc })),
  };
}

const bad = (en: string, zh: string): never => { throw new LabInputError({ en, zh }); };

function pairs(values: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0 || v.length > 200) bad(`${flag}: '${v.slice(0, 60)}' is not name=value`, `${flag}：'${v.slice(0, 60)}' 不是 名称=值`);
    out[v.slice(0, i).trim()] = v.slice(i + 1).trim();
  }
  return out;
}

/** Runs the scenario a lab query names; the packets on the wire too when `wire` is given. */
export function runLab(q: URLSearchParams, wire?: WirePacket[]): ExchangeResult {
  const name = q.get('scenario') ?? '';
  const scenario = findScenario(name);
  if (!scenario) bad(`unknown scenario '${name.slice(0, 60)}'`, `未知场景 '${name.slice(0, 60)}'`);
  if (scenario!.kind !== 'exchange') bad(`'${name}' is a load scenario: run it with tcplens sim`, `'${name}' 是负载场景：请用 tcplens sim 运行`);
  const profile = (q.get('profile') ?? 'linux') as ProfileName;
  if (!PROFILES.includes(profile)) bad(`profile must be one of ${PROFILES.join(', ')}`, `profile 必须是 ${PROFILES.join('、')} 之一`);
  const seedText = q.get('seed') ?? '1';
  const seed = Number(seedText);
  if (!/^\d{1,10}$/.test(seedText) || seed > 0xffffffff) bad(`seed wants a whole number from 0 to 4294967295, got '${seedText.slice(0, 20)}'`, `seed 需要 0 到 4294967295 之间的整数，收到 '${seedText.slice(0, 20)}'`);
  const settings = pairs(q.getAll('set'), 'set');
  const params = pairs(q.getAll('param'), 'param');
  try {
    configFrom({ settings, profile });
    paramsFrom(scenario!.params, params, scenario!.name);
    const r = scenario!.run({ settings, params, seed, profile, ...(wire ? { onWire: (p: WirePacket) => { wire.push(p); } } : {}) });
    if (r.kind !== 'exchange') bad('not an exchange', '不是交互场景');
    return r as ExchangeResult;
  } catch (err) {
    if (err instanceof ScenarioInputError) bad(err.message, err.message);
    throw err;
  }
}

/** The run as a pcapng capture (what `sim --pcap` writes). */
export function labPcap(q: URLSearchParams): { name: string; bytes: Uint8Array } {
  const wire: WirePacket[] = [];
  const r = runLab(q, wire);
  return { name: r.scenario, bytes: exchangePcapng(wire, r.hosts) };
}

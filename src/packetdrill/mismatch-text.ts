// The first mismatch of a run, as data, and how it reads in English and Chinese. The runner
// builds a `MismatchDetail`; the CLI renders it in the user's language; JSON carries both.
import type { Lang } from '../i18n/lang.js';

export type MismatchDetail =
  /** An outbound segment differs from the script line (`field` names the first difference). */
  | { kind: 'segment'; expected: string; got: string; atUs: number; field: string }
  | { kind: 'early' | 'late'; got: string; atUs: number; fromUs: number; toUs: number; tolUs: number }
  /** No segment when the script expects one; `fromUs` undefined for a `*` line. */
  | { kind: 'missing'; expected: string; fromUs?: number; toUs?: number; byUs: number; lookaheadS: number }
  /** A call returned something else (`what` names an output such as SO_SNDBUF, else the return value). */
  | { kind: 'result'; call: string; what?: string; got: string; want: string }
  | { kind: 'call-time'; call: string; atUs: number; endUs: number; tolUs: number }
  | { kind: 'still-blocked'; call: string; atUs: number; endUs: number; tolUs: number; endOfScript: boolean }
  | { kind: 'unsupported'; what: string }
  | { kind: 'engine'; error: string }
  | { kind: 'livelock'; what: 'timers' | 'transmit'; atUs: number }
  /** A `%{ assert ... }%` was false (`message` is its message as Python prints it). */
  | { kind: 'assertion'; statement: string; message: string }
  /** Python would raise here (NameError, ZeroDivisionError, ...). */
  | { kind: 'python-error'; error: string }
  /** An `nstat` counter check that did not hold. */
  | { kind: 'counter'; name: string; got: number; want?: number }
  /** An assertion or counter check the runner cannot evaluate; the script does not pass. */
  | { kind: 'unevaluated'; what: string };

const s = (us: number): string => `${(us / 1e6).toFixed(3)}s`;
const window = (from: number, to: number): string => (from === to ? s(from) : `${s(from)}~${s(to)}`);

export function mismatchText(d: MismatchDetail, lang: Lang): string {
  const zh = lang === 'zh';
  switch (d.kind) {
    case 'segment':
      return zh
        ? `期望 "${d.expected}"，实际 "${d.got}"，时间 ${s(d.atUs)}（${d.field} 不同）`
        : `expected "${d.expected}" got "${d.got}" at ${s(d.atUs)} (${d.field} differs)`;
    case 'early':
      return zh
        ? `报文过早："${d.got}" 在 ${s(d.atUs)}，期望在 ${window(d.fromUs, d.toUs)}（±${s(d.tolUs)}）`
        : `segment too early: "${d.got}" at ${s(d.atUs)}, expected at ${window(d.fromUs, d.toUs)} (±${s(d.tolUs)})`;
    case 'late':
      return zh
        ? `报文过晚："${d.got}" 在 ${s(d.atUs)}，期望在 ${window(d.fromUs, d.toUs)}（±${s(d.tolUs)}）`
        : `segment too late: "${d.got}" at ${s(d.atUs)}, expected at ${window(d.fromUs, d.toUs)} (±${s(d.tolUs)})`;
    case 'missing':
      if (d.fromUs === undefined) {
        return zh ? `期望 "${d.expected}"，引擎没有发送任何报文（等到 ${s(d.byUs)}）` : `expected "${d.expected}", the engine sent nothing (waited until ${s(d.byUs)})`;
      }
      return zh
        ? `期望 "${d.expected}" 在 ${window(d.fromUs, d.toUs ?? d.fromUs)}，引擎到 ${s(d.byUs)} 为止（及其后 ${d.lookaheadS} 秒内）没有发送任何报文`
        : `expected "${d.expected}" at ${window(d.fromUs, d.toUs ?? d.fromUs)}, the engine sent nothing by ${s(d.byUs)} (nor in the ${d.lookaheadS} s after)`;
    case 'result':
      if (d.what) return zh ? `${d.call} 的 ${d.what} = ${d.got}，期望 ${d.want}` : `${d.call} ${d.what} = ${d.got}, expected ${d.want}`;
      return zh ? `${d.call} 返回 ${d.got}，期望 ${d.want}` : `${d.call} returned ${d.got}, expected ${d.want}`;
    case 'call-time':
      return zh
        ? `${d.call} 在 ${s(d.atUs)} 返回，期望在 ${s(d.endUs)}（±${s(d.tolUs)}）`
        : `${d.call} returned at ${s(d.atUs)}, expected at ${s(d.endUs)} (±${s(d.tolUs)})`;
    case 'still-blocked':
      return zh
        ? `${d.call} 到 ${s(d.atUs)} 仍在阻塞，期望在 ${s(d.endUs)}（±${s(d.tolUs)}）返回${d.endOfScript ? '（脚本结束）' : ''}`
        : `${d.call} still blocked at ${s(d.atUs)}, expected to return at ${s(d.endUs)} (±${s(d.tolUs)})${d.endOfScript ? ' (end of script)' : ''}`;
    case 'unsupported':
      return zh ? `不支持：${d.what}` : `not supported: ${d.what}`;
    case 'engine':
      return zh ? `引擎抛出异常：${d.error}` : `engine threw: ${d.error}`;
    case 'assertion':
      return zh ? `断言失败：${d.statement}${d.message ? `（${d.message}）` : ''}` : `assertion failed: ${d.statement}${d.message ? ` (${d.message})` : ''}`;
    case 'python-error':
      return zh ? `python 出错：${d.error}` : `python error: ${d.error}`;
    case 'counter':
      return d.want === undefined
        ? (zh ? `计数器 ${d.name} 没有增加` : `counter ${d.name} did not grow`)
        : (zh ? `计数器 ${d.name} 增加了 ${d.got}，期望 ${d.want}` : `counter ${d.name} grew by ${d.got}, expected ${d.want}`);
    case 'unevaluated':
      return zh ? `无法求值，脚本不算通过：${d.what}` : `not evaluated, so the script does not pass: ${d.what}`;
    case 'livelock':
      return d.what === 'timers'
        ? (zh ? `引擎定时器在 ${s(d.atUs)} 之前没有停下来（超过一百万次到期）` : `the engine's timers did not settle (more than a million expiries before ${s(d.atUs)})`)
        : (zh ? '引擎不停地发送报文' : 'the engine kept transmitting without end');
  }
}

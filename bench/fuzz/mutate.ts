// The damage real pastes suffer, and worse, as seeded mutations of a real sample: a terminal that
// flips bytes, a copy cut short anywhere, lines sorted or pasted twice, numbers no tool prints,
// text in other scripts, NULs from UTF-16, one endless line, a listing of 10^5 rows.
import type { Rng } from '../../src/core/random.js';

export type MutationKind =
  | 'flip' | 'truncate' | 'shuffle' | 'duplicate' | 'double' | 'numbers' | 'unicode' | 'nul'
  | 'utf16' | 'crlf' | 'long-line' | 'many-lines' | 'splice' | 'garbage' | 'stack';

/** How often each kind is drawn (the expensive ones rarely: a 10^5-row paste is megabytes). */
export const WEIGHTS: ReadonlyArray<[MutationKind, number]> = [
  ['flip', 14], ['truncate', 14], ['shuffle', 8], ['duplicate', 8], ['double', 3], ['numbers', 14],
  ['unicode', 8], ['nul', 5], ['utf16', 2], ['crlf', 3], ['long-line', 3], ['many-lines', 0.02],
  ['splice', 5], ['garbage', 4], ['stack', 8],
];
const TOTAL = WEIGHTS.reduce((a, [, w]) => a + w, 0);

export function pickKind(rng: Rng): MutationKind {
  let x = rng.float() * TOTAL;
  for (const [k, w] of WEIGHTS) { x -= w; if (x < 0) return k; }
  return 'flip';
}

const NUMBERS = [
  '-1', '-0', '0', '-65536', '65536', '4294967296', '18446744073709551616', '99999999999999999999999',
  '1e+21', '1e400', 'Infinity', '-Infinity', 'NaN', '0x1f', '1.5', '.5', '00000000000000000001', '1_000',
];
const UNICODE = [
  '\u00e9', '\u00d6', '\u0099', '\u2026', '\u4e2d\u6587', '\u76d1\u542c', '\ud83d\ude00', '\u0301', '\u200b', '\u202e',
  '\ufeff', '\ufffd', '\u00a0', '\u3000', '\u0430', '\ud800', '\u2028', '\u0085', '\u00ff\u00fe',
];
const GARBAGE = ['', '\u0000\u0001', '((((', '[]', '{', '[{', 'tcp', 'TCP    :', 'users:((', 'timer:(on,', '"', '---', '===', ':', '.', '*.*', '0/0/128'];
const LONG_UNITS = [' ', '\t', 'a', ':', '.', '0', 'tcp4 ', ' 0 ', '[', '{"a":', '"', '*.', '1.', '-', '=', 'users:((', ', ', 'TCP '];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.below(xs.length)];

function lines(text: string): string[] { return text.split('\n'); }

/** One mutation of `text`; `other` is a second sample (for splicing formats together). */
export function mutate(kind: MutationKind, text: string, other: string, rng: Rng, cursor: number): string {
  switch (kind) {
    case 'flip': {
      const chars = text.split('');
      const n = 1 + rng.below(8);
      for (let i = 0; i < n && chars.length; i++) {
        const at = rng.below(chars.length);
        chars[at] = rng.below(2) ? String.fromCharCode(chars[at].charCodeAt(0) ^ (1 << rng.below(8))) : String.fromCharCode(rng.below(256));
      }
      return chars.join('');
    }
    // Walks every cut position of a sample in turn, then starts over.
    case 'truncate': return text.slice(0, cursor % (text.length + 1));
    case 'shuffle': {
      const ls = lines(text);
      for (let i = ls.length - 1; i > 0; i--) { const j = rng.below(i + 1); [ls[i], ls[j]] = [ls[j], ls[i]]; }
      return ls.join('\n');
    }
    case 'duplicate': {
      const ls = lines(text);
      const out: string[] = [];
      for (const l of ls) { out.push(l); if (rng.below(4) === 0) out.push(l); }
      return out.join('\n');
    }
    case 'double': return text + (text.endsWith('\n') ? '' : '\n') + text;
    case 'numbers': {
      let k = 0; const every = 1 + rng.below(6);
      return text.replace(/\d+/g, (d) => (k++ % every === 0 ? pick(rng, NUMBERS) : d));
    }
    case 'unicode': {
      const chars = text.split('');
      const n = 1 + rng.below(10);
      for (let i = 0; i < n; i++) chars.splice(rng.below(chars.length + 1), 0, pick(rng, UNICODE));
      return chars.join('');
    }
    case 'nul': {
      const chars = text.split('');
      const n = 1 + rng.below(20);
      for (let i = 0; i < n; i++) chars.splice(rng.below(chars.length + 1), 0, '\u0000');
      return chars.join('');
    }
    // Windows PowerShell's `>` writes UTF-16LE: read as UTF-8 or Latin-1, a NUL follows every character.
    case 'utf16': return (rng.below(2) ? '\u00ff\u00fe' : '') + text.split('').map((c) => c + '\u0000').join('');
    case 'crlf': return rng.below(2) ? text.replace(/\n/g, '\r\n') : text.replace(/\n/g, '\r');
    case 'long-line': {
      const unit = pick(rng, LONG_UNITS);
      const size = rng.below(10) === 0 ? 200_000 : 5_000 + rng.below(15_000);
      const line = unit.repeat(Math.ceil(size / unit.length));
      const ls = lines(text);
      ls.splice(rng.below(ls.length + 1), 0, rng.below(2) ? line : (ls[rng.below(ls.length)] ?? '') + line);
      return ls.join('\n');
    }
    case 'many-lines': {
      const ls = lines(text).filter((l) => l.trim() !== '');
      const rows = ls.slice(Math.min(2, ls.length - 1));
      const out = ls.slice(0, Math.min(2, ls.length - 1));
      for (let i = 0; out.length < 100_000 && rows.length; i++) out.push(rows[i % rows.length]);
      return out.join('\n') + '\n';
    }
    case 'splice': {
      const a = lines(text); const b = lines(other);
      const at = rng.below(a.length + 1);
      return [...a.slice(0, at), ...b.slice(rng.below(b.length)), ...a.slice(at)].join('\n');
    }
    case 'garbage': {
      const ls = lines(text);
      const n = 1 + rng.below(4);
      for (let i = 0; i < n; i++) ls.splice(rng.below(ls.length + 1), 0, pick(rng, GARBAGE));
      return ls.join('\n');
    }
    case 'stack': {
      // Two or three mutations at once.
      let t = text;
      const n = 2 + rng.below(2);
      for (let i = 0; i < n; i++) {
        const k = pickKind(rng);
        if (k !== 'stack' && k !== 'many-lines' && k !== 'long-line' && k !== 'double') t = mutate(k, t, other, rng, rng.u32());
      }
      return t;
    }
  }
}

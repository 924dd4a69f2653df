// `manifest.json` of a `tcplens capture` folder (src/node/capture.ts): the host name and the moment
// the folder was taken. It holds no sockets; the other files of the folder do.
import type { FormatParser, ParsedPart } from './types.js';
import { note } from './text.js';
import { msg } from './messages.js';
import { jsonDepth } from './json-depth.js';

/** `tcplens capture` writes three levels (its files list); far deeper is no manifest of ours. */
const MAX_MANIFEST_DEPTH = 32;

export function parseManifest(file: string, text: string): ParsedPart {
  const part: ParsedPart = { format: 'tcplens-manifest', source: { kind: 'folder', origin: file, format: 'tcplens-manifest' }, problems: [] };
  if (jsonDepth(text) > MAX_MANIFEST_DEPTH) {
    part.problems.push(note(file, 1, msg.manifestJson(`nested deeper than ${MAX_MANIFEST_DEPTH} levels, which tcplens capture never writes`)));
    return part;
  }
  let m: unknown;
  try { m = JSON.parse(text); } catch (e) {
    part.problems.push(note(file, 1, msg.manifestJson((e as Error).message)));
    return part;
  }
  const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
  if (typeof o.host === 'string' && o.host) part.hostname = o.host;
  if (typeof o.takenAt === 'string') {
    const ms = Date.parse(o.takenAt);
    if (Number.isFinite(ms)) part.takenAt = ms;
    else part.problems.push(note(file, 1, msg.manifestDate(o.takenAt)));
  }
  if (typeof o.kernel === 'string' && /^\d+\.\d+/.test(o.kernel)) part.source.os = 'linux';
  return part;
}

export const manifestParser: FormatParser = {
  id: 'tcplens-manifest',
  description: 'manifest.json written by tcplens capture (host name, time taken)',
  example: 'tcplens capture (manifest.json)',
  sniff(lines) {
    const head = lines.slice(0, 5).join('\n');
    return /^\s*\{/.test(head) && /"tool"\s*:\s*"tcplens capture"/.test(head) ? 0.99 : 0;
  },
  parse: parseManifest,
};

// The doctor's offline sources: pasted ss / netstat / lsof / PowerShell / /proc text -> HostSnapshot.
// Pure code (no I/O): the CLI reads files, stdin or folders and hands their text here.
//
//   parseAny(name, text)            -> one file's part, or { ok: false, message } (exit 2)
//   detectFormat(text)              -> which format, by content, with a confidence
//   snapshotFromText(name, text)    -> HostSnapshot (throws UnknownFormatError, exitCode 2)
//   snapshotFromTexts(files, now)   -> HostSnapshot of a folder of mixed outputs from one host
//   new PasteReader(name)           -> the same for a text of any size pushed piece by piece (stream.ts)
//   parseProcNetTcp(bytes|text)     -> the /proc/net/tcp[6] records, the live reader's parser too
export { parseAny, detectFormat, PARSERS, unknownFormatMessage, type Detection, type UnknownFormat } from './detect.js';
export { snapshotFromText, snapshotFromTexts, snapshotFromParts, countStates, UnknownFormatError } from './merge.js';
export type { FormatId, ParsedPart, FormatParser, ParseOptions } from './types.js';
export { parseServicesFile, servicePort, type ServiceTable } from './services.js';
export { PasteReader, PasteTooLargeError, type Tally } from './stream.js';
export { notTextReason, NOT_TEXT_PREFIX } from './binary.js';
export { parseProcNetTcp, countProcNetTcpStates, USER_HZ, type ProcNetTcpOptions, type ProcNetTcpResult } from './proc-net-tcp.js';
import { PARSERS } from './detect.js';

/** Every format recognised, with a description and the command that produces it. */
export const FORMATS: ReadonlyArray<{ id: string; description: string; example: string }> =
  PARSERS.map((p) => ({ id: p.id, description: p.description, example: p.example }));

// What every parser returns: the part of a HostSnapshot its format can know, plus the lines it could
// not read. merge.ts folds several parts (one per pasted file) into one HostSnapshot.
import type {
  HostSnapshot, ParseProblem, ProcessInfo, ProcessRef, SnapshotSource, SocketRecord,
} from '../model/snapshot.js';
import type { ServiceTable } from './services.js';

/** What a parser may be told beyond the text; all optional. */
export interface ParseOptions {
  /** The reading host's /etc/services (services.ts `parseServicesFile`), over the built-in table. */
  services?: ServiceTable;
}

/** Who holds a 4-tuple, from a source that names owners but not states (FreeBSD sockstat without -s). */
export interface SocketOwner {
  localAddress: string; localPort: number; remoteAddress: string; remotePort: number;
  processes: ProcessRef[];
  /** Where it was read, to report owners no socket listing shows. */
  file: string;
  line: number;
}

/** Every format the offline reader recognises (by content, never by file name). */
export type FormatId =
  | 'ss' | 'ss-summary'
  | 'netstat-linux' | 'netstat-windows' | 'netstat-bsd' | 'netstat-s'
  | 'lsof' | 'powershell'
  | 'proc-net-tcp' | 'proc-net-counters' | 'nstat' | 'sockstat'
  | 'sysctl' | 'ps' | 'tasklist' | 'tcplens-manifest' | 'sockstat-bsd';

export interface ParsedPart {
  format: FormatId;
  source: SnapshotSource;
  sockets?: SocketRecord[];
  /** Owners to attach to the sockets other sources list (joined by 4-tuple in merge.ts). */
  owners?: SocketOwner[];
  /** True when the format names the process owning each socket (ss -p, netstat -p, lsof, netstat -o). */
  hasProcesses?: boolean;
  /** True when the tool itself said it could not see every process (netstat's "Not all processes ..."). */
  attributionPartial?: boolean;
  sysctls?: Record<string, string>;
  counters?: Record<string, number>;
  sockstat?: HostSnapshot['sockstat'];
  processes?: ProcessInfo[];
  /** A capture manifest's host name and the moment the folder was taken (ms since the epoch). */
  hostname?: string;
  takenAt?: number;
  problems: ParseProblem[];
}

/** One format: how much a text looks like it (0..1) and how to read it. */
export interface FormatParser {
  id: FormatId;
  /** One line a person reads in `tcplens --help`-like listings. */
  description: string;
  /** The command that produces it, for messages ("looked like neither ss, netstat, ..."). */
  example: string;
  sniff(lines: readonly string[]): number;
  parse(file: string, text: string, options?: ParseOptions): ParsedPart;
}

// READ THIS FIRST — the contract between `tcplens serve` (src/node/serve/) and its page (src/web/).
// Every URL the page calls and every JSON body or Server-Sent Event either side sends is typed here,
// once; the server and the page both import these types, so they cannot drift apart.
//
// Rules this file keeps:
// - The page receives aggregates, never the host's whole socket table: counts, oldest ages and flows
//   per state, the findings, and the sockets one page (PAGE_SIZE) at a time. That is what keeps a
//   host with 200,000 sockets as light in the browser as one with twenty.
// - Text that depends on the language travels as `Text` (both languages), so switching language on
//   the page needs no new request.
// - Types only, plus the few constants both sides need: nothing here runs I/O.
import type { AgeRange, ExchangeResult, FindingText, ScenarioParam, TcpState, Text } from '../public/index.js';

/** The paths the server answers. Every one is GET except `paste` (POST). */
export const ROUTES = {
  events: '/api/events',
  sockets: '/api/sockets',
  paste: '/api/paste',
  scenarios: '/api/lab/scenarios',
  labRun: '/api/lab/run',
  labPcap: '/api/lab/pcap',
} as const;

/** Sockets per page of the socket list. */
export const PAGE_SIZE = 100;
/** The largest paste the server reads (bytes): a 200,000-line `ss -tanp` is about 30 MB. */
export const MAX_PASTE_BYTES = 32 * 1024 * 1024;
/** The query parameter (and `Authorization: Bearer`) carrying the token of a non-loopback server. */
export const TOKEN_PARAM = 'token';

/** One state's node on the diagram. */
export interface StateNode {
  count: number;
  /** Since the previous read. */
  change: number;
  /** The oldest socket's time in this state, where the reads or a kernel timer bound it. */
  oldest?: AgeRange;
}

/** One edge between states (or `new`/`gone`) since the previous read: net flow when polling. */
export interface FlowEdge {
  from: TcpState | 'new' | 'gone';
  to: TcpState | 'new' | 'gone';
  count: number;
  ratePerSec?: number;
}

/** What the server pushes on `events` after every read of the host (SSE `event: host`). */
export interface HostUpdate {
  type: 'host';
  /** 1 for the first read. */
  read: number;
  /** `live`, `netns:NAME` or the input folder. */
  origin: string;
  /** False for a saved capture (one read, nothing changes). */
  live: boolean;
  takenAt: number;
  /** How long the read and its aggregation took on the server (ms). */
  serverMs: number;
  total: number;
  states: Record<TcpState, StateNode>;
  flows: { exact: boolean; windowMs: number; edges: FlowEdge[] };
  findings: FindingText[];
  /** What the source could not show (owners without root…). */
  notes: Text[];
}

/** A read that failed (SSE `event: problem`); the previous update stays on screen. */
export interface ProblemUpdate { type: 'problem'; text: Text }

export type ServerEvent = HostUpdate | ProblemUpdate;

/** One row of the socket list, as `tcplens ls` shows it. */
export interface SocketRow {
  state: TcpState;
  local: string;
  peer: string;
  recvQ?: number;
  sendQ?: number;
  /** `keepalive 7.2s`, `timewait 58s`…: the pending timer as ss -o names it. */
  timer?: string;
  /** `comm/pid`, several joined with commas; absent for sockets without a file. */
  owner?: string;
  age?: AgeRange;
}

/** `GET sockets?state=S&q=FILTER&page=N`: one page of the latest read, oldest first. */
export interface SocketPage {
  state?: TcpState;
  q: string;
  page: number;
  pageSize: number;
  /** Sockets matching, over all pages. */
  total: number;
  rows: SocketRow[];
  takenAt: number;
}

/** `POST paste`: the diagnosis of pasted tool output. */
export type PasteResult =
  | { ok: true; formats: string[]; total: number; states: Record<TcpState, number>; findings: FindingText[]; notes: Text[]; unreadLines: number }
  | { ok: false; text: Text };

/** `GET scenarios`: the lab's exchange scenarios. */
export interface ScenarioInfo { name: string; summary: Text; params: ScenarioParam[] }

/** A tunable the lab can set, for the form. */
export interface TunableInfo { name: string; default: string; doc: string }

export interface ScenarioList { scenarios: ScenarioInfo[]; tunables: TunableInfo[] }

/** `GET labRun?scenario=NAME&set=k=v&param=k=v&seed=N`: the exchange, as `sim --json` gives it. */
export interface LabRun { ok: true; result: ExchangeResult }

/** Any 4xx or 5xx answer of an /api path. */
export interface ApiError { ok: false; text: Text }

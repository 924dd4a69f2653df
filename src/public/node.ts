// `import … from 'tcplens/node'`: what only Node on a real host can do — read this machine's (or a
// network namespace's) sockets from /proc or netlink, write capture folders, run the CLI. It adds to
// the pure entry (`tcplens`, ./index.ts) rather than repeating it: take the engine, the lab, the
// parsers and the diagnosis from there.
//
//   import { sample } from 'tcplens/node';
//   import { diagnose } from 'tcplens';
//   const findings = diagnose(await sample({ kind: 'live' }));
//
// Grouped by concern; each name is chosen, not `export *`.

// ── Sources: the one door to a host — live, another namespace, a /proc tree, a capture, a paste ──
/** Opens a source once (checks it can be read) and returns it, ready to sample again and again. */
export { openSource } from '../node/source.js';
/** One snapshot of a source: sockets, owners, counters and sysctls, read without blocking the event loop. */
export { sample } from '../node/source.js';
/** Several samples of one source `gapMs` apart, merged so ages and growth can be told. */
export { sampleSeries } from '../node/source.js';
/** Where to read from: `live`, `netns`, `proc-root`, `input` (file or folder) or `paste`. */
export type { SourceSpec } from '../node/source.js';
/** An opened source: its spec, where it reads from, and `sample()` / `countStates()`. */
export type { Source } from '../node/source.js';
/** Thrown when a source cannot be read (no such namespace, it vanished mid-read, not root…); its message says why, in English and Chinese. */
export { SourceError } from '../node/source-error.js';
/** This host's TCP sockets, counters and sysctls now, from /proc (or `procRoot`, or the `netns` namespace). */
export { readLiveSnapshot } from '../node/live-snapshot.js';
/** Sockets per state only, the cheap read behind `tcplens states`. */
export { readLiveStateCounts } from '../node/live-snapshot.js';
/** Where and how to read: /proc root, namespace name, whether to name each socket's process, clock. */
export type { LiveOptions } from '../node/live-snapshot.js';
/** Throws SourceError unless the name is a valid `ip netns` name. */
export { checkNetnsName } from '../node/netns.js';
/** True when the optional NETLINK_SOCK_DIAG addon is built and loaded; without it reads use /proc. */
export { nativeAvailable } from '../node/native/sock-diag.js';

// ── Exact mode: every state change the kernel makes, through a private tracefs instance ─────────
/** Follows the kernel's sock:inet_sock_set_state tracepoint (root, tracefs) in a private instance it removes on close, exit and signals; without them it says why instead of throwing. */
export { openStateTrace } from '../node/trace/index.js';
/** An open trace: `drain()` new transitions, `edgeCounts()` per edge since open, `stats()`, `close()`. */
export type { StateTrace } from '../node/trace/index.js';
/** Why exact mode is not available here (not root, no tracefs…), with the words to print in English and Chinese. */
export type { TraceUnavailable } from '../node/trace/index.js';
/** One state change as the kernel reported it: time, 4-tuple, from and to state. */
export type { TransitionEvent } from '../node/trace/index.js';
/** Transitions counted per from → to edge. */
export type { EdgeCount } from '../node/trace/index.js';

// ── Capture: a folder of /proc files and tool output that `--input DIR` reads back ───────────────
/** Writes a capture folder (what `tcplens capture DIR` does) into a new or empty directory. */
export { writeCapture } from '../node/capture.js';
/** Thrown when a capture cannot be written; carries the message in every language. */
export { CaptureError } from '../node/capture.js';
/** What a capture wrote and which tools it skipped. */
export type { CaptureResult } from '../node/capture.js';
/** One file a capture wrote and where it came from. */
export type { CaptureFile } from '../node/capture.js';
/** Where to capture from and whether to run the listing tools. */
export type { CaptureOptions } from '../node/capture.js';

// ── The CLI, callable in-process ──────────────────────────────────────────────────────────────────
/** Runs the `tcplens` CLI with these arguments; resolves to its exit status. */
export { main as runCli } from '../cli/main.js';
/** The process's own stdout, stderr, stdin and environment, the CLI's default. */
export { processIO } from '../cli/io.js';
/** What a CLI run may touch (output, input, environment); pass your own to capture its output. */
export type { CliIO } from '../cli/io.js';

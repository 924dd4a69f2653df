// `import … from 'tcplens'`: the pure entry point. Everything here runs anywhere JavaScript runs —
// a browser page, a worker, Deno — because nothing in its import graph touches a file, a clock, a
// process or the network (test/browser-bundle.test.ts bundles it for the browser to prove it).
// Live reads of this machine, capture folders and the CLI are in `tcplens/node` (./node.ts).
//
//   import { snapshotFromText, diagnose, findScenario, Host, parseScript, runScript } from 'tcplens';
//
// The list is chosen, not `export *`: each name is something a user of the engine, the lab, the
// packetdrill runner or the doctor calls or types. Grouped by layer, lowest first (ARCHITECTURE.md).

// ── Vocabulary: the eleven RFC 9293 states, every tool's spelling, the HostSnapshot ──────────────
/** The eleven RFC 9293 states, in the RFC's order and spelling (`SYN-RECEIVED`, `TIME-WAIT`). */
export { TCP_STATES } from '../model/states.js';
/** True if the string is one of the eleven RFC 9293 state names exactly. */
export { isTcpState } from '../model/states.js';
/** The RFC 9293 state for any tool's spelling of it (`CLOSE_WAIT`, `close-wait`, `TIME_WAIT2`…), or undefined. */
export { stateFromWord } from '../model/states.js';
/** Every known spelling of a state (ss, netstat, Windows, BSD), normalised, to its RFC 9293 name. */
export { SPELLINGS } from '../model/states.js';
/** Linux's numeric state codes (`/proc/net/tcp` column `st`, inet_diag `idiag_state`) to RFC 9293 names. */
export { LINUX_STATE_CODES } from '../model/states.js';
/** How `ss` and `netstat` print each state. */
export { TOOL_SPELLING } from '../model/states.js';
/** The eleven RFC 9293 state names as a type. */
export type { TcpState } from '../model/states.js';
/** A snapshot with no sockets, the starting point every source fills in. */
export { emptySnapshot } from '../model/snapshot.js';
/** One host's TCP sockets, counters and sysctls at one moment: what live reads, pastes and the lab all become. */
export type { HostSnapshot } from '../model/snapshot.js';
/** One socket in a snapshot: state, addresses, queues, timer, owner. */
export type { SocketRecord } from '../model/snapshot.js';
/** A socket's pending timer as `/proc/net/tcp` and `ss -o` show it. */
export type { SocketTimer } from '../model/snapshot.js';
/** A process holding a socket (pid, command). */
export type { ProcessRef } from '../model/snapshot.js';
/** A process of the snapshot's host, by pid. */
export type { ProcessInfo } from '../model/snapshot.js';
/** Where a snapshot came from (live, a capture folder, a paste, the lab). */
export type { SnapshotSource } from '../model/snapshot.js';
/** A line of input that could not be read, with its file and line number. */
export type { ParseProblem } from '../model/snapshot.js';
/** An address family: `'ipv4'` or `'ipv6'`. */
export type { Family } from '../model/snapshot.js';
/** The languages tcplens prints: `en` and `zh`. */
export { LANGS } from '../i18n/lang.js';
/** Picks the string of a `Text` for a language. */
export { t } from '../i18n/lang.js';
/** A language from a `--lang` value (`en` or `zh`), or undefined. */
export { parseLang } from '../i18n/lang.js';
/** A language from locale variables (`LC_ALL`, `LC_MESSAGES`, `LANG`) passed in by the caller. */
export { langFromLocale } from '../i18n/lang.js';
/** A language tcplens prints: `'en' | 'zh'`. */
export type { Lang } from '../i18n/lang.js';
/** One message in every language tcplens prints. */
export type { Text } from '../i18n/lang.js';

// ── Engine (sans-IO): one TCP connection that behaves like Linux ─────────────────────────────────
/** A 32-bit TCP sequence number from a plain number. */
export { seq } from '../core/seq.js';
/** `a + n` modulo 2^32. */
export { seqAdd } from '../core/seq.js';
/** The signed distance `a - b`, wrap-safe (RFC 1982 serial arithmetic). */
export { seqDiff } from '../core/seq.js';
/** Wrap-safe `a < b`. */
export { seqLt } from '../core/seq.js';
/** Wrap-safe `a <= b`. */
export { seqLe } from '../core/seq.js';
/** Wrap-safe `a > b`. */
export { seqGt } from '../core/seq.js';
/** Wrap-safe `a >= b`. */
export { seqGe } from '../core/seq.js';
/** Wrap-safe `lo <= x < hi`. */
export { seqInRange } from '../core/seq.js';
/** A TCP sequence number: compare only through the `seq*` helpers. */
export type { Seq } from '../core/seq.js';
/** Flags from packetdrill letters (`S.` is SYN+ACK, `F.` FIN+ACK, `R` RST). */
export { flagsFromLetters } from '../core/segment.js';
/** Flags as packetdrill letters. */
export { flagsToLetters } from '../core/segment.js';
/** The sequence space a segment uses: payload bytes plus one each for SYN and FIN. */
export { segmentLength } from '../core/segment.js';
/** One TCP segment as the engine sends and receives it (addresses, ports, seq/ack, flags, window, options, payload length). */
export type { Segment } from '../core/segment.js';
/** The TCP header flags. */
export type { TcpFlags } from '../core/segment.js';
/** A TCP option (MSS, window scale, SACK, timestamps, Fast Open). */
export type { TcpOption } from '../core/segment.js';
/** Whether a socket call's result is an error. */
export { isSysError } from '../core/errno.js';
/** A socket call's error: `{ errno }`, returned instead of thrown. */
export type { SysError } from '../core/errno.js';
/** Every errno name a socket call can return. */
export { ERRNOS } from '../core/errno.js';
/** The errno names socket calls return (`ECONNREFUSED`, `EADDRINUSE`…). */
export type { Errno } from '../core/errno.js';
/** Every tunable under its Linux sysctl name, with its default, unit and meaning. */
export { TUNABLES } from '../core/config.js';
/** Linux's defaults for every tunable. */
export { defaultConfig } from '../core/config.js';
/** Sets one tunable from `name=value` text; returns an error message or undefined. */
export { applySetting } from '../core/config.js';
/** The tunables of one host or connection, keyed by Linux sysctl name. */
export type { TcpConfig } from '../core/config.js';
/** The name of a tunable (`tcp_fin_timeout`, `tcp_tw_reuse`…). */
export type { TunableName } from '../core/config.js';
/** One TCP connection: feed it calls, segments and timeouts with `now`; drain segments, events and the next deadline. */
export { Connection } from '../core/connection.js';
/** The RST Linux sends for a segment that reaches no connection (RFC 9293 §3.10.7.1), or undefined. */
export { resetFor } from '../core/connection.js';
/** The timer kinds a connection runs, in firing order, each named after the Linux timer it stands for. */
export { TIMER_KINDS } from '../core/connection.js';
/** The engine's state-transition table: every from → to, its cause and the rule it follows. */
export { TRANSITIONS as ENGINE_TRANSITIONS } from '../core/connection.js';
/** What a new connection starts from: endpoints, config, initial sequence number, options. */
export type { ConnectionParams } from '../core/connection.js';
/** A connection's state and counters at one moment. */
export type { ConnectionStatus } from '../core/connection.js';
/** One armed timer of a connection and when it fires. */
export type { TimerView } from '../core/connection.js';
/** An address and port. */
export type { Endpoint } from '../core/connection.js';
/** Per-socket options (SO_LINGER, TCP_NODELAY, keepalive…) a connection honours. */
export type { SocketOptions } from '../core/connection.js';
/** Something a connection reports to its owner (state change, data readable, error). */
export type { ConnectionEvent } from '../core/connection.js';
/** One of the timer kinds in `TIMER_KINDS`. */
export type { TimerKind } from '../core/connection.js';
/** One row of `ENGINE_TRANSITIONS`. */
export type { TransitionRow } from '../core/connection.js';
/** The id of one cause of a state change ('fin-received', 'orphan-timer', …): every row of the transition tables has one. */
export type { CauseId } from '../core/transitions.js';
/** A listening socket's two state changes (listen(), close of the listener), recorded by the host. */
export { LISTENER_TRANSITIONS } from '../core/transitions.js';
/** Each cause id's words, in English and Chinese. */
export { CAUSE_WORDS } from '../core/transitions.js';
/** A cause id in words, in the language asked for. */
export { causeText } from '../core/transitions.js';
/** One step of a connection's history: from, to and the cause id. */
export type { StateStep } from '../core/transitions.js';
/** A hook that drops a segment on its way out (local drop, `tc qdisc` in packetdrill). */
export type { TransmitFilter } from '../core/connection.js';
/** The compact TIME-WAIT socket a closed connection becomes (Linux's tcp_timewait_sock). */
export type { TimeWaitSock } from '../core/connection.js';

// ── Host: a simulated host behind BSD-socket calls ────────────────────────────────────────────────
/** A simulated Linux (or BSD, Windows) host: fds, listen queues, ports, TIME-WAIT table, counters. */
export { Host } from '../stack/host.js';
/** What a Host is built from: addresses, seed, profile, tunables. */
export type { HostOptions } from '../stack/host.js';
/** The socket-call contract a Host implements and the lab and packetdrill runner drive. */
export type { SocketApi } from '../stack/api.js';
/** The address family of a new socket. */
export type { AddressFamily } from '../stack/api.js';
/** How `shutdown()` closes: read side, write side or both. */
export type { ShutdownHow } from '../stack/api.js';
/** The socket options `setsockopt`/`getsockopt` know. */
export type { SockOptName } from '../stack/api.js';
/** A socket option's value. */
export type { SockOptValue } from '../stack/api.js';
/** What `poll()` would report for an fd. */
export type { Readiness } from '../stack/api.js';
/** A connection taken from a listen queue. */
export type { AcceptResult } from '../stack/api.js';
/** One state change of one socket, with when and why. */
export type { StateChange } from '../stack/api.js';
/** One socket's state, addresses, sequence numbers, RTT and retransmits, like `TCP_INFO`. */
export type { SocketStatus } from '../stack/api.js';
/** The OS profiles a Host can follow: `linux`, `bsd`, `windows`. */
export { PROFILES } from '../stack/profiles.js';
/** One of `PROFILES`. */
export type { ProfileName } from '../stack/profiles.js';

// ── Lab: a deterministic network of hosts and the scenarios run on it ────────────────────────────
/** A virtual-time network of hosts joined by links (delay, loss, drop rules, duplication, reordering). */
export { Network } from '../sim/network.js';
/** Thrown when a lab run keeps producing events without time moving; names the last events. */
export { LivelockError } from '../sim/network.js';
/** A host added to a Network: name, address, socket API. */
export type { LabHost } from '../sim/network.js';
/** What a Network's observers hear: sends, drops, deliveries, timers, state changes, calls. */
export type { NetEvent } from '../sim/network.js';
/** A link with a fixed one-way delay and no loss. */
export { newLink } from '../sim/link.js';
/** One direction of a link between two hosts, as data. */
export type { LinkConfig } from '../sim/link.js';
/** Which segments a drop, delay or duplicate rule applies to. */
export type { SegmentMatch } from '../sim/link.js';
/** A rule that delays matching segments on a link. */
export type { DelayRule } from '../sim/link.js';
/** A rule that duplicates matching segments on a link. */
export type { DuplicateRule } from '../sim/link.js';
/** The one seeded random generator (splitmix32) the host, the lab and the tests draw from. */
export { Rng } from '../core/random.js';
/** Every lab scenario, exchanges then load scenarios. */
export { allScenarios } from '../sim/scenarios.js';
/** A lab scenario by name (`active-close`, `close-wait-leak`…), or undefined. */
export { findScenario } from '../sim/scenarios.js';
/** The exchange scenarios: two hosts, a sequence diagram, conclusions checked against the run. */
export { EXCHANGE_SCENARIOS } from '../sim/scenarios.js';
/** The load scenarios: many connections, a table of states and counters over time. */
export { LOAD_SCENARIOS } from '../sim/load/index.js';
/** The several-host exchanges (load balancer, NAT, a middlebox dropping idle flows, port exhaustion). */
export { NETWORK_SCENARIOS } from '../sim/scenarios.js';
/** A middlebox on a lab path: a conntrack-like flow table that forwards, rewrites (SNAT), forgets idle flows. */
export { Middlebox } from '../sim/middlebox.js';
/** An exchange scenario's result as a sequence diagram in text. */
export { renderExchange } from '../sim/render-exchange.js';
/** How `renderExchange` draws: language, relative or raw sequence numbers. */
export type { RenderOptions } from '../sim/render-exchange.js';
/** A load scenario's result as a table over time. */
export { renderLoad } from '../sim/render-load.js';
/** A lab scenario: name, description, parameters and `run(options)`. */
export type { Scenario } from '../sim/scenario.js';
/** What a scenario runs with: tunables, parameters, seed, profile. */
export type { ScenarioOptions } from '../sim/scenario.js';
/** A parameter a scenario declares, with its default. */
export type { ScenarioParam } from '../sim/scenario.js';
/** What a scenario returns: an exchange or a load result. */
export type { ScenarioResult } from '../sim/scenario.js';
/** An exchange scenario's result: steps, state timeline, conclusions. */
export type { ExchangeResult } from '../sim/scenario.js';
/** One row of an exchange's sequence diagram: a segment, a call, a timer or a note. */
export type { ExchangeStep } from '../sim/scenario.js';
/** A load scenario's result: samples over time. */
export type { LoadResult } from '../sim/scenario.js';
/** One sample of a load scenario. */
export type { LoadSample } from '../sim/scenario.js';
/** The OS profile a scenario runs with. */
export type { Profile } from '../sim/scenario.js';

// ── Captures: read pcap/pcapng, and watch each connection's two ends from where it was taken ──────
/** A pcap or pcapng file fed in chunks of any size; `push` returns the packets each completes. */
export { CaptureReader } from '../pcap/capture-reader.js';
/** A capture that cannot be read further, located: `packet 12 at byte 3456: …`. */
export { CaptureFileError } from '../pcap/capture-reader.js';
/** A packet as a capture holds it: number, byte offset, time, link type, bytes. */
export type { CapturedFrame } from '../pcap/capture-reader.js';
/** The TCP segment of a captured frame (Ethernet, SLL, SLL2, raw IP, loopback; IPv4, IPv6), or why there is none. */
export { decodeTcp } from '../pcap/decode-packet.js';
/** A TCP segment read from a capture: addresses, ports, raw sequence numbers, flags, payload length. */
export type { TcpPacket } from '../pcap/decode-packet.js';
/** Capture bytes in, one report per connection out, in bounded memory (what `tcplens pcap` runs). */
export { CaptureStream } from '../sim/passive/capture-stream.js';
/** A whole capture in memory to every connection's report, with its rows. */
export { analyzeCapture } from '../sim/passive/capture-stream.js';
/** One connection of a capture: endpoints, end states, findings (ending first), timeline with cause ids. */
export type { ConnectionReport } from '../sim/passive/capture-analysis.js';
/** A connection's report with rows as an ExchangeResult, for `renderExchange`. */
export { toExchange } from '../sim/passive/to-exchange.js';
/** Writes segments as pcapng: one interface per name, a comment per packet. */
export { writePcapng } from '../pcap/pcapng-writer.js';

// ── packetdrill: parse a script and run it against a Host on virtual time ─────────────────────────
/** Parses a packetdrill script; errors carry line and column. */
export { parseScript } from '../packetdrill/parse-script.js';
/** A parsed script, or the first error with its location. */
export type { ParseResult } from '../packetdrill/parse-script.js';
/** A parse error as `file:line:column: message`. */
export { formatParseError } from '../packetdrill/ast.js';
/** A parsed packetdrill script. */
export type { Script } from '../packetdrill/ast.js';
/** Where and why a script failed to parse. */
export type { ParseError } from '../packetdrill/ast.js';
/** One timed line of a script: a packet, a call, a shell command or a python block. */
export type { ScriptEvent } from '../packetdrill/ast.js';
/** A shell command from a script's init or cleanup section, with its location. */
export type { ShellCommand } from '../packetdrill/ast.js';
/** What a script line does: a packet, a system call, a shell command or a python block. */
export type { EventBody } from '../packetdrill/ast.js';
/** A packet line: `<` the peer sends it, `>` the host must send it. */
export type { PacketEvent } from '../packetdrill/ast.js';
/** A system-call line with its arguments and expected result. */
export type { SyscallEvent } from '../packetdrill/ast.js';
/** A backtick shell-command line. */
export type { ShellEvent } from '../packetdrill/ast.js';
/** A `%{ … }%` python block (not run; reported as not checked). */
export type { PythonEvent } from '../packetdrill/ast.js';
/** When a line happens: its time, a window `a~b`, or a blocking call's end. */
export type { EventTime } from '../packetdrill/ast.js';
/** A time as written: absolute, relative (`+.01`) or any (`*`). */
export type { TimeSpec } from '../packetdrill/ast.js';
/** A value in a system-call line (number, symbol, `...`, flags, array, struct). */
export type { Expr } from '../packetdrill/ast.js';
/** One field of a struct value (`{onoff=1, linger=0}`). */
export type { StructField } from '../packetdrill/ast.js';
/** A TCP option in a packet line (`mss 1000`, `wscale 7`, `sackOK`…). */
export type { OptionSpec } from '../packetdrill/ast.js';
/** A line and column in a script. */
export type { Loc } from '../packetdrill/ast.js';
/** Runs a parsed script against a fresh host on virtual time, the way packetdrill runs it against a kernel. */
export { runScript } from '../packetdrill/runner.js';
/** What a run needs: IP version, a host factory, a reader for included files. */
export type { RunOptions } from '../packetdrill/runner.js';
/** A run's outcome: pass or fail, the first mismatch, the state timeline, the trace. */
export type { RunResult } from '../packetdrill/runner.js';
/** The first line where the host did something else than the script expected. */
export type { Mismatch } from '../packetdrill/runner.js';
/** One entry of a run's trace: a segment in or out, or a call made. */
export type { TraceEntry } from '../packetdrill/runner.js';
/** Builds the host a script runs against, from its config and addresses. */
export type { HostFactory } from '../packetdrill/runner.js';
/** Reads a file a script includes (a backtick line), relative to the script's folder. */
export type { ReadInclude } from '../packetdrill/shell-settings.js';
/** Why a script line did not match, as data for text in any language. */
export type { MismatchDetail } from '../packetdrill/mismatch-text.js';
/** The host factory `tcplens packetdrill` uses: a Linux-profile Host. */
export { makeDefaultHost } from '../packetdrill/default-host.js';
/** The IP versions a script can run under, as packetdrill's `--ip_version`. */
export { IP_VERSIONS } from '../packetdrill/connection-map.js';
/** The `-D` symbols packetdrill's own harness defines for an IP version. */
export { harnessDefines } from '../packetdrill/connection-map.js';
/** One of `IP_VERSIONS`. */
export type { IpVersion } from '../packetdrill/connection-map.js';
/** The addresses a script's host and its scripted peer use, on the wire and as the script writes them. */
export type { Addresses } from '../packetdrill/connection-map.js';
/** One line saying whether a run passed, and where it failed. */
export { resultLine } from '../packetdrill/report-text.js';
/** A run's state timeline as text. */
export { timelineText } from '../packetdrill/report-text.js';
/** A run's trace as packetdrill-like text. */
export { traceText } from '../packetdrill/report-text.js';

// ── Formats: pasted tool output (ss, netstat, lsof, PowerShell, /proc…) into a HostSnapshot ──────
/** Recognises a paste by content and parses it: the part it holds, or why it could not. */
export { parseAny } from '../formats/detect.js';
/** Which format a text is in, with a confidence, or undefined. */
export { detectFormat } from '../formats/detect.js';
/** A detected format and its parser. */
export type { Detection } from '../formats/detect.js';
/** Why `parseAny` could not read a text, in every language. */
export type { UnknownFormat } from '../formats/detect.js';
/** A HostSnapshot from one pasted text; throws UnknownFormatError if no format fits. */
export { snapshotFromText } from '../formats/merge.js';
/** A HostSnapshot from a folder's worth of texts of one host, merged by 4-tuple. */
export { snapshotFromTexts } from '../formats/merge.js';
/** Thrown when a text is in no format tcplens reads; its message lists the ones it does. */
export { UnknownFormatError } from '../formats/merge.js';
/** Parses `/proc/net/tcp` or `/proc/net/tcp6` (bytes or text) into socket records, byte by byte: the live reader's parser too. */
export { parseProcNetTcp } from '../formats/proc-net-tcp.js';
/** Sockets per state from `/proc/net/tcp[6]` bytes without building records. */
export { countProcNetTcpStates } from '../formats/proc-net-tcp.js';
/** What `parseProcNetTcp` returns: sockets and problems. */
export type { ProcNetTcpResult } from '../formats/proc-net-tcp.js';
/** Which file `parseProcNetTcp` reads (tcp or tcp6) and the byte order of the host that wrote it. */
export type { ProcNetTcpOptions } from '../formats/proc-net-tcp.js';
/** What a parser may be given besides the text: extra service names (the host's /etc/services). */
export type { ParseOptions } from '../formats/types.js';
/** Reads an /etc/services file into service name → TCP port. */
export { parseServicesFile } from '../formats/services.js';
/** The TCP port of a service name (`http-alt` → 8080) from the built-in table, or the extra one given. */
export { servicePort } from '../formats/services.js';
/** Service name → TCP port. */
export type { ServiceTable } from '../formats/services.js';
/** Every format tcplens reads, with a description and the command that produces it. */
export { FORMATS } from '../formats/index.js';
/** The id of a format tcplens reads (`ss`, `netstat-linux`, `proc-net-tcp`…). */
export type { FormatId } from '../formats/types.js';
/** What one parsed text contributes to a snapshot. */
export type { ParsedPart } from '../formats/types.js';
/** A format's parser: how it recognises its text and what it reads from it. */
export type { FormatParser } from '../formats/types.js';
/** The processes owning one 4-tuple, as a paste names them. */
export type { SocketOwner } from '../formats/types.js';
/** One snapshot from several samples of the same host, with counter rises between them. */
export { mergeSamples } from '../diagnose/samples.js';

// ── Diagnosis: rules over a HostSnapshot, the report, explanations of states ─────────────────────
/** Runs every rule over a snapshot; findings in one language. */
export { diagnose } from '../diagnose/diagnose.js';
/** Follows sockets across reads by their id and gives each its time in its state as an interval [at least, at most]. */
export { AgeTracker } from '../diagnose/ages.js';
/** Runs the age tracker over a series of snapshots of one host, oldest first. */
export { trackAges } from '../diagnose/ages.js';
/** A time in state as an interval, and what it rests on (reads, the TIME-WAIT timer…). */
export type { AgeRange } from '../model/snapshot.js';
/** The state behind `tcplens watch`: feed it snapshots, get one `tcplens.watch/1` frame per refresh. */
export { WatchSession } from '../diagnose/watch-frame.js';
/** One refresh of `tcplens watch`: counts, flows, watched states with ages, growth, findings. */
export type { WatchFrame } from '../diagnose/watch-frame.js';
/** Pairs the sockets of several hosts by mirrored 4-tuples: which host's CLOSE-WAIT sits behind another's FIN-WAIT-2, half-open connections, handshakes a full accept queue drops. */
export { pairHosts } from '../diagnose/pairing.js';
/** Reads an address map `SEEN=REAL` (`198.51.100.7:443=10.0.0.5:8443`) for pairing through NAT or a load balancer. */
export { parseAddressMapping } from '../diagnose/pairing.js';
/** One host given to `pairHosts`: its name in the findings and its snapshot. */
export type { PairedHost } from '../diagnose/pairing.js';
/** What `pairHosts` found: matched connections, unmatched ends per host and state, findings. */
export type { PairingReport } from '../diagnose/pairing.js';
/** One pairing finding: the host to fix, the other, how many, port, owner, oldest age, words. */
export type { PairingFinding } from '../diagnose/pairing.js';
/** An address map entry: the endpoint one host sees → the endpoint the peer really has. */
export type { AddressMapping } from '../diagnose/pairing.js';
/** Findings with every message in every language. */
export { diagnoseText } from '../diagnose/diagnose.js';
/** The whole `tcplens doctor --json` report: summary, findings, missing evidence. */
export { doctorReport } from '../diagnose/diagnose.js';
/** The exit status `tcplens doctor` uses for these findings: 1 if any is critical or a warning, else 0. */
export { exitStatusFor } from '../diagnose/diagnose.js';
/** The most severe finding's severity, or `'none'`. */
export { worstSeverity } from '../diagnose/diagnose.js';
/** What the snapshot lacks that some rule would need (process owners, counters…). */
export { missingEvidence } from '../diagnose/diagnose.js';
/** Which rules to run and in which language. */
export type { DiagnoseOptions } from '../diagnose/diagnose.js';
/** Every rule's id. */
export { RULE_IDS } from '../diagnose/finding.js';
/** A finding in every language, in one chosen language. */
export { localiseFinding } from '../diagnose/finding.js';
/** One problem found on a host, with its evidence and fixes, in one language. */
export type { Finding } from '../diagnose/finding.js';
/** A finding with every message in every language. */
export type { FindingText } from '../diagnose/finding.js';
/** The numbers behind a finding. */
export type { Evidence } from '../diagnose/finding.js';
/** Ages of the sockets behind a finding (how many known, min, median, max). */
export type { AgeStats } from '../diagnose/finding.js';
/** A remote address (and port) with its number of sockets. */
export type { PeerCount } from '../diagnose/finding.js';
/** A finding with its text of type T (one language or all). */
export type { FindingOf } from '../diagnose/finding.js';
/** One suggested fix of a finding, with its text of type T. */
export type { FixOf } from '../diagnose/finding.js';
/** A finding's severity: critical, warning or info. */
export type { Severity } from '../diagnose/finding.js';
/** One of `RULE_IDS`. */
export type { RuleId } from '../diagnose/finding.js';
/** The shape of `tcplens doctor --json`. */
export type { DoctorReport } from '../diagnose/finding.js';
/** The diagnosis rules, each with its id, thresholds and check. */
export { RULES } from '../diagnose/rules/index.js';
/** One diagnosis rule. */
export type { Rule } from '../diagnose/rule.js';
/** A doctor report as the text `tcplens doctor` prints. */
export { renderReport } from '../diagnose/render-report.js';
/** One finding as text. */
export { renderFinding } from '../diagnose/render-report.js';
/** What a state means, how a socket gets into it and out of it, and what to look at. */
export { explainState } from '../diagnose/explain.js';
/** The give-up settings (tcp_syn_retries, tcp_retries2, ...) of a host's sysctls, Linux's defaults for the rest; explainState's third argument. */
export { giveUpSettingsOf } from '../diagnose/give-up-figures.js';
/** An explanation as the text `tcplens explain STATE` prints. */
export { renderExplanation } from '../diagnose/explain.js';
/** The eleven states with one line each, as `tcplens explain` prints. */
export { renderStateList } from '../diagnose/explain.js';
/** The state diagram as Mermaid, drawn from the engine's transition table. */
export { renderMermaid } from '../diagnose/explain.js';
/** A state's explanation: meaning, who holds it, ways in and out, how it ends, what a pile of it means. */
export type { Explanation } from '../diagnose/explain.js';
/** One way into or out of a state, in one language. */
export type { ExplainTransition } from '../diagnose/explain.js';
/** The transitions `explain` draws, with the Chinese text and notes. */
export { TRANSITIONS } from '../diagnose/transitions.js';
/** The transitions into a state. */
export { waysIn } from '../diagnose/transitions.js';
/** The transitions out of a state. */
export { waysOut } from '../diagnose/transitions.js';
/** One row of `TRANSITIONS`. */
export type { Transition } from '../diagnose/transitions.js';
/** What each state means and what to do about a pile of it, in every language. */
export { STATE_INFO } from '../diagnose/state-info.js';
/** One row of `STATE_INFO`. */
export type { StateInfo } from '../diagnose/state-info.js';
/** Sockets per state of a list of sockets, every state present (zero where none). */
export { stateCounts } from '../diagnose/state-counts.js';
/** Every state at zero. */
export { zeroCounts } from '../diagnose/state-counts.js';
/** Sockets per state by listening port, capped at the `top` ports with most sockets, the rest folded. */
export { stateCountsByPort } from '../diagnose/state-breakdown.js';
/** Sockets per state by owning process (comm, pid), capped at `top`, the rest folded. */
export { stateCountsByProcess } from '../diagnose/state-breakdown.js';
/** Ephemeral ports in use per destination, with the `ip_local_port_range` they count against. */
export { ephemeralUseByDestination } from '../diagnose/state-breakdown.js';
/** Every listener's accept queue: queued connections and the backlog limit where known. */
export { listenQueues } from '../diagnose/state-breakdown.js';
/** The oldest socket's time in each state, where the source shows ages (TIME-WAIT from its timer). */
export { oldestAgeMsByState } from '../diagnose/state-breakdown.js';
/** Per-group state counts with the top groups and what was folded into `other`. */
export type { CappedCounts, StateGroupCounts, ProcessKey, DestinationUse, ListenQueue } from '../diagnose/state-breakdown.js';
/** State counts per process, pid, local or remote port, remote address or state, or any combination, as `tcplens states --by`. */
export { groupStates } from '../diagnose/socket-views.js';
/** Options of `groupStates`: fold the ephemeral local ports into one range row. */
export type { GroupOptions } from '../diagnose/socket-views.js';
/** The sockets of a snapshot that match states, ports, a pid and an ss filter expression. */
export { filterSockets } from '../diagnose/socket-views.js';
/** Sockets sorted as `tcplens ls --sort` does (state, age, lport, rport, pid, recvq, sendq). */
export { sortSockets } from '../diagnose/socket-views.js';
/** The orders `sortSockets` knows. */
export { SOCKET_SORTS } from '../diagnose/socket-views.js';
/** One order of `sortSockets`. */
export type { SocketSort } from '../diagnose/socket-views.js';
/** Reads an ss filter expression (`state close-wait sport = :8080`); throws `SocketFilterError` naming the token. */
export { parseSocketFilter } from '../formats/ss-filter.js';
/** True when a socket passes a parsed ss filter. */
export { matchesSocketFilter } from '../formats/ss-filter.js';
/** An ss filter that could not be read: its message in both languages, the token and its column. */
export { SocketFilterError } from '../formats/ss-filter.js';
/** ss's state groups (`all`, `connected`, `synchronized`, `bucket`, `big`) as RFC 9293 states. */
export { STATE_GROUPS } from '../formats/ss-filter.js';
/** The states a word names: one state in any spelling, or an ss state group. */
export { statesFromWord } from '../formats/ss-filter.js';
/** A parsed ss filter: leading `state`/`exclude` words and the expression. */
export type { SocketFilterSpec, SocketFilterExpr, AddressMatch, PortOp } from '../formats/ss-filter.js';
/** Sockets as the table `tcplens ls` prints. */
export { renderSocketList } from '../diagnose/socket-views.js';
/** The same table in pieces of a few thousand lines, for listings too big to hold as one string. */
export { socketListPieces } from '../diagnose/socket-views.js';
/** State counts as the table `tcplens states` prints. */
export { renderStateCounts } from '../diagnose/socket-views.js';
/** Grouped state counts as `tcplens states --by` prints them. */
export { renderStateGroups } from '../diagnose/socket-views.js';
/** What `groupStates` groups by: `process`, `pid`, `lport`, `rport`, `raddr` or `state`. */
export type { GroupBy } from '../diagnose/socket-views.js';
/** One group of `groupStates`. */
export type { StateGroup } from '../diagnose/socket-views.js';
/** What `filterSockets` keeps. */
export type { SocketFilter } from '../diagnose/socket-views.js';

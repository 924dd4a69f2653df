// What the engine lacks, per conformance script that fails: written by hand after reading the
// failure against Linux's source, and printed in CONFORMANCE.md beside the first mismatch. A script
// missing here is reported as "not yet diagnosed". Keys are paths under ../shared/conformance.
const SELFTESTS = 'linux-selftests/tools/testing/selftests/net/packetdrill/';
const GTESTS = 'packetdrill/gtests/net/tcp/';

export const ENGINE_GAPS: Readonly<Record<string, string>> = {
  [`${SELFTESTS}tcp_rcv_big_endseq.pkt`]:
    "Linux's advertised-window arithmetic for a small SO_RCVBUF: with SO_RCVBUF=10000 (stored doubled, 20000) and 4000 bytes queued, Linux advertises 5000 (tcp_select_window() / __tcp_space() charging skb truesize against sk_rcvbuf); the engine advertises 7300.",
  [`${SELFTESTS}tcp_rcv_toobig.pkt`]:
    "The same receive-window arithmetic (win 18000 expected after 20000 bytes queued with SO_RCVBUF=20000; the engine advertises 8760). Linux 6.18 also fails this script later (line 32, ACK timing).",
  [`${GTESTS}blocking/blocking-write.pkt`]:
    'setsockopt(SO_SNDBUF) does not double the value as Linux does (sock_setsockopt: sk_sndbuf = max(val * 2, SOCK_MIN_SNDBUF)), so getsockopt returns 21000 instead of 42000; the blocking write() that follows depends on that buffer size.',
  [`${GTESTS}ts_recent/invalid_ack.pkt`]:
    'Nothing that Linux 6.18 has: like Linux 6.18 the engine answers SEG.ACK > SND.NXT with a challenge ACK (RFC 5961 §5.2), which this older script does not expect, so that ACK (ack 1) is compared with line 24. MANIFEST: Linux passes once that ACK line is added.',
  [`${GTESTS}user_timeout/user-timeout-probe.pkt`]:
    'Nothing diagnosed in the engine: the script fails on the runner limit below (no model of a local qdisc that drops every transmit).',
  [`${GTESTS}shutdown/shutdown-rdwr-write-queue-close.pkt`]:
    "The tail-loss probe resends the last 1000 data bytes with the FIN (FP. 9001:10001) where the script wants a bare FIN; Linux 6.18 fails at the same line the same way (MANIFEST: 'TLP retransmits 1000 B of data, not a bare FIN'), so this matches the kernel we model.",
  [`${SELFTESTS}tcp_rto_synack_rto_max.pkt`]:
    "TCP Fast Open on the passive side: a SYN with a valid cookie and 10 bytes of data should be acknowledged by the SYN-ACK (ack 11) and its data queued; the engine ignores the data. Part 2 (SYN-ACK backoff capped by tcp_rto_max_ms) is a newer kernel change that Linux 6.18 also fails.",
};

/** Steps the runner itself cannot check (python blocks, shell commands other than sysctl). */
export const RUNNER_LIMITS: Readonly<Record<string, string>> = {
  [`${GTESTS}user_timeout/user-timeout-probe.pkt`]:
    'The script installs `tc qdisc ... pfifo limit 0` so every local transmit fails and Linux retries with 500 ms resource probes (TCP_RESOURCE_PROBE_INTERVAL) until TCP_USER_TIMEOUT. The runner never runs shell and the host has no model of a local transmit drop, so the engine sends and retransmits normally and times out earlier (line 30). Needs a host-level "drop local transmits" switch to pass.',
};

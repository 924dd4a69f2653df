// Hand-written diagnoses printed in CONFORMANCE.md, each written after reading the failure (the
// runner's --verbose trace) against Linux's source and MANIFEST.tsv's record of Linux 6.18's run.
// - ENGINE_GAPS: per script that fails on tcplens, what the engine lacks (or why the failure is
//   Linux's own). A failing script missing here is reported as "not yet diagnosed".
// - LINUX_FAILS: per script that fails on Linux 6.18, why, and how tcplens's result compares:
//   why tcplens passes, or whether both fail at the same line for the same reason.
// - RUNNER_LIMITS: steps the runner itself cannot check.
// Keys are paths under ../shared/conformance.
const SELFTESTS = 'linux-selftests/tools/testing/selftests/net/packetdrill/';
const GTESTS = 'packetdrill/gtests/net/tcp/';

export const ENGINE_GAPS: Readonly<Record<string, string>> = {
  [`${SELFTESTS}tcp_rcv_toobig.pkt`]:
    "Nothing that Linux 6.18 has: the engine fails at the line Linux fails (32) for the same reason. The 60000-byte segment accepted into an empty receive queue does not force an immediate ACK (tcp_rcv_neg_window.pkt documents this), so the ACK waits for the delayed-ACK timer, whose ato doubled to 80 ms when the first delayed ACK fired at line 23 (tcp_delack_timer_handler). The engine sends it 80 ms late, Linux ~88 ms late (80 ms plus HZ=250 jiffy rounding).",
  [`${GTESTS}ioctl/ioctl-siocinq-fin.pkt`]:
    "Nothing that Linux 6.18 has: the engine fails at the line Linux fails (28) for the same reason. A FIN arriving with data in ESTABLISHED moves to CLOSE-WAIT and enters pingpong mode (tcp_fin -> inet_csk_enter_pingpong_mode), so the ACK of FP. 1001:2001 is delayed, not immediate. The engine sends it 40 ms late (TCP_DELACK_MIN), Linux ~43 ms late (jiffy rounding); both pass with a 100 ms tolerance.",
  [`${GTESTS}ts_recent/invalid_ack.pkt`]:
    'Nothing that Linux 6.18 has: like Linux 6.18 the engine answers SEG.ACK > SND.NXT with a challenge ACK (RFC 5961 §5.2), which this older script does not expect, so that ACK (ack 1) is compared with line 24 — the same line and the same segment as on Linux. MANIFEST: Linux passes once that ACK line is added.',
  [`${GTESTS}shutdown/shutdown-rdwr-write-queue-close.pkt`]:
    "FIN emission while cwnd is full, and the content of the tail-loss probe. Not the same failure as Linux 6.18's: at the default tolerance Linux fails at line 25 — cwnd (IW10) is full after the 10000-byte burst, so tcp_send_fin() queues the FIN without sending it, and the first FIN leaves ~17 ms later at PTO time. The engine sends the bare FIN at shutdown() (0.030 s), so it passes line 25, and fails at line 36: its tail-loss probe at 0.042 s retransmits the last 1000 data bytes with the FIN (FP. 9001:10001(1000)) where the script wants a bare F. 10001:10001(0) at 0.050–0.055 s. Linux, run with 100 ms tolerance so that it gets past line 25, also fails at line 36 with a probe that carries 1000 data bytes (MANIFEST); at the default tolerance the two first failures are different lines.",
  [`${SELFTESTS}tcp_rto_synack_rto_max.pkt`]:
    "TCP Fast Open on the passive side: a SYN with a valid cookie and 10 bytes of data should be acknowledged by the SYN-ACK (ack 11) and its data queued; the engine ignores the data and fails at line 18 (part 1). Linux 6.18 passes part 1 and fails later, at line 46 (part 2: SYN-ACK backoff capped by tcp_rto_max_ms, a kernel change newer than 6.18). Both fail, at different lines for different reasons.",
};

/**
 * Why Linux 6.18 fails each script it fails (MANIFEST.tsv), and how tcplens's result compares. Every
 * script whose Linux result is not a pass must be here.
 */
export const LINUX_FAILS: Readonly<Record<string, string>> = {
  [`${GTESTS}shutdown/shutdown-rdwr-send-queue-ack-close.pkt`]:
    "tcplens passes, Linux fails (timing only). Line 33 expects the tail-loss probe 5 ms after the last send (±4 ms). The engine computes the PTO as Linux's tcp_schedule_loss_probe() does (2·SRTT + TCP_TIMEOUT_MIN, about 4 ms with a 1 ms RTT) on an exact microsecond clock and sends the probe at 0.016 s (scripted 0.017 s). Linux 6.18 at HZ=250 turns the same PTO into whole jiffies (usecs_to_jiffies plus timer-wheel alignment) and sends it ~11 ms after the last send, outside the tolerance; it passes with --tolerance_usecs=100000. The engine does not model jiffy rounding.",
  [`${GTESTS}shutdown/shutdown-rdwr-write-queue-close.pkt`]:
    'Both fail, at different lines: Linux at line 25 (holds the FIN while cwnd is full), tcplens at line 36 (sends the FIN at shutdown(); its probe then carries data). See the failure section below.',
  [`${GTESTS}ts_recent/invalid_ack.pkt`]:
    'Both fail at line 24 with the same segment: the RFC 5961 §5.2 challenge ACK (ack 1) that Linux 6.18 and the engine send and the older script does not expect.',
  [`${GTESTS}ioctl/ioctl-siocinq-fin.pkt`]:
    'Both fail at line 28, timing only: the ACK of data+FIN is delayed (pingpong mode after tcp_fin), 40 ms on tcplens and ~43 ms on Linux, where the script expects it at once.',
  [`${SELFTESTS}tcp_rcv_toobig.pkt`]:
    'Both fail at line 32, timing only: the ACK of the oversize segment waits for the delayed-ACK timer (ato 80 ms after doubling), 80 ms late on tcplens and ~88 ms on Linux.',
  [`${SELFTESTS}tcp_rto_synack_rto_max.pkt`]:
    'Both fail, at different lines for different reasons: tcplens at line 18 (no passive TCP Fast Open), Linux at line 46 (SYN-ACK backoff not capped by tcp_rto_max_ms before a post-6.18 kernel change).',
};

/** Steps the runner itself cannot check (python blocks, shell commands other than sysctl). */
export const RUNNER_LIMITS: Readonly<Record<string, string>> = {
  [`${GTESTS}user_timeout/user-timeout-probe.pkt`]:
    "The two %{ python }% blocks (tcpi_probes == 6, tcpi_backoff == 0) are not checked; the engine's own counts agree (status().probes is 6 and backoff 0 at 3.5 s, and the engine's own tests check the same path). The `tc qdisc delete ... ; tc qdisc add dev tun0 root pfifo limit 0` line is modelled without running shell: the runner gives the host a transmit filter that drops every segment (shown as dropped in --verbose), and the engine is told of each drop as Linux's tcp_transmit_skb is (NET_XMIT_DROP): the data is not counted as sent and probe0 retries it every 500 ms until TCP_USER_TIMEOUT.",
};

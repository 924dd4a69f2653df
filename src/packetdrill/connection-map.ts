// The scripted connection ("socket under test", packetdrill run_packet.c): which live 4-tuple the
// script's packets belong to, and how script sequence numbers map to live ones.
// - Remote side: the seq in the injected SYN or SYN-ACK is used literally as the live ISN; later
//   inbound seqs and outbound acks (not our SYN-ACK's) are relative to it (0 for `S 0:0(0)`).
// - Local side: the engine's ISN is learned from its SYN or SYN-ACK only (as packetdrill does);
//   outbound seqs and inbound acks are relative to it. With no SYN seen (an RST to a closed port)
//   the offset is 0 and the script's numbers are absolute. It is learned once per connection, so a new incarnation on the same
//   4-tuple keeps the old base (that is how packetdrill prints it).
// - TS val: the first outbound TSval maps to the script's value; later ones keep that offset, and
//   an inbound `ecr Y` is replaced by the live value sent for script value Y.
export interface ScriptedConnection {
  localPort?: number;
  remotePort: number;
  /** Live ISN minus script ISN, once learned. */
  localIsnOffset?: number;
  /**
   * The remote ISN: the seq of the last injected SYN or SYN-ACK, written absolute. Later inbound
   * seqs and outbound acks (but our SYN-ACK's) are relative to it (packetdrill's remote_isn:
   * `< S. 123:123(0)` then `< P. 1:501(500)` and `> . 1:1(0) ack 1`).
   */
  remoteIsn?: number;
  tsOffset?: number;
  /** The script fd of the socket that owns it (listener, connecting socket or accepted child). */
  fd?: number;
  listening: boolean;
  connecting: boolean;
}

export const BIND_PORT = 8080;

export interface Addresses {
  family: 'ipv4' | 'ipv6';
  /** Addresses on the wire (segments). */
  localWire: string;
  remoteWire: string;
  /** Addresses as the application passes them to bind()/connect(). */
  localApp: string;
  remoteApp: string;
}

export type IpVersion = 'ipv4' | 'ipv6' | 'ipv4-mapped-ipv6';
export const IP_VERSIONS: readonly IpVersion[] = ['ipv4', 'ipv6', 'ipv4-mapped-ipv6'];

export function addressesFor(v: IpVersion): Addresses {
  switch (v) {
    case 'ipv4': return { family: 'ipv4', localWire: '192.168.0.1', remoteWire: '192.0.2.1', localApp: '192.168.0.1', remoteApp: '192.0.2.1' };
    case 'ipv6': return { family: 'ipv6', localWire: 'fd3d:a0b:17d6::1', remoteWire: 'fd3d:fa7b:d17d::1', localApp: 'fd3d:a0b:17d6::1', remoteApp: 'fd3d:fa7b:d17d::1' };
    case 'ipv4-mapped-ipv6': return { family: 'ipv6', localWire: '192.168.0.1', remoteWire: '192.0.2.1', localApp: '::ffff:192.168.0.1', remoteApp: '::ffff:192.0.2.1' };
  }
}

/**
 * The `-D` symbols the Linux selftests' packetdrill harness (ksft_runner.sh) passes for each IP
 * version; a script may use them, and `-D` on the command line overrides them.
 */
export function harnessDefines(v: IpVersion): Record<string, string> {
  const v6 = v === 'ipv6';
  return {
    TFO_COOKIE: v6 ? 'c1d1e9742a47a9bc' : '3021b9d889017eeb',
    CMSG_LEVEL_IP: v6 ? 'SOL_IPV6' : 'SOL_IP',
    CMSG_TYPE_RECVERR: v6 ? 'IPV6_RECVERR' : 'IP_RECVERR',
  };
}

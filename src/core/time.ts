// Virtual time has one unit in every layer: milliseconds, fractional where a delay is shorter
// (a 0.05 ms loopback hop). Linux's sysctls in seconds (tcp_fin_timeout, tcp_keepalive_time) and
// packetdrill's script times in seconds and microseconds are converted once, where they enter;
// the lab prints seconds, which is formatting only.

/** A point or a span of virtual time, in milliseconds. */
export type Millis = number;

/** Seconds as Linux's sysctls and packetdrill scripts write them, to milliseconds. */
export function secondsToMillis(s: number): Millis {
  return s * 1000;
}

/** packetdrill's microseconds (`--tolerance_usecs`, script times) to milliseconds. */
export function microsToMillis(us: number): Millis {
  return us / 1000;
}

// The names packetdrill defines for a script's python (code.c): the socket under test's TCP_INFO
// fields as `tcpi_*` variables, and the kernel's constants the scripts compare them with.
import { LINUX_STATE_NUMBER, TCP_CA, TCP_INFINITE_SSTHRESH, TCPI_OPT } from '../core/tcp-info.js';

const CONSTANTS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Object.entries(TCP_CA).map(([k, v]) => [`TCP_CA_${k}`, v])),
  ...Object.fromEntries(Object.entries(TCPI_OPT).map(([k, v]) => [`TCPI_OPT_${k}`, v])),
  TCP_ESTABLISHED: LINUX_STATE_NUMBER.ESTABLISHED, TCP_SYN_SENT: LINUX_STATE_NUMBER['SYN-SENT'],
  TCP_SYN_RECV: LINUX_STATE_NUMBER['SYN-RECEIVED'], TCP_FIN_WAIT1: LINUX_STATE_NUMBER['FIN-WAIT-1'],
  TCP_FIN_WAIT2: LINUX_STATE_NUMBER['FIN-WAIT-2'], TCP_TIME_WAIT: LINUX_STATE_NUMBER['TIME-WAIT'],
  TCP_CLOSE: LINUX_STATE_NUMBER.CLOSED, TCP_CLOSE_WAIT: LINUX_STATE_NUMBER['CLOSE-WAIT'],
  TCP_LAST_ACK: LINUX_STATE_NUMBER['LAST-ACK'], TCP_LISTEN: LINUX_STATE_NUMBER.LISTEN, TCP_CLOSING: LINUX_STATE_NUMBER.CLOSING,
  TCP_INFINITE_SSTHRESH,
};

/**
 * A name's value: a TCP_INFO field of the socket under test (`info()`, undefined when there is
 * none), a constant, 'unmodelled' for a field or socket view the engine does not keep
 * (SK_MEMINFO_* of SO_MEMINFO among them), or undefined for a name nobody defines.
 */
export function pythonName(name: string, info: () => Record<string, number> | undefined): number | 'unmodelled' | undefined {
  if (name in CONSTANTS) return CONSTANTS[name];
  if (name.startsWith('tcpi_')) return info()?.[name] ?? 'unmodelled';
  if (name.startsWith('SK_MEMINFO_')) return 'unmodelled';
  return undefined;
}

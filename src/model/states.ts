// READ THIS FIRST — the one vocabulary of TCP states in tcplens.
//
// Rules this file keeps:
// - Every state anywhere in tcplens (engine, simulator, doctor, JSON, metrics labels) is one of the
//   eleven RFC 9293 names below, spelled exactly so. Nothing else prints a state its own way.
// - Every other spelling (Linux's numeric codes, ss, net-tools netstat in any locale, lsof,
//   BSD/macOS netstat, Windows netstat.exe in any language, PowerShell Get-NetTCPConnection) maps
//   onto those names through the one table here, `SPELLINGS`. Parsers never hard-code a state word.
// Sources: RFC 9293 §3.3.2; Linux include/net/tcp_states.h; each tool's source and translations.

export const TCP_STATES = [
  'CLOSED',
  'LISTEN',
  'SYN-SENT',
  'SYN-RECEIVED',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
] as const;

export type TcpState = (typeof TCP_STATES)[number];

export function isTcpState(s: string): s is TcpState {
  return (TCP_STATES as readonly string[]).includes(s);
}

/** Linux's `enum { TCP_ESTABLISHED = 1, ... }` (include/net/tcp_states.h), as /proc/net/tcp prints it in hex. */
export const LINUX_STATE_CODES: Readonly<Record<number, TcpState>> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN-SENT',
  0x03: 'SYN-RECEIVED',
  0x04: 'FIN-WAIT-1',
  0x05: 'FIN-WAIT-2',
  0x06: 'TIME-WAIT',
  0x07: 'CLOSED', // TCP_CLOSE: ss prints UNCONN
  0x08: 'CLOSE-WAIT',
  0x09: 'LAST-ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'SYN-RECEIVED', // TCP_NEW_SYN_RECV: a request socket; dumps report it as SYN_RECV
};

export const LINUX_CODE_OF: Readonly<Record<TcpState, number>> = {
  ESTABLISHED: 0x01,
  'SYN-SENT': 0x02,
  'SYN-RECEIVED': 0x03,
  'FIN-WAIT-1': 0x04,
  'FIN-WAIT-2': 0x05,
  'TIME-WAIT': 0x06,
  CLOSED: 0x07,
  'CLOSE-WAIT': 0x08,
  'LAST-ACK': 0x09,
  LISTEN: 0x0a,
  CLOSING: 0x0b,
};

/** How the classic tools print each state (for output that imitates them). */
export const TOOL_SPELLING: Readonly<Record<'ss' | 'netstat', Readonly<Record<TcpState, string>>>> = {
  ss: {
    CLOSED: 'UNCONN', LISTEN: 'LISTEN', 'SYN-SENT': 'SYN-SENT', 'SYN-RECEIVED': 'SYN-RECV',
    ESTABLISHED: 'ESTAB', 'FIN-WAIT-1': 'FIN-WAIT-1', 'FIN-WAIT-2': 'FIN-WAIT-2',
    'CLOSE-WAIT': 'CLOSE-WAIT', CLOSING: 'CLOSING', 'LAST-ACK': 'LAST-ACK', 'TIME-WAIT': 'TIME-WAIT',
  },
  netstat: {
    CLOSED: 'CLOSE', LISTEN: 'LISTEN', 'SYN-SENT': 'SYN_SENT', 'SYN-RECEIVED': 'SYN_RECV',
    ESTABLISHED: 'ESTABLISHED', 'FIN-WAIT-1': 'FIN_WAIT1', 'FIN-WAIT-2': 'FIN_WAIT2',
    'CLOSE-WAIT': 'CLOSE_WAIT', CLOSING: 'CLOSING', 'LAST-ACK': 'LAST_ACK', 'TIME-WAIT': 'TIME_WAIT',
  },
};

/**
 * Every spelling seen in the wild, keyed by its normalised form (see `normaliseWord`), mapped to the
 * RFC name. Each group below names the tool (and locale) its spellings come from.
 * Parsers add nothing elsewhere: a new spelling goes here.
 */
export const SPELLINGS: Readonly<Record<string, TcpState>> = {
  // RFC names and the common underscore/no-separator variants (netstat, lsof, Windows, BSD, Telegraf, OSHI)
  CLOSED: 'CLOSED', CLOSE: 'CLOSED', UNCONN: 'CLOSED',
  LISTEN: 'LISTEN', LISTENING: 'LISTEN',
  SYNSENT: 'SYN-SENT', SYNSEND: 'SYN-SENT',
  SYNRECEIVED: 'SYN-RECEIVED', SYNRECV: 'SYN-RECEIVED', SYNRCVD: 'SYN-RECEIVED', SYNRCV: 'SYN-RECEIVED', SYNRCDV: 'SYN-RECEIVED',
  ESTABLISHED: 'ESTABLISHED', ESTAB: 'ESTABLISHED',
  FINWAIT1: 'FIN-WAIT-1', FINWAIT2: 'FIN-WAIT-2',
  CLOSEWAIT: 'CLOSE-WAIT',
  CLOSING: 'CLOSING',
  LASTACK: 'LAST-ACK',
  TIMEWAIT: 'TIME-WAIT', TIMEDWAIT: 'TIME-WAIT',
  // net-tools netstat under a non-C locale (net-tools po/*.po)
  VERBUNDEN: 'ESTABLISHED', // de
  ETABLERAD: 'ESTABLISHED', LYSSNAR: 'LISTEN', STÄNGVÄNTA: 'CLOSE-WAIT', STÄNG: 'CLOSED', STÄNGER: 'CLOSING', // sv
  ESTABELECIDA: 'ESTABLISHED', OUÇA: 'LISTEN', ESPERANDOFECHAR: 'CLOSE-WAIT', SYNENVIADO: 'SYN-SENT',
  SYNRECEBIDO: 'SYN-RECEIVED', ESPERAFIN1: 'FIN-WAIT-1', ESPERAFIN2: 'FIN-WAIT-2', FECHAR: 'CLOSED',
  FECHANDO: 'CLOSING', ÚLTIMOACK: 'LAST-ACK', // pt_BR
  SPOJENO: 'ESTABLISHED', NASLOUCHÁ: 'LISTEN', ZAVŘEN: 'CLOSED', ZAVÍRÁ: 'CLOSING', POSLEDNÍACK: 'LAST-ACK', // cs
  ESTABLERT: 'ESTABLISHED', ESCOLTA: 'LISTEN', TEMPS: 'TIME-WAIT', TANCA: 'CLOSED', TANCAMENT: 'CLOSING', // ca
  // Windows netstat.exe, German (Checkmk win_netstat.py); ABHREN is ABHÖREN mis-decoded from cp850
  ABHÖREN: 'LISTEN', ABHREN: 'LISTEN', HERGESTELLT: 'ESTABLISHED', WARTEND: 'TIME-WAIT',
  SCHLIESSENWARTEN: 'CLOSE-WAIT', SYNGESENDET: 'SYN-SENT', SYNEMPFANGEN: 'SYN-RECEIVED',
  FINWARTEN1: 'FIN-WAIT-1', FINWARTEN2: 'FIN-WAIT-2',
  // Windows/PowerShell/Solaris states with no RFC counterpart: a bound socket that neither listens nor
  // connects is Linux's TCP_CLOSE (ss UNCONN); DELETE_TCB is a connection being torn down.
  BOUND: 'CLOSED', DELETETCB: 'CLOSED', IDLE: 'CLOSED',
};

/**
 * Windows `MIB_TCP_STATE` (tcpmib.h; also the numeric `State` of Get-NetTCPConnection in Windows
 * PowerShell 5.1's ConvertTo-Json). 100 is the CIM-only `Bound` of MSFT_NetTCPConnection.
 */
export const WINDOWS_MIB_STATE_CODES: Readonly<Record<number, TcpState>> = {
  1: 'CLOSED', 2: 'LISTEN', 3: 'SYN-SENT', 4: 'SYN-RECEIVED', 5: 'ESTABLISHED', 6: 'FIN-WAIT-1',
  7: 'FIN-WAIT-2', 8: 'CLOSE-WAIT', 9: 'CLOSING', 10: 'LAST-ACK', 11: 'TIME-WAIT', 12: 'CLOSED', 100: 'CLOSED',
};

/** Upper-case and drop separators, so `FIN_WAIT_1`, `fin-wait-1`, `FinWait1` and `FIN_WAIT1` all meet. */
export function normaliseWord(word: string): string {
  return word.toUpperCase().replace(/[\s_\-]/g, '');
}

/** The RFC name for any known spelling, or undefined (the caller reports the line). */
export function stateFromWord(word: string): TcpState | undefined {
  return SPELLINGS[normaliseWord(word)];
}

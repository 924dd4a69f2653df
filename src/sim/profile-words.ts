// The names a lab conclusion uses for the knobs of the OS profile it ran (`sim --profile`): Linux's
// tcp_fin_timeout is FreeBSD's net.inet.tcp.finwait2_timeout and Windows' TcpFinWait2Delay; Linux's
// fixed TIME-WAIT is 2 × MSL on FreeBSD and TcpTimedWaitDelay on Windows (stack/profiles.ts).
import type { Text } from '../i18n/lang.js';
import type { ProfileName } from '../stack/profiles.js';

export const OS_NAME: Readonly<Record<ProfileName, string>> = { linux: 'Linux', bsd: 'FreeBSD', windows: 'Windows' };

/** The orphaned FIN-WAIT-2 timeout's name on the profile's OS. */
export const FIN_TIMEOUT_NAME: Readonly<Record<ProfileName, string>> = {
  linux: 'tcp_fin_timeout', bsd: 'net.inet.tcp.finwait2_timeout', windows: 'TcpFinWait2Delay',
};

/** Where the TIME-WAIT length comes from on the profile's OS, as a clause after the duration. */
export function timeWaitSource(p: ProfileName, ms: number): Text {
  if (p === 'windows') return { en: ' — TcpTimedWaitDelay on Windows (30–300 s)', zh: '——Windows 上为 TcpTimedWaitDelay（30–300 秒）' };
  if (p === 'bsd') return { en: ' — 2 × net.inet.tcp.msl on FreeBSD', zh: '——FreeBSD 上为 2 × net.inet.tcp.msl' };
  return ms === 60_000 ? { en: ' — fixed on Linux (TCP_TIMEWAIT_LEN)', zh: '——Linux 上固定不变（TCP_TIMEWAIT_LEN）' } : { en: '', zh: '' };
}

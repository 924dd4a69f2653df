// The one place the lab builds a real simulated host (src/stack/host.ts). Each host gets its own
// copy of the config, so a scenario may tune one side without touching the other.
import type { TcpConfig } from '../core/config.js';
import type { SocketApi } from '../stack/api.js';
import { Host } from '../stack/host.js';
import type { ProfileName } from '../stack/profiles.js';

/** `config` already has the profile applied (configFrom); `profile` only names the OS in views. */
export function createLabHost(
  addr: string, config: TcpConfig, seed: number,
  opts: { recordStateChanges?: boolean; hostname?: string; profile?: ProfileName } = {},
): SocketApi {
  return new Host({
    addrs: [addr], config: structuredClone(config), seed, hostname: opts.hostname ?? addr,
    recordStateChanges: opts.recordStateChanges ?? true, profile: opts.profile ?? 'linux',
  });
}

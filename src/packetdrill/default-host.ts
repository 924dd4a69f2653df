// The host the runner plays scripts against by default: the engine behind its socket layer
// (src/stack/host.ts), holding the script's local addresses in both families, with a fixed seed
// so every run of a script is the same run.
import { Host } from '../stack/host.js';
import type { HostFactory } from './runner.js';
import { addressesFor } from './connection-map.js';

export const makeDefaultHost: HostFactory = (config, addrs) =>
  new Host({ config, addrs: [addrs.localWire, addressesFor('ipv4').localWire, addressesFor('ipv6').localWire], seed: 1 });

// The host the runner plays scripts against by default: the engine behind its socket layer.
import type { HostFactory } from './runner.js';

// Replaced by the real `Host` (src/stack/host.ts) as soon as it lands.
export const makeDefaultHost: HostFactory = () => {
  throw new Error('the simulated host (src/stack/host.ts) is not available yet');
};

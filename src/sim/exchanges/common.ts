// Openings the exchange scenarios share: a listener on B and a connection from A, fully set up.
import type { Lab } from '../exchange-kit.js';

export const SERVER = '10.0.0.2';
export const PORT = 80;

export interface Established { listener: number; client: number; server: number }

/** B listens on :80, A connects, B accepts: both ESTABLISHED after about 1.5 RTT. */
export function establish(lab: Lab): Established {
  const listener = lab.B.listen(PORT);
  const client = lab.A.connect(SERVER, PORT);
  lab.runUntilTrue(() => lab.state('B') === 'ESTABLISHED', 10_000);
  const server = lab.B.acceptFd(listener);
  lab.runFor(1000);
  return { listener, client, server };
}

/** How long `side` spent in `state` the first time it entered it (ms), if it left it. */
export function dwell(lab: Lab, side: 'A' | 'B', state: Parameters<Lab['when']>[1]): number | undefined {
  const tl = lab.rec.timeline.filter((c) => c.host === side);
  const i = tl.findIndex((c) => c.to === state);
  if (i < 0) return undefined;
  const out = tl.slice(i + 1).find((c) => c.from === state);
  return out ? out.at - tl[i].at : undefined;
}

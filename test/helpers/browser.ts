// A headless Chromium for the dashboard's browser tests, driven by playwright-core: Debian's
// `chromium` (.ci/run installs it), or the one TCPLENS_CHROMIUM names. Without one, the tests
// skip with `browserSkipReason()`. As root Chromium refuses to start without --no-sandbox.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

const CANDIDATES = [process.env.TCPLENS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((x): x is string => !!x);

export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!chromiumPath()) return `no Chromium found (${CANDIDATES.join(', ')}): install Debian's chromium (.ci/run does) or set TCPLENS_CHROMIUM`;
  return undefined;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({
    executablePath: chromiumPath()!, headless: true,
    args: [...(root ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}

/**
 * Polls `check` (which asks the page through Playwright's locators) until it returns true. The
 * page's CSP forbids eval, so Playwright's string predicates cannot run inside it; this runs here.
 */
export async function pollPage(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

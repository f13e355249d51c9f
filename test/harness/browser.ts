import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Finds the Chromium executable: $KONA_CHROMIUM, then Debian's /usr/bin/chromium(-browser); throws if none. */
export function findChromium(): string {
  const fromEnv = process.env.KONA_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`KONA_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `Chromium not found (looked at ${CANDIDATES.join(', ')}); install it with \`apt-get install chromium\` or set KONA_CHROMIUM`,
    );
  }
  return found;
}

// Playwright's 30 s default for each action and navigation is tight on a loaded two-core machine;
// playwright-core (without its test runner) sets it per context, so every context (the tests make pages
// through browser.newContext) gets this one.
const actionTimeoutMs = 90_000;

/** Launches the system's Chromium headless under playwright-core, with a fresh profile; the caller closes it. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: findChromium(), args: ARGS, headless: true });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(actionTimeoutMs);
    return context;
  };
  return browser;
}

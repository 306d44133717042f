// Headless Debian Chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';
import { onInterrupt } from './lifetime.mjs';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches Chromium; it is closed on SIGINT/SIGTERM, and killed by playwright when node exits. */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.LOCKORDER_CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumArgs,
    // lifetime.mjs owns the signal handling; playwright still kills the browser on 'exit'.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const forget = onInterrupt(() => browser.close());
  browser.once('disconnected', forget);
  return browser;
}

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { requireOrSkip } from './external_tools.js';

/** The system Chromium (Debian's package); tests never download browsers. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * True when Chromium is installed. Otherwise says loudly that the browser tests are skipped,
 * or throws when `KEYGATE_REQUIRE_SERVICES=1` (see `requireOrSkip`).
 */
export function chromiumAvailable(): boolean {
  return requireOrSkip(`Chromium (${CHROMIUM_PATH})`, existsSync(CHROMIUM_PATH));
}

/** Launches headless Chromium with the flags every browser test uses. Close it in afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

import type { Page } from 'playwright-core';

/** How {@link authorizeInChromium} walks the pages. */
export interface ChromiumAuthorizeOptions {
  /** Signs in on the login page first; omit when the browser already has a session. */
  readonly user?: { readonly login: string; readonly password: string };
  /** The consent button to press; default `Allow`. */
  readonly decision?: 'Allow' | 'Deny';
  /** The client's redirect URI: the walk ends when the browser has loaded it. */
  readonly redirectUri: string;
}

/**
 * Drives a real browser through keygate's pages like a person would: open the authorize URL,
 * fill the login form by its labels and press "Sign in", press "Allow" (or "Deny") on the
 * consent page, and wait until the browser has loaded the client's redirect URI. Returns the
 * URL the browser ended on.
 */
export async function authorizeInChromium(
  page: Page,
  authorizeUrl: string,
  options: ChromiumAuthorizeOptions,
): Promise<URL> {
  const { user, decision = 'Allow', redirectUri } = options;
  const redirect = new URL(redirectUri);
  await page.goto(authorizeUrl);
  if (user) {
    await page.getByLabel('Username').fill(user.login);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('button', { name: decision, exact: true }).click();
  await page.waitForURL(
    (url) => url.origin === redirect.origin && url.pathname === redirect.pathname,
    { waitUntil: 'load' },
  );
  return new URL(page.url());
}

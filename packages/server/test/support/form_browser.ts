import { request } from 'undici';

/** A response as the form browser sees it. */
export interface FormResponse {
  readonly status: number;
  readonly location: string | null;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * A minimal browser for protocol tests: keeps cookies, submits forms, does not follow
 * redirects (tests look at every hop). Real-browser behaviour is covered with Chromium.
 */
export class FormBrowser {
  readonly #cookies = new Map<string, string>();

  /** The cookie jar as a Cookie header value. */
  cookieHeader(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Forgets one cookie (or all). */
  clearCookie(name?: string): void {
    if (name === undefined) this.#cookies.clear();
    else this.#cookies.delete(name);
  }

  async #send(
    method: 'GET' | 'POST',
    url: string,
    form?: Record<string, string>,
  ): Promise<FormResponse> {
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const response = await request(url, { method, headers, ...(body ? { body } : {}) });
    const text = await response.body.text();
    const setCookie = response.headers['set-cookie'];
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at < 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=Thu, 01 Jan 1970)/i.test(a));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const location = response.headers.location;
    return {
      status: response.statusCode,
      location: typeof location === 'string' ? new URL(location, url).toString() : null,
      headers: response.headers,
      body: text,
    };
  }

  get(url: string): Promise<FormResponse> {
    return this.#send('GET', url);
  }

  post(url: string, form: Record<string, string>): Promise<FormResponse> {
    return this.#send('POST', url, form);
  }
}

/** The hidden inputs of the first form on a page, by name. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) {
      fields[name] = value
        .replaceAll('&quot;', '"')
        .replaceAll('&#39;', "'")
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>')
        .replaceAll('&amp;', '&');
    }
  }
  return fields;
}

/**
 * Walks the authorization code flow through the real pages: authorize → login form → consent
 * (approve) → redirect. Returns the final redirect URL (to the client) and the browser.
 */
export async function authorizeThroughForms(
  authorizeUrl: string,
  user: { login: string; password: string },
  browser = new FormBrowser(),
): Promise<{ redirect: URL; browser: FormBrowser }> {
  const origin = new URL(authorizeUrl).origin;
  let page = await browser.get(authorizeUrl);
  if (page.status === 200 && page.body.includes('action="/oauth/login"')) {
    const posted = await browser.post(`${origin}/oauth/login`, {
      ...hiddenFields(page.body),
      username: user.login,
      password: user.password,
    });
    if (posted.status !== 303 || !posted.location)
      throw new Error(`login answered ${posted.status}`);
    page = await browser.get(posted.location);
    if (page.body.includes('action="/oauth/login"')) throw new Error('login was refused');
  }
  if (page.status === 200 && page.body.includes('action="/oauth/consent"')) {
    page = await browser.post(`${origin}/oauth/consent`, {
      ...hiddenFields(page.body),
      decision: 'approve',
    });
  }
  if (!page.location || (page.status !== 302 && page.status !== 303)) {
    throw new Error(
      `expected a redirect to the client, got ${page.status}: ${page.body.slice(0, 200)}`,
    );
  }
  return { redirect: new URL(page.location), browser };
}

import { escapeHtml } from './escape_html.js';
import { pageLayout } from './page_layout.js';

/** What the sign-in page shows. */
export interface LoginPageModel {
  readonly clientName: string;
  readonly csrfToken: string;
  /** The sealed authorization request, carried through the form unchanged. */
  readonly sealedRequest: string;
  /** Set after a failed attempt: one generic message for every failure (O-4). */
  readonly failed: boolean;
}

/** The server-rendered sign-in form (O-4): works without JavaScript, labelled fields. */
export function renderLoginPage(model: LoginPageModel): string {
  const error = model.failed
    ? '<p class="error" role="alert" id="login-error">Wrong username or password.</p>\n'
    : '';
  return pageLayout(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <span class="app">${escapeHtml(model.clientName)}</span></p>
${error}<form method="post" action="/oauth/login">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
<input type="hidden" name="request" value="${escapeHtml(model.sealedRequest)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required${model.failed ? ' aria-describedby="login-error"' : ''}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

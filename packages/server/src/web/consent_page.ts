import { escapeHtml } from './escape_html.js';
import { pageLayout } from './page_layout.js';

/** What the consent page shows. */
export interface ConsentPageModel {
  readonly clientName: string;
  readonly userLogin: string;
  readonly scopes: readonly string[];
  readonly organizations: readonly { readonly id: string; readonly name: string }[];
  readonly csrfToken: string;
  readonly sealedRequest: string;
}

/** Asks the signed-in user to allow the client, and in which organization (O-4). */
export function renderConsentPage(model: ConsentPageModel): string {
  const scopes =
    model.scopes.length === 0
      ? '<p>It asks for no specific permissions.</p>'
      : `<p>It asks for:</p>\n<ul class="scopes">${model.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`;
  const organizations =
    model.organizations.length === 1
      ? `<input type="hidden" name="organization_id" value="${escapeHtml(model.organizations[0]?.id ?? '')}">
<p>Organization: <strong>${escapeHtml(model.organizations[0]?.name ?? '')}</strong></p>`
      : `<label for="organization_id">Organization</label>
<select id="organization_id" name="organization_id">${model.organizations
          .map((o) => `<option value="${escapeHtml(o.id)}">${escapeHtml(o.name)}</option>`)
          .join('')}</select>`;
  return pageLayout(
    'Allow access',
    `<h1>Allow access?</h1>
<p><span class="app">${escapeHtml(model.clientName)}</span> wants to act as <strong>${escapeHtml(model.userLogin)}</strong>.</p>
${scopes}
<form method="post" action="/oauth/consent">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
<input type="hidden" name="request" value="${escapeHtml(model.sealedRequest)}">
${organizations}
<div><button type="submit" name="decision" value="approve">Allow</button><button type="submit" name="decision" value="deny" class="secondary">Deny</button></div>
</form>`,
  );
}

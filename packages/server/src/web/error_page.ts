import { escapeHtml } from './escape_html.js';
import { pageLayout } from './page_layout.js';

/** An error shown to the person in the browser instead of redirecting anywhere (O-2). */
export function renderErrorPage(title: string, description: string): string {
  return pageLayout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(description)}</p>
<p>Go back to the application and try again. If this keeps happening, contact its developers.</p>`,
  );
}

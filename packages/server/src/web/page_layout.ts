import { escapeHtml } from './escape_html.js';

/** The stylesheet every page links to (served from /oauth/assets/keygate.css, CSP 'self'). */
export const PAGE_STYLESHEET = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f7;color:#1c1e21;margin:0}
main{max-width:24rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 1rem}
p{line-height:1.45}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=text],input[type=password],select{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #8a8f98;border-radius:4px;font-size:1rem}
button{margin-top:1.25rem;padding:.65rem 1.2rem;font-size:1rem;border-radius:4px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8;margin-left:.5rem}
button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.error{background:#fdecea;border:1px solid #b42318;color:#7a1a12;padding:.6rem .8rem;border-radius:4px}
ul.scopes{padding-left:1.2rem}
.app{font-weight:600}
`.trim();

/** Wraps page content in the shared HTML document (lang, viewport, title, stylesheet). */
export function pageLayout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · keygate</title>
<link rel="stylesheet" href="/oauth/assets/keygate.css">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

import { escapeMarkup } from '../../core/audit/report/escapeMarkup';

/** A page for a refusal or a plain message, outside any session: the message escaped, a sign-in link when useful. */
export function renderRefusalPage(options: { readonly title: string; readonly message: string; readonly signInHref?: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeMarkup(options.title)} — Writ console</title>
<link rel="stylesheet" href="/assets/console.css">
</head>
<body><main id="main">
<h1>${escapeMarkup(options.title)}</h1>
<p class="refusal" role="alert">${escapeMarkup(options.message)}</p>
${options.signInHref === undefined ? '' : `<p><a href="${escapeMarkup(options.signInHref)}">Sign in</a></p>`}
</main></body></html>
`;
}

import { escapeMarkup } from '../../core/audit/report/escapeMarkup';
import type { ConsoleSession } from '../session/consoleSessions';

/**
 * A console page: the operator's name and a sign-out button (a POST carrying the session's
 * CSRF token) in the header, the page's own content in `<main>`. `body` is markup the page
 * built with every value escaped; the title is escaped here. The only scripts are the
 * console's own file (live updates, the passkey ceremonies) and the WebAuthn browser library.
 */
export function renderLayout(options: { readonly title: string; readonly session: ConsoleSession; readonly nav: ConsoleNav; readonly body: string; readonly live?: string }): string {
  const { session, nav } = options;
  const links = [nav.pending ? '<a href="/">Pending approvals</a>' : '', '<a href="/passkeys">Passkeys</a>', nav.killSwitch ? '<a href="/kill-switch">Kill switch</a>' : ''].filter((link) => link !== '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeMarkup(options.title)} — Writ console</title>
<meta name="writ-csrf" content="${escapeMarkup(session.csrfToken)}">
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/webauthn.js" defer></script>
<script src="/assets/console.js" defer></script>
</head>
<body${options.live === undefined ? '' : ` data-live="${escapeMarkup(options.live)}"`}>
<header>
<a class="brand" href="/">Writ console</a>
<nav aria-label="Console">${links.join(' ')}</nav>
<form class="sign-out" method="post" action="/sign-out">
<span class="operator">Signed in as <strong>${escapeMarkup(session.principal)}</strong>${session.groups.length === 0 ? '' : ` (${escapeMarkup(session.groups.join(', '))})`}</span>
<input type="hidden" name="csrf" value="${escapeMarkup(session.csrfToken)}">
<button type="submit">Sign out</button>
</form>
</header>
<main id="main">
${options.body}
</main>
</body></html>
`;
}

/** Which of the header's links the signed-in operator's policies let them follow: a link that only leads to a refusal is left out. */
export interface ConsoleNav {
  readonly pending: boolean;
  readonly killSwitch: boolean;
}

import { escapeMarkup } from '../audit/report/escapeMarkup';

/**
 * The development provider's sign-in page: one field, the account's principal. Every value
 * is escaped and the page carries no script at all (the provider serves it with a
 * Content-Security-Policy that allows none), so nothing typed or echoed can run.
 */
export function renderLoginPage(options: { readonly action: string; readonly clientId: string; readonly refusal?: string | undefined }): string {
  const refusal = options.refusal === undefined ? '' : `<p role="alert" class="refusal">${escapeMarkup(options.refusal)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in — Writ development identity provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>Sign in</h1>
<p>Development identity provider, for <code>${escapeMarkup(options.clientId)}</code>. Accounts are configured; there are no passwords on loopback.</p>
${refusal}
<form method="post" action="${escapeMarkup(options.action)}">
<label for="principal">Principal</label>
<input id="principal" name="principal" autocomplete="username" required autofocus maxlength="128">
<button type="submit">Sign in</button>
</form>
</main></body></html>
`;
}

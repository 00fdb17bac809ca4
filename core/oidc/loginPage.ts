import type { IncomingMessage } from 'node:http';
import { escapeMarkup } from '../audit/report/escapeMarkup';
import { WritError } from '../errors/writError';

/** The largest sign-in form body read, in bytes: a principal's name is far shorter. */
const MAX_FORM_BYTES = 4096;

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

/** Reads a urlencoded form of at most 4 KiB (`INPUT_TOO_LARGE` beyond, `INPUT_INVALID` for another type). */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new WritError('INPUT_INVALID', 'the sign-in form is sent as application/x-www-form-urlencoded');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new WritError('INPUT_TOO_LARGE', `the sign-in form is larger than ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

import type { IncomingMessage } from 'node:http';

/** The cookies a request carries, by name (the first of each name counts). */
export function requestCookies(request: IncomingMessage): ReadonlyMap<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/**
 * A `Set-Cookie` value the console sends: always HttpOnly (no script reads a session) and
 * SameSite=Lax (sent on the top-level navigation back from the identity provider, never on
 * another site's POST), Secure whenever the console is served over TLS, scoped to the whole
 * console. `maxAgeSeconds` 0 deletes it.
 */
export function consoleCookie(name: string, value: string, options: { readonly secure: boolean; readonly maxAgeSeconds: number }): string {
  return [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAgeSeconds}`, ...(options.secure ? ['Secure'] : [])].join('; ');
}

/**
 * Signs an operator in to the console the way a browser does, with a plain HTTP client and
 * a cookie jar per origin: the console's redirect to its OpenID provider, the provider's
 * sign-in form (the principal posted), the redirects back through the authorization code
 * flow, and the callback that opens the session. Returns the cookie header the console's
 * pages then take. A bench needs a real session, and no browser.
 */
export async function signInWithCookies(consoleUrl: string, principal: string): Promise<string> {
  const jars = new Map<string, Map<string, string>>();
  const jarOf = (url: URL): Map<string, string> => {
    const jar = jars.get(url.origin) ?? new Map<string, string>();
    jars.set(url.origin, jar);
    return jar;
  };
  const send = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const jar = jarOf(url);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), ...(cookie === '' ? {} : { cookie }) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
    return response;
  };
  let url = new URL('/', consoleUrl);
  let response = await send(url);
  for (let hop = 0; hop < 20; hop += 1) {
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url);
      if (url.origin === new URL(consoleUrl).origin && url.pathname === '/' && jarOf(url).has('writ_session')) break;
      response = await send(url);
      continue;
    }
    const page = await response.text();
    const form = /<form[^>]*action="([^"]+)"/.exec(page);
    if (response.status !== 200 || form === null) throw new Error(`the sign-in stopped at ${url.href} with HTTP ${response.status}: ${page.slice(0, 300)}`);
    url = new URL(form[1]!.replace(/&amp;/g, '&'), url);
    response = await send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin }, body: new URLSearchParams({ principal }).toString() });
  }
  const session = jarOf(new URL(consoleUrl)).get('writ_session');
  if (session === undefined) throw new Error(`signing ${principal} in to ${consoleUrl} opened no session`);
  return `writ_session=${session}`;
}

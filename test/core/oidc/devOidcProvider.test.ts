import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { IdentityVerifier } from '../../../core/identity/identityVerifier';
import { startDevOidcProvider, type RunningDevOidcProvider } from '../../../core/oidc/devOidcProvider';
import { awaitedCodeOf } from '../../support/codeOf';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-oidc-'));
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const CLIENT = { clientId: 'writ-console', clientSecret: 'console-secret', redirectUris: [REDIRECT_URI] };
let provider: RunningDevOidcProvider;
let relyingParty: oidc.Configuration;

beforeAll(async () => {
  provider = await startDevOidcProvider({
    idpDir: path.join(root, 'idp'),
    accounts: [{ principal: 'bob', groups: ['treasury-approvers'] }, { principal: 'carol' }],
    clients: [CLIENT],
  });
  relyingParty = await oidc.discovery(new URL(provider.issuer), CLIENT.clientId, CLIENT.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => {
  await provider.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A browser's cookie jar, enough for one provider on one origin. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

interface Authorization {
  readonly url: URL;
  readonly codeVerifier: string;
  readonly state: string;
}

async function startAuthorization(overrides: Record<string, string> = {}): Promise<Authorization> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(relyingParty, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid groups',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    ...overrides,
  });
  return { url, codeVerifier, state };
}

/** Follows the provider's redirects as a browser would, until it sends the browser back to the relying party. */
async function follow(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  let response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
  jar.take(response);
  while (response.status >= 300 && response.status < 400) {
    const next = new URL(response.headers.get('location')!, url);
    if (next.origin !== provider.issuer) return response;
    response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(response);
    url = next.href;
  }
  return response;
}

/** Signs in as `principal` on the provider's page; returns the final response (a redirect to the relying party, or the page). */
async function signIn(authorization: Authorization, principal: string): Promise<{ response: Response; page: string }> {
  const jar = new CookieJar();
  const pageResponse = await follow(jar, authorization.url.href);
  expect(pageResponse.status).toBe(200);
  const page = await pageResponse.text();
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  expect(action).toMatch(/^\/interaction\//);
  const response = await follow(jar, new URL(action!, provider.issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ principal }).toString(),
  });
  return { response, page: response.status === 200 || response.status === 403 ? await response.text() : '' };
}

describe('the development OpenID provider', () => {
  it('publishes discovery with the code flow, PKCE S256 and EdDSA ID tokens', () => {
    const metadata = relyingParty.serverMetadata();
    expect(metadata.issuer).toBe(provider.issuer);
    expect(metadata.jwks_uri).toBe(provider.jwksUrl);
    expect(metadata.response_types_supported).toContain('code');
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['EdDSA']);
  });

  describe('when an operator signs in with the authorization code flow and PKCE', () => {
    it('issues an ID token that an identity verifier trusts through the JWKS URL', async () => {
      const authorization = await startAuthorization();
      const { response } = await signIn(authorization, 'bob');
      expect(response.status).toBe(303);
      const callback = new URL(response.headers.get('location')!);
      expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
      const tokens = await oidc.authorizationCodeGrant(relyingParty, callback, { pkceCodeVerifier: authorization.codeVerifier, expectedState: authorization.state });
      expect(tokens.claims()).toMatchObject({ iss: provider.issuer, sub: 'bob', aud: CLIENT.clientId, groups: ['treasury-approvers'] });

      const verifier = await IdentityVerifier.create({ issuer: provider.issuer, audience: CLIENT.clientId, jwksUrl: provider.jwksUrl });
      const identity = await verifier.verify(tokens.id_token);
      expect(identity).toMatchObject({ principal: 'bob', groups: ['treasury-approvers'], issuer: provider.issuer });

      const otherAudience = await IdentityVerifier.create({ issuer: provider.issuer, audience: 'writ', jwksUrl: provider.jwksUrl });
      expect(await awaitedCodeOf(() => otherAudience.verify(tokens.id_token))).toBe('IDENTITY_INVALID');
    });
  });

  describe('when the code is redeemed without its PKCE verifier', () => {
    it('refuses the code', async () => {
      const authorization = await startAuthorization();
      const { response } = await signIn(authorization, 'carol');
      const callback = new URL(response.headers.get('location')!);
      await expect(oidc.authorizationCodeGrant(relyingParty, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: authorization.state })).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('when an authorization request carries no code challenge', () => {
    it('sends the browser back with invalid_request before anyone signs in', async () => {
      const url = oidc.buildAuthorizationUrl(relyingParty, { redirect_uri: REDIRECT_URI, scope: 'openid', state: oidc.randomState() });
      const response = await follow(new CookieJar(), url.href);
      const back = new URL(response.headers.get('location')!);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('code')).toBeNull();
    });
  });

  describe('when someone signs in with an account the provider does not have', () => {
    it('refuses on the page with IDENTITY_INVALID and issues no code', async () => {
      const { response, page } = await signIn(await startAuthorization(), 'mallory');
      expect(response.status).toBe(403);
      expect(page).toContain('IDENTITY_INVALID');
      expect(response.headers.get('location')).toBeNull();
    });
  });

  describe('when a principal carries markup', () => {
    it('shows it escaped on a page that allows no script', async () => {
      const { response, page } = await signIn(await startAuthorization(), '<script>alert(1)</script>');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page).not.toContain('<script>');
      expect(page).toContain('&lt;script&gt;');
    });
  });

  describe('when its accounts are invalid', () => {
    it('refuses to start with CONFIG_INVALID', async () => {
      const start = () => startDevOidcProvider({ idpDir: path.join(root, 'idp'), accounts: [{ principal: 'bob' }, { principal: 'bob' }], clients: [CLIENT] });
      expect(await awaitedCodeOf(start)).toBe('CONFIG_INVALID');
    });
  });
});

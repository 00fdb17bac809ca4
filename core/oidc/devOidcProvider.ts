import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { WritError } from '../errors/writError';
import { KeyStore } from '../keys/keyStore';
import { parseDevOidcAccounts } from './devOidcAccounts';
import { readForm } from '../http/readForm';
import { renderLoginPage } from './loginPage';

/** A relying party the development provider knows (the console, a test client). */
export interface DevOidcClient {
  /** The `client_id`, and the `aud` of the ID tokens it is given. */
  readonly clientId: string;
  /** Its secret (`client_secret_basic`); none makes it a public client. */
  readonly clientSecret?: string | undefined;
  /** Where the provider may send the authorization response: exact match. */
  readonly redirectUris: readonly string[];
}

/** Options of `startDevOidcProvider`. */
export interface DevOidcProviderOptions {
  /** The development identity provider's directory: its Ed25519 key signs the ID tokens. */
  readonly idpDir: string;
  /** Who may sign in (principals and groups). */
  readonly accounts: readonly { readonly principal: string; readonly groups?: readonly string[] }[];
  /** The relying parties it serves. */
  readonly clients: readonly DevOidcClient[];
  /** The loopback port to listen on (default: a free one). */
  readonly port?: number;
  /** Lifetime of ID tokens, in seconds (default 3600). */
  readonly idTokenTtlSeconds?: number;
}

/** A running development OpenID provider. */
export interface RunningDevOidcProvider {
  /** The issuer (`http://127.0.0.1:<port>`): ID tokens' `iss`, and where discovery is. */
  readonly issuer: string;
  /** Its JWKS endpoint, for an identity verifier's `jwksUrl`. */
  readonly jwksUrl: string;
  /** Stops listening. */
  stop(): Promise<void>;
}

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})\/?$/;

/**
 * Headers of every sign-in page: no script, no style from elsewhere, no framing, and the form
 * may post only to the provider, whose answer may redirect only to a configured client
 * (browsers apply `form-action` to the redirects that follow a form's submission too).
 */
function loginPageHeaders(clients: readonly DevOidcClient[]): Record<string, string> {
  const redirectOrigins = [...new Set(clients.flatMap((client) => client.redirectUris.map((uri) => new URL(uri).origin)))];
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; form-action 'self' ${redirectOrigins.join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * Starts a real OpenID Connect provider on loopback for development (`oidc-provider`):
 * discovery, JWKS, authorization (code flow, PKCE required for every client) and token
 * endpoints, ID tokens signed EdDSA with the development identity provider's own key, so an
 * `IdentityVerifier` trusts them through the JWKS URL exactly as it would a company's
 * provider, and `writ token`'s tokens verify against the same keys. Sign-in asks only for
 * the account's principal (a development provider on loopback; accounts are configured),
 * and consent is implied for the configured first-party clients.
 */
export async function startDevOidcProvider(options: DevOidcProviderOptions): Promise<RunningDevOidcProvider> {
  const accounts = parseDevOidcAccounts(options.accounts);
  if (options.clients.length === 0) throw new WritError('CONFIG_INVALID', 'the OpenID provider needs at least one client');
  const keys = KeyStore.open(options.idpDir);
  const { kid } = await keys.ensureActive();
  const { key } = await keys.loadSigningKey();
  const signingJwk = { ...(await exportJWK(key)), kid, alg: 'EdDSA', use: 'sig' };

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // oidc-provider is an ES module; required here so that loading Writ does not load Koa.
  const { default: ProviderClass } = require('oidc-provider') as { default: typeof Provider };
  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      ...(client.clientSecret === undefined ? { token_endpoint_auth_method: 'none' } : { client_secret: client.clientSecret }),
      redirect_uris: [...client.redirectUris],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'EdDSA',
    })),
    jwks: { keys: [signingJwk] },
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], groups: ['groups'] },
    scopes: ['openid', 'groups'],
    // Writ reads `groups` from the ID token itself, as it does from `writ token`'s.
    conformIdTokenClaims: false,
    ttl: { IdToken: options.idTokenTtlSeconds ?? 3600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (account === undefined) return undefined;
      return { accountId: id, claims: () => ({ sub: id, groups: [...account.groups] }) };
    },
    // The configured clients are first-party: sign-in grants what they ask for.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (session?.accountId === undefined || client === undefined) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope('openid groups');
      await grant.save();
      return grant;
    },
  };
  const provider = new ProviderClass(issuer, configuration);
  const handleProtocol = provider.callback();
  const headers = loginPageHeaders(options.clients);

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const match = INTERACTION_PATH.exec(new URL(request.url ?? '/', issuer).pathname);
    if (match === null) {
      handleProtocol(request, response);
      return;
    }
    handleSignIn(provider, accounts, headers, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(error instanceof WritError && error.code === 'INPUT_TOO_LARGE' ? 413 : 400, headers);
        response.end(renderLoginPage({ action: request.url ?? '/', clientId: '-', refusal: error instanceof WritError ? `${error.code}: ${error.message}` : 'the sign-in could not be completed; start again from the application' }));
      } else {
        response.destroy();
      }
    });
  });

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The sign-in step of an authorization: the form, then the account it names. */
async function handleSignIn(provider: Provider, accounts: ReadonlyMap<string, unknown>, headers: Record<string, string>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  const clientId = String(details.params['client_id'] ?? '-');
  const action = `/interaction/${details.uid}`;
  if (request.method === 'GET') {
    response.writeHead(200, headers);
    response.end(renderLoginPage({ action, clientId }));
    return;
  }
  if (request.method !== 'POST') {
    response.writeHead(405, { ...headers, allow: 'GET, POST' });
    response.end();
    return;
  }
  const principal = (await readForm(request)).get('principal') ?? '';
  if (!accounts.has(principal)) {
    response.writeHead(403, headers);
    response.end(renderLoginPage({ action, clientId, refusal: `IDENTITY_INVALID: no account ${principal.slice(0, 128)} at this provider` }));
    return;
  }
  await provider.interactionFinished(request, response, { login: { accountId: principal } }, { mergeWithLastSubmission: false });
}

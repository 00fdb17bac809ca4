import { existsSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as oidc from 'openid-client';
import { WRIT_ERROR_CODES, WritError, type WritErrorCode } from '../core/errors/writError';
import { readForm } from '../core/http/readForm';
import { readJson } from '../core/http/readJson';
import type { PendingRun } from '../core/operators/operatorConsole';
import { DEFAULT_PASSKEY_TRUST, type PasskeyTrust } from '../core/passkeys/passkeyTrust';
import type { ApprovalAnswer, KillSwitchInForce, KillSwitchReceipt, OperatorActReceipt, PendingApproval } from '../core/protocol/operatorContract';
import { APPROVAL_AUDIENCE, KILL_SWITCH_AUDIENCE, REVOCATION_AUDIENCE } from '../core/operators/statements';
import type { ConsoleAccess, ConsoleView } from './access/consoleAccess';
import type { EvidenceLog } from '../core/log/evidence/evidenceLog';
import { renderKillSwitchPage } from './pages/killSwitchPage';
import type { AuditVerdict } from '../core/audit/types';
import { buildLineageGraph } from '../core/audit/report/lineageGraph';
import { renderLineageSvg } from '../core/audit/report/renderLineageSvg';
import { renderWorkflowPage } from './pages/workflowPage';
import { PasskeyCeremonies, type PasskeyStore } from './passkeys/passkeyCeremonies';
import { renderPasskeysPage } from './pages/passkeysPage';
import { consoleCookie, requestCookies } from './http/cookies';
import { SECURITY_HEADERS } from './http/securityHeaders';
import { renderLayout, type ConsoleNav } from './pages/layout';
import { renderPendingPage, renderPendingTable } from './pages/pendingPage';
import { renderRefusalPage } from './pages/refusalPage';
import { ConsoleSessions, isSessionCsrfToken, type ConsoleSession } from './session/consoleSessions';

/** The OpenID provider the console signs operators in with, as the console's client. */
export interface ConsoleRelyingParty {
  /** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string;
  /** The console's `client_id` at the provider. */
  readonly clientId: string;
  /** The console's client secret (`client_secret_basic`). */
  readonly clientSecret: string;
}

/** What the console reads about running workflows, and how it sends operators' decisions. */
export interface ConsoleOperations {
  /** Every run awaiting approval, with what it awaits. */
  pending(): Promise<PendingRun[]>;
  /** What one run awaits, or undefined. */
  pendingOf(workflowId: string): Promise<PendingApproval | undefined>;
  /** Sends an approval or denial statement through the run's `writ.approve` update. */
  sendApproval(workflowId: string, statement: string): Promise<ApprovalAnswer>;
  /** The current run of a workflow: the run a revocation names. */
  currentRunId(workflowId: string): Promise<string>;
  /** Sends a revocation statement to the run it names (`writ.revoke`). */
  sendRevocation(workflowId: string, runId: string, statement: string): Promise<OperatorActReceipt>;
  /** The namespace the kill switch applies to. */
  readonly namespace: string;
  /** The kill-switch change in force, or null before any. */
  killSwitchInForce(): Promise<KillSwitchInForce | null>;
  /** Sends a kill-switch statement to the control workflow. */
  sendKillSwitch(statement: string): Promise<KillSwitchReceipt>;
  /** The history checker's verdict on a workflow's latest run and its related runs, as `writ audit verify --no-replay` gives it. */
  audit(workflowId: string): Promise<AuditVerdict>;
}

/** Options of `startConsole`. */
export interface ConsoleOptions {
  /** Where operators' runs are read. */
  readonly operations: ConsoleOperations;
  /**
   * Who may see what, decided per request for the signed-in principal and groups (Cedar
   * `viewPending`, `viewWorkflow`, `viewKillSwitch`: see cedarConsoleAccess). Required: a console that was
   * not told shows nothing.
   */
  readonly access: ConsoleAccess;
  /**
   * The evidence log the workers write to: each passkey binding is logged there before the
   * store records it. Required: `NO_EVIDENCE_LOG` only where the workers' log is off too.
   */
  readonly evidenceLog: EvidenceLog;
  /** Where operators' passkey bindings are kept: the governance store the workers read. */
  readonly passkeys: PasskeyStore;
  /** The relying party id passkeys are scoped to, and the origins assertions come from (default: localhost). */
  readonly passkeyTrust?: PasskeyTrust;
  /**
   * The console's OpenID provider, given the redirect URI the console listens on (its own
   * origin + `/auth/callback`): a company's provider, or the development one started for it.
   */
  readonly relyingParty: (redirectUri: string) => Promise<ConsoleRelyingParty>;
  /** The interface to listen on (default 127.0.0.1: loopback unless told otherwise). */
  readonly host?: string;
  /** The port (default: a free one). */
  readonly port?: number;
  /** The longest a session lasts, in seconds (default 8 hours; never past its ID token). */
  readonly sessionSeconds?: number;
  /**
   * The origin operators reach the console at when TLS is terminated in front of it
   * (`https://console.example.com`): the redirect URI, the same-origin checks, the passkey
   * ceremonies and the cookies' `Secure` flag follow it. Default: the address it listens on.
   */
  readonly publicOrigin?: string;
  /** Lets discovery and the token request use plain http: only for a provider on loopback. */
  readonly allowInsecureProvider?: boolean;
  /** The clock; tests inject one. */
  readonly clock?: () => number;
}

/** A running console. */
export interface RunningConsole {
  /** Its origin (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** Stops serving; sessions end with it. */
  stop(): Promise<void>;
}

const SESSION_COOKIE = 'writ_session';
// `/workflows/<id>` and its lineage picture; the id is one path segment, percent-encoded.
const WORKFLOW_PATH = /^\/workflows\/([^/]{1,1000})(\/lineage\.svg)?$/;
const SIGN_IN_COOKIE = 'writ_sign_in';
const ASSET_TYPES: Readonly<Record<string, string>> = { 'console.css': 'text/css; charset=utf-8', 'console.js': 'text/javascript; charset=utf-8', 'webauthn.js': 'text/javascript; charset=utf-8' };

/**
 * `writ console`: the operators' web console. Operators sign in with OpenID Connect (code
 * flow with PKCE, state and nonce, through `openid-client`); a session is an HttpOnly,
 * SameSite=Lax cookie (Secure over TLS) naming a server-side session; every state-changing
 * request must carry that session's CSRF token and come from the console's own origin; every
 * page is served under a Content-Security-Policy that allows no inline script, and every
 * value that came from a workflow is escaped.
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? Date.now;
  const sessions = new ConsoleSessions(clock);
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // WebAuthn refuses IP addresses as relying party ids: on loopback the console is
  // reached, and its cookies and passkeys scoped, as localhost.
  const origin = options.publicOrigin ?? (isLoopback(host) ? `http://localhost:${port}` : `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const secure = origin.startsWith('https:');
  const redirectUri = `${origin}/auth/callback`;
  const settings = await options.relyingParty(redirectUri);
  const relyingParty = await oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, options.allowInsecureProvider ? { execute: [oidc.allowInsecureRequests] } : undefined).catch((error: unknown) => {
    server.close();
    throw new WritError('IDENTITY_PROVIDER_UNAVAILABLE', `the console could not read the OpenID provider's discovery at ${settings.issuer}: ${(error as Error).message}`, { cause: error });
  });
  const assets = assetDirectory();
  const ceremonies = new PasskeyCeremonies(options.passkeys, options.passkeyTrust ?? DEFAULT_PASSKEY_TRUST, origin, clock, options.evidenceLog);
  /** The header's links to the pages the operator's policies let them see (each decided as the page itself is). */
  const navFor = (session: ConsoleSession): ConsoleNav => ({ pending: mayView(session, 'viewPending'), killSwitch: mayView(session, 'viewKillSwitch') });
  const mayView = (session: ConsoleSession, view: ConsoleView): boolean => {
    try {
      options.access.requireView(session, view);
      return true;
    } catch {
      return false;
    }
  };

  const sessionOf = (request: IncomingMessage): ConsoleSession | undefined => sessions.find(requestCookies(request).get(SESSION_COOKIE));

  const routes = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', origin);
    const route = `${request.method ?? 'GET'} ${url.pathname}`;
    if (request.method === 'GET' && url.pathname.startsWith('/assets/')) return serveAsset(response, assets, url.pathname.slice('/assets/'.length));
    if (route === 'GET /sign-in') return beginSignIn(response, url.searchParams.get('returnTo'));
    if (route === 'GET /auth/callback') return completeSignIn(request, response, url);
    const session = sessionOf(request);
    if (request.method === 'POST' && url.pathname.startsWith('/api/')) {
      if (session === undefined) return refuseJson(response, 401, 'IDENTITY_MISSING', 'sign in first');
      const presented = request.headers['x-writ-csrf'];
      if (!isSameOrigin(request, origin) || !isSessionCsrfToken(session, typeof presented === 'string' ? presented : undefined)) {
        return refuseJson(response, 403, 'CSRF_INVALID', 'this request did not come from a console page of this session: reload the page and try again');
      }
      return json(response, 200, await apiCall(url.pathname, session, await readJson(request)));
    }
    if (request.method === 'POST') {
      if (session === undefined) return refuse(response, 401, 'IDENTITY_MISSING', 'sign in first');
      const form = await readForm(request);
      if (!isSameOrigin(request, origin) || !isSessionCsrfToken(session, form.get('csrf'))) {
        return refuse(response, 403, 'CSRF_INVALID', 'this request did not come from a console page of this session: reload the page and try again', session);
      }
      if (url.pathname === '/sign-out') {
        sessions.close(session.id);
        response.writeHead(303, { ...SECURITY_HEADERS, location: '/signed-out', 'set-cookie': consoleCookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 }) });
        response.end();
        return;
      }
      return refuse(response, 404, 'INPUT_INVALID', `no such action: ${url.pathname}`, session);
    }
    if (route === 'GET /signed-out') return html(response, 200, renderRefusalPage({ title: 'Signed out', message: 'You are signed out of the Writ console.', signInHref: '/sign-in' }));
    if (session === undefined) {
      if (url.pathname.startsWith('/api/')) return refuse(response, 401, 'IDENTITY_MISSING', 'sign in first');
      response.writeHead(303, { ...SECURITY_HEADERS, location: `/sign-in?returnTo=${encodeURIComponent(url.pathname)}` });
      response.end();
      return;
    }
    if (route === 'GET /') {
      options.access.requireView(session, 'viewPending');
      const pending = await options.operations.pending();
      return html(response, 200, renderLayout({ title: 'Pending approvals', session, nav: navFor(session), body: renderPendingPage(pending, new Date(clock())), live: '/api/pending' }));
    }
    if (route === 'GET /api/pending') {
      options.access.requireView(session, 'viewPending');
      return html(response, 200, renderPendingTable(await options.operations.pending(), new Date(clock())));
    }
    const workflow = WORKFLOW_PATH.exec(url.pathname);
    if (request.method === 'GET' && workflow !== null) {
      const workflowId = decodeURIComponent(workflow[1]!);
      options.access.requireView(session, 'viewWorkflow');
      const verdict = await options.operations.audit(workflowId);
      if (workflow[2] === '/lineage.svg') {
        // The picture is served apart, as an image: its own inline style is allowed there,
        // and a document loaded as an image runs no script.
        response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'image/svg+xml; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
        response.end(renderLineageSvg(buildLineageGraph(verdict)));
        return;
      }
      return html(response, 200, renderLayout({ title: workflowId, session, nav: navFor(session), body: renderWorkflowPage(workflowId, verdict) }));
    }
    if (route === 'GET /kill-switch') {
      options.access.requireView(session, 'viewKillSwitch');
      return html(response, 200, renderLayout({ title: 'Kill switch', session, nav: navFor(session), body: renderKillSwitchPage(options.operations.namespace, await options.operations.killSwitchInForce()) }));
    }
    if (route === 'GET /passkeys') {
      return html(response, 200, renderLayout({ title: 'Passkeys', session, nav: navFor(session), body: renderPasskeysPage(await options.passkeys.passkeysOf(session.principal)) }));
    }
    return refuse(response, 404, 'INPUT_INVALID', `no page at ${url.pathname}`, session);
  };

  /** The console's JSON calls: the WebAuthn ceremonies, and sending a decision. */
  const apiCall = async (pathname: string, session: ConsoleSession, body: unknown): Promise<unknown> => {
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    switch (pathname) {
      case '/api/passkeys/registration-options':
        return ceremonies.registrationOptions(session);
      case '/api/passkeys/registration':
        return ceremonies.completeRegistration(session, fields['response'] as never);
      case '/api/passkeys/binding': {
        const binding = await ceremonies.completeBinding(session, fields['response'] as never);
        return { credentialId: binding.credentialId, principal: binding.principal };
      }
      case '/api/decisions/options': {
        const workflowId = String(fields['workflowId'] ?? '');
        const decision = fields['decision'] === 'deny' ? 'deny' : fields['decision'] === 'approve' ? 'approve' : undefined;
        if (decision === undefined) throw new WritError('INPUT_INVALID', 'a decision is approve or deny');
        const reason = reasonOf(fields);
        // What the statement would name is workflow data: shown only to who may see it.
        options.access.requireView(session, 'viewPending');
        const pending = await options.operations.pendingOf(workflowId);
        if (pending === undefined) throw new WritError('APPROVAL_NOT_PENDING', `${workflowId} awaits no approval`);
        const { requestDigest, runId, stepId, action, argsDigest, policyVersion } = pending;
        const statement = { kind: 'approval', decision, requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion, ...(reason === undefined ? {} : { reason }) };
        return ceremonies.statementOptions(session, APPROVAL_AUDIENCE, statement, { kind: 'approval', workflowId });
      }
      case '/api/revocations/options': {
        const workflowId = String(fields['workflowId'] ?? '');
        // Typed confirmation: the operator types the workflow id they revoke.
        if (fields['confirm'] !== workflowId || workflowId === '') throw new WritError('INPUT_INVALID', 'to revoke, type the workflow id exactly');
        const reason = reasonOf(fields);
        if (reason === undefined) throw new WritError('INPUT_INVALID', 'a revocation states its reason');
        options.access.requireView(session, 'viewWorkflow');
        const runId = await options.operations.currentRunId(workflowId);
        return ceremonies.statementOptions(session, REVOCATION_AUDIENCE, { kind: 'revocation', workflowId, runId, reason }, { kind: 'revocation', workflowId, runId });
      }
      case '/api/kill-switch/options': {
        const engage = fields['engage'] === true;
        const namespace = options.operations.namespace;
        const expected = `${engage ? 'HALT' : 'RESUME'} ${namespace}`;
        if (fields['confirm'] !== expected) throw new WritError('INPUT_INVALID', `to ${engage ? 'engage' : 'lift'} the kill switch, type ${expected}`);
        const reason = reasonOf(fields);
        if (reason === undefined) throw new WritError('INPUT_INVALID', 'a kill-switch change states its reason');
        // The halt in force (what a lift names) is shown only to who may see the kill switch.
        options.access.requireView(session, 'viewKillSwitch');
        const inForce = engage ? null : await options.operations.killSwitchInForce();
        if (!engage && (inForce === null || !inForce.engaged)) throw new WritError('KILL_SWITCH_STATE_MISMATCH', `no halt is in force in namespace ${namespace}: there is nothing to lift`);
        const statement = { kind: 'kill-switch', engage, namespace, reason, ...(inForce === null ? {} : { lifts: inForce.statementDigest }) };
        return ceremonies.statementOptions(session, KILL_SWITCH_AUDIENCE, statement, { kind: 'kill-switch' });
      }
      case '/api/statements': {
        const { target, statement } = ceremonies.completeStatement(session, fields['response'] as never);
        if (target.kind === 'approval') return options.operations.sendApproval(target.workflowId, statement);
        if (target.kind === 'revocation') return options.operations.sendRevocation(target.workflowId, target.runId, statement);
        return options.operations.sendKillSwitch(statement);
      }
      default:
        throw new WritError('INPUT_INVALID', `no such call: ${pathname}`);
    }
  };

  const beginSignIn = async (response: ServerResponse, returnTo: string | null): Promise<void> => {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const signIn = sessions.beginSignIn({ codeVerifier, returnTo: isConsolePath(returnTo) ? returnTo : '/' });
    const location = oidc.buildAuthorizationUrl(relyingParty, {
      redirect_uri: redirectUri,
      scope: 'openid groups',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: signIn.state,
      nonce: signIn.nonce,
    });
    response.writeHead(303, { ...SECURITY_HEADERS, location: location.href, 'set-cookie': consoleCookie(SIGN_IN_COOKIE, signIn.id, { secure, maxAgeSeconds: 600 }) });
    response.end();
  };

  const completeSignIn = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const signIn = sessions.takeSignIn(requestCookies(request).get(SIGN_IN_COOKIE));
    if (signIn === undefined) return refuse(response, 400, 'SIGN_IN_INVALID', 'this sign-in was not started here, or took too long: sign in again');
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(relyingParty, url, { pkceCodeVerifier: signIn.codeVerifier, expectedState: signIn.state, expectedNonce: signIn.nonce, idTokenExpected: true });
    } catch (error) {
      return refuse(response, 400, 'SIGN_IN_INVALID', `the identity provider's answer was refused: ${(error as Error).message}`);
    }
    const claims = tokens.claims();
    const groups = claims?.['groups'] ?? [];
    if (claims === undefined || tokens.id_token === undefined || !Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
      return refuse(response, 400, 'SIGN_IN_INVALID', 'the identity provider sent no ID token with a subject and string groups');
    }
    const session = sessions.open({ principal: claims.sub, groups, idToken: tokens.id_token, idTokenExpiresAt: claims.exp }, options.sessionSeconds ?? 8 * 3600);
    response.writeHead(303, {
      ...SECURITY_HEADERS,
      location: signIn.returnTo,
      'set-cookie': [consoleCookie(SESSION_COOKIE, session.id, { secure, maxAgeSeconds: Math.floor((session.expiresAt - clock()) / 1000) }), consoleCookie(SIGN_IN_COOKIE, '', { secure, maxAgeSeconds: 0 })],
    });
    response.end();
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    routes(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const refusal = refusalOf(error);
      const status = refusal.code === 'INPUT_TOO_LARGE' ? 413 : refusal.code === 'RESOURCE_UNAVAILABLE' ? 503 : refusal.code === 'OPERATOR_NOT_AUTHORIZED' ? 403 : 400;
      if ((request.url ?? '').startsWith('/api/')) refuseJson(response, status, refusal.code, refusal.message);
      else refuse(response, status, refusal.code, refusal.message, sessionOf(request));
    });
  });

  return {
    url: origin,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A path on the console itself (never another origin, never `//host`). */
function isConsolePath(value: string | null): value is string {
  return value !== null && /^\/(?![/\\])[A-Za-z0-9/_.~%-]*$/.test(value) && value.length <= 512;
}

/**
 * Whether a state-changing request came from the console's own pages. A browser that sends
 * `Sec-Fetch-Site` says where the request came from, and only same-origin passes; one that
 * does not must send our `Origin`. (Both are set by the browser, never by page script.)
 */
function isSameOrigin(request: IncomingMessage, origin: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' && (request.headers.origin === undefined || request.headers.origin === origin);
  return request.headers.origin === origin;
}

/** A statement's reason from a JSON call: trimmed, at most 500 characters, absent when empty. */
function reasonOf(fields: Record<string, unknown>): string | undefined {
  const reason = typeof fields['reason'] === 'string' ? fields['reason'].trim().slice(0, 500) : '';
  return reason === '' ? undefined : reason;
}

/** Whether `host` is a loopback address or name. */
function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

/**
 * The stable code and message of a failure: a WritError's own, or the Writ code a workflow
 * update failed with (an approval the workers refused), else RESOURCE_UNAVAILABLE.
 */
function refusalOf(error: unknown): { code: WritErrorCode; message: string } {
  if (error instanceof WritError) return { code: error.code, message: error.message };
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && typeof cause === 'object' && cause !== null; depth += 1) {
    const { type, message } = cause as { type?: unknown; message?: unknown };
    if (typeof type === 'string' && (WRIT_ERROR_CODES as readonly string[]).includes(type)) return { code: type as WritErrorCode, message: String(message) };
    cause = (cause as { cause?: unknown }).cause;
  }
  return { code: 'RESOURCE_UNAVAILABLE', message: 'the console could not answer; try again' };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A refusal of a JSON call: its code in the body and the `x-writ-code` header. */
function refuseJson(response: ServerResponse, status: number, code: WritErrorCode, message: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'x-writ-code': code });
  response.end(JSON.stringify({ code, message }));
}

function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  response.end(body);
}

/** A refusal with its stable code: JSON for the API, a page for a browser. */
function refuse(response: ServerResponse, status: number, code: WritErrorCode, message: string, session?: ConsoleSession): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'x-writ-code': code });
  response.end(renderRefusalPage({ title: `Refused: ${code}`, message: `${code}: ${message}`, ...(session === undefined ? { signInHref: '/sign-in' } : {}) }));
}

function serveAsset(response: ServerResponse, directory: string, name: string): void {
  const type = ASSET_TYPES[name];
  if (type === undefined) return refuse(response, 404, 'INPUT_INVALID', 'no such asset');
  // The WebAuthn browser library is served from its package, as published.
  const file = name === 'webauthn.js' ? path.join(path.dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js') : path.join(directory, name);
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache' });
  response.end(readFileSync(file));
}

/** The console's script and style: beside this file in the sources, under console/assets in the package. */
function assetDirectory(): string {
  const candidates = [path.join(__dirname, 'assets'), path.resolve(__dirname, '..', '..', 'console', 'assets')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'console.js')));
  if (found === undefined) throw new WritError('CONFIG_INVALID', `the console's assets are missing (looked in ${candidates.join(', ')})`);
  return found;
}

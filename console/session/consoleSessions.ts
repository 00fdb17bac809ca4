import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A signed-in operator's console session. */
export interface ConsoleSession {
  /** The session id, the cookie's value: 256 random bits. */
  readonly id: string;
  /** Who signed in: the ID token's `sub`. */
  readonly principal: string;
  /** The ID token's `groups`. */
  readonly groups: readonly string[];
  /** The ID token the session was made under, as the provider issued it. */
  readonly idToken: string;
  /** The token every state-changing request of this session must carry. */
  readonly csrfToken: string;
  /** When the session ends (ms since the epoch): the ID token's expiry at the latest. */
  readonly expiresAt: number;
}

/** A sign-in under way: what the callback must find to accept the provider's answer. */
export interface PendingSignIn {
  readonly id: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** Where to go once signed in (a console path). */
  readonly returnTo: string;
  readonly expiresAt: number;
}

const random = (): string => randomBytes(32).toString('base64url');

/**
 * The console's sessions and sign-ins in progress, in memory: a restart signs everyone out,
 * which for a console of operators is the safe failure. Ids are random, looked up exactly,
 * and taken once where a replay would matter (a sign-in's state is consumed by its callback).
 */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly signIns = new Map<string, PendingSignIn>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Starts a sign-in (ten minutes to complete it). */
  beginSignIn(fields: { codeVerifier: string; returnTo: string }): PendingSignIn {
    this.sweep();
    const signIn: PendingSignIn = { id: random(), state: random(), nonce: random(), ...fields, expiresAt: this.clock() + 600_000 };
    this.signIns.set(signIn.id, signIn);
    return signIn;
  }

  /** Takes the sign-in `id` names, once; undefined when unknown or expired. */
  takeSignIn(id: string | undefined): PendingSignIn | undefined {
    if (id === undefined) return undefined;
    const signIn = this.signIns.get(id);
    this.signIns.delete(id);
    return signIn !== undefined && signIn.expiresAt > this.clock() ? signIn : undefined;
  }

  /** Opens a session for a verified sign-in, for at most `maxSeconds` and never past the ID token. */
  open(fields: { principal: string; groups: readonly string[]; idToken: string; idTokenExpiresAt: number }, maxSeconds: number): ConsoleSession {
    const session: ConsoleSession = {
      id: random(),
      principal: fields.principal,
      groups: fields.groups,
      idToken: fields.idToken,
      csrfToken: random(),
      expiresAt: Math.min(this.clock() + maxSeconds * 1000, fields.idTokenExpiresAt * 1000),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session `id` names, or undefined. */
  find(id: string | undefined): ConsoleSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.clock()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Ends a session. */
  close(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.clock();
    for (const [id, signIn] of this.signIns) if (signIn.expiresAt <= now) this.signIns.delete(id);
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Whether `presented` is the session's CSRF token, compared in constant time. */
export function isSessionCsrfToken(session: ConsoleSession, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

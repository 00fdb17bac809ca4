import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { jsonPathOf } from '../canonical/jsonPath';
import { WritError } from '../errors/writError';
import { KeyStore, type PublicJwks } from '../keys/keyStore';
import type { Assert, SameType } from '../types/sameType';
import { generateProofKey, proofKeyIssues, type ProofKey } from './proofKey';

/** The `iss` of tokens minted by the development identity provider. */
export const DEV_IDENTITY_ISSUER = 'writ-dev-idp';

/** The `aud` Writ expects in identity tokens unless configured otherwise. */
export const WRIT_IDENTITY_AUDIENCE = 'writ';

/** Lifetime of a development token when the caller names none, in seconds. */
export const DEFAULT_DEV_TOKEN_TTL_SECONDS = 3600;

/** The longest lifetime a development token may have, in seconds: one day. */
export const MAX_DEV_TOKEN_TTL_SECONDS = 86_400;

/** Options of `DevIdentityProvider.open`. */
export interface DevIdentityProviderOptions {
  /** The clock for `iat` and `exp`; tests inject one. */
  readonly clock?: () => Date;
  /** The `iss` to mint with; only tests that need a foreign issuer change it. */
  readonly issuer?: string;
  /** The `aud` to mint with; only tests that need a wrong audience change it. */
  readonly audience?: string;
}

/** A key thumbprint as a token's `cnf.jkt` names it (RFC 7638 SHA-256, base64url). */
const JktSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an RFC 7638 SHA-256 thumbprint, base64url');

/** What a token may be bound to: a proof key, or the thumbprint of one. */
const ConfirmationSchema = z.union(
  [
    z.strictObject({ jkt: JktSchema }),
    z.custom<ProofKey>((value) => proofKeyIssues(value).length === 0, 'must be a proof key (generateProofKey or importProofKey)'),
  ],
  { error: 'must be a proof key or { jkt } with its RFC 7638 thumbprint' },
);

/** What a development token says about its holder. */
export const MintTokenRequestSchema = z.strictObject({
  principal: z.string().min(1).max(256),
  groups: z.array(z.string().min(1).max(256)).max(100).optional(),
  ttlSeconds: z.number().int().min(1).max(MAX_DEV_TOKEN_TTL_SECONDS).optional(),
  confirmation: ConfirmationSchema.optional(),
});

/** A request to `mintToken`. (The input type `MintTokenRequestSchema` checks, written out.) */
export interface MintTokenRequest {
  /** The token's `sub`: who the holder is (1 to 256 characters). */
  principal: string;
  /** The token's `groups` claim (at most 100; default none). */
  groups?: string[] | undefined;
  /** Lifetime in seconds (default one hour, at most one day). */
  ttlSeconds?: number | undefined;
  /**
   * The key the token is bound to (its `cnf.jkt`, RFC 7800): the holder must then prove
   * possession of it at every workflow start. Default none: a bearer token.
   */
  confirmation?: ProofKey | { jkt: string } | undefined;
}
type _MintTokenRequestIsTheSchemasInput = Assert<SameType<MintTokenRequest, z.input<typeof MintTokenRequestSchema>>>;

/** What `mintBoundCredential` takes: who the holder is, and for how long. */
export interface BoundCredentialRequest {
  /** The token's `sub` (1 to 256 characters). */
  principal: string;
  /** The token's `groups` claim (at most 100; default none). */
  groups?: string[] | undefined;
  /** Lifetime in seconds (default one hour, at most one day). */
  ttlSeconds?: number | undefined;
}

/** An identity token bound to a proof key, with that key: what a client starts workflows with. */
export interface BoundCredential {
  /** The identity token, carrying `cnf: { jkt }` with the proof key's thumbprint. */
  readonly identityToken: string;
  /** The key each start's proof is signed with; as secret as a password. */
  readonly proofKey: ProofKey;
}

/**
 * A local identity provider for development and tests: it mints signed identity tokens
 * (compact JWTs, EdDSA, header `typ: JWT` and `kid`) with claims `iss`, `aud`, `sub`,
 * `groups`, `iat`, `exp` and `jti` (and `cnf` for a bound token), and publishes its public key set at `jwksPath` for an
 * `IdentityVerifier` to trust. Its Ed25519 key lives in its own directory, apart from
 * Writ's signing keys, so an identity token can never pass for an authorization artifact.
 * In production a real identity provider takes its place; nothing else changes.
 */
export class DevIdentityProvider {
  /** The `iss` this provider mints with. */
  readonly issuer: string;
  /** The `aud` this provider mints with. */
  readonly audience: string;
  private readonly keys: KeyStore;
  private readonly clock: () => Date;

  private constructor(keys: KeyStore, issuer: string, audience: string, clock: () => Date) {
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
  }

  /** Opens the provider in `dir` without touching the disk; the key is made by `ensureKey`. */
  static open(dir: string, options: DevIdentityProviderOptions = {}): DevIdentityProvider {
    const issuer = options.issuer ?? DEV_IDENTITY_ISSUER;
    const audience = options.audience ?? WRIT_IDENTITY_AUDIENCE;
    if (issuer === '' || audience === '') {
      throw new WritError('CONFIG_INVALID', 'identity provider issuer and audience must be non-empty');
    }
    const clock = options.clock ?? (() => new Date());
    return new DevIdentityProvider(KeyStore.open(dir, { clock }), issuer, audience, clock);
  }

  /** Where the public key set is published (`<dir>/jwks.json`), for the verifier's `jwksPath`. */
  get jwksPath(): string {
    return this.keys.jwksPath;
  }

  /** Makes the provider's key on first use (and publishes `jwks.json`); returns its kid. */
  async ensureKey(): Promise<string> {
    return (await this.keys.ensureActive()).kid;
  }

  /**
   * Mints an identity token for `principal`, valid from now for `ttlSeconds` (default one
   * hour, at most one day), bound to `confirmation` when given (`cnf: { jkt }`). A
   * malformed request is `INPUT_INVALID`.
   */
  async mintToken(request: MintTokenRequest): Promise<string> {
    const parsed = MintTokenRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
      throw new WritError('INPUT_INVALID', `token request is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
        issues,
      });
    }
    const { principal, groups = [], ttlSeconds = DEFAULT_DEV_TOKEN_TTL_SECONDS, confirmation } = parsed.data;
    const binding = confirmation === undefined ? {} : { cnf: { jkt: 'jkt' in confirmation ? confirmation.jkt : confirmation.thumbprint } };
    await this.ensureKey();
    const { kid, key } = await this.keys.loadSigningKey();
    const issuedAt = Math.floor(this.clock().getTime() / 1000);
    return new SignJWT({ groups, ...binding })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(principal)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(key);
  }

  /**
   * Makes a fresh proof key and mints a token for `principal` bound to it: a credential
   * that starts any number of workflows, each start with its own proof, while a copy of
   * the token alone (as a history shows it) starts none. A malformed request is
   * `INPUT_INVALID`.
   */
  async mintBoundCredential(request: BoundCredentialRequest): Promise<BoundCredential> {
    const proofKey = await generateProofKey();
    const identityToken = await this.mintToken({ principal: request.principal, groups: request.groups, ttlSeconds: request.ttlSeconds, confirmation: proofKey });
    return { identityToken, proofKey };
  }

  /**
   * Signs an operator's statement (an approval, a denial, a revocation, a kill-switch
   * change) as a JWT for `audience`, with the statement under the `writ_statement` claim.
   * In development this stands in for a provider that signs on an operator's behalf.
   */
  async mintStatement(request: { principal: string; groups?: string[]; audience: string; statement: Record<string, unknown>; ttlSeconds?: number }): Promise<string> {
    const { principal, groups = [] } = MintTokenRequestSchema.parse({ principal: request.principal, groups: request.groups ?? [] });
    const ttlSeconds = request.ttlSeconds ?? 900;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_DEV_TOKEN_TTL_SECONDS) {
      throw new WritError('INPUT_INVALID', `statement ttlSeconds must be an integer from 1 to ${MAX_DEV_TOKEN_TTL_SECONDS}`);
    }
    await this.ensureKey();
    const { kid, key } = await this.keys.loadSigningKey();
    const issuedAt = Math.floor(this.clock().getTime() / 1000);
    return new SignJWT({ groups, writ_statement: request.statement })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
      .setIssuer(this.issuer)
      .setAudience(request.audience)
      .setSubject(principal)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(key);
  }

  /** The provider's public key set (empty before `ensureKey`). */
  publicJwks(): PublicJwks {
    return this.keys.exportPublicJwks();
  }
}

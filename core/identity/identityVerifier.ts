import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { sha256Digest } from '../canonical/digest';
import { jsonPathOf } from '../canonical/jsonPath';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError, type WritErrorCode, type WritIssue } from '../errors/writError';
import { hasPrivateJwkMember } from '../keys/ed25519Jwk';
import type { Assert, SameType } from '../types/sameType';
import { VerifiedTokenCache } from './verifiedTokenCache';
import { verifyStartProof, type StartProofBinding, type VerifiedStartProof } from './startProof';

/**
 * A JWS algorithm an identity token may use: asymmetric only. A shared-secret (HS*) token
 * could be forged by anyone holding the verifier's configuration, and `none` by anyone at
 * all, so neither can be configured.
 */
export type IdentityAlgorithm = 'EdDSA' | 'Ed25519' | 'ES256' | 'ES384' | 'ES512' | 'PS256' | 'PS384' | 'PS512' | 'RS256' | 'RS384' | 'RS512';

/** Every `IdentityAlgorithm`, for the schemas that read one. */
export const IDENTITY_ALGORITHMS = [
  'EdDSA',
  'Ed25519',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
] as const satisfies readonly IdentityAlgorithm[];
type _EveryAlgorithmListed = Assert<SameType<IdentityAlgorithm, (typeof IDENTITY_ALGORITHMS)[number]>>;

/** The longest identity token accepted, in characters; real ones are far shorter. */
export const MAX_IDENTITY_TOKEN_LENGTH = 16_384;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Configuration of an `IdentityVerifier`: the trusted issuer, the audience Writ expects,
 * where the issuer's public keys are (exactly one of a JWKS file or an https URL; plain
 * http only to a loopback address), the accepted algorithms (default EdDSA), the clock
 * tolerance in seconds (default 30, at most 300) and how long a fully verified token may
 * be vouched for by the verifier's cache (default 60 s, at most 300, 0 turns it off; see
 * VerifiedTokenCache). Unknown members are refused.
 */
export const IdentityVerifierConfigSchema = z
  .strictObject({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    jwksPath: z.string().min(1).optional(),
    jwksUrl: z
      .string()
      .refine(isAcceptableJwksUrl, 'must be an https URL (http only for a loopback address)')
      .optional(),
    algorithms: z.array(z.enum(IDENTITY_ALGORITHMS)).min(1).default(['EdDSA']),
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    verifiedTokenCacheSeconds: z.number().int().min(0).max(300).default(60),
  })
  .superRefine((config, context) => {
    if ((config.jwksPath === undefined) === (config.jwksUrl === undefined)) {
      context.addIssue({ code: 'custom', path: ['jwksPath'], message: 'give exactly one of jwksPath and jwksUrl' });
    }
  });

/**
 * Configuration of an `IdentityVerifier` as a caller writes it, defaults left out: the
 * trusted issuer, the audience, and where the issuer's public keys are (exactly one of
 * `jwksPath` and `jwksUrl`). Unknown members are refused. (The input type
 * `IdentityVerifierConfigSchema` checks, written out.)
 */
export interface IdentityVerifierConfig {
  /** The `iss` trusted tokens carry. */
  issuer: string;
  /** The `aud` identity tokens must carry (Writ's development set-up uses `writ`). */
  audience: string;
  /** A JWKS file holding the issuer's public keys, read when the verifier is created. */
  jwksPath?: string | undefined;
  /** The issuer's JWKS endpoint: https, or plain http to a loopback address only. */
  jwksUrl?: string | undefined;
  /** The algorithms a token may be signed with (default `['EdDSA']`). */
  algorithms?: IdentityAlgorithm[] | undefined;
  /** Clock tolerance for `exp` and `nbf`, in seconds (default 30, at most 300). */
  clockToleranceSeconds?: number | undefined;
  /** How long a fully verified token is answered from the cache, in seconds (default 60, at most 300; 0 turns it off). */
  verifiedTokenCacheSeconds?: number | undefined;
}
type _ConfigIsTheSchemasInput = Assert<SameType<IdentityVerifierConfig, z.input<typeof IdentityVerifierConfigSchema>>>;

/** Configuration with defaults applied, as `loadConfig` returns it. */
export interface ResolvedIdentityVerifierConfig extends IdentityVerifierConfig {
  /** The algorithms a token may be signed with. */
  algorithms: IdentityAlgorithm[];
  /** Clock tolerance for `exp` and `nbf`, in seconds. */
  clockToleranceSeconds: number;
  /** How long a fully verified token is answered from the cache, in seconds (0: never). */
  verifiedTokenCacheSeconds: number;
}
type _ResolvedConfigIsTheSchemasOutput = Assert<SameType<ResolvedIdentityVerifierConfig, z.output<typeof IdentityVerifierConfigSchema>>>;

/** Options of `IdentityVerifier.create`. */
export interface IdentityVerifierOptions {
  /** The clock tokens are checked against; tests inject one. */
  readonly clock?: () => Date;
}

/** Who a verified token says started the work. */
export interface VerifiedIdentity {
  /** The token's `sub`. */
  readonly principal: string;
  /** The token's `groups` claim, or none. */
  readonly groups: string[];
  /** The token's `iss`, equal to the configured issuer. */
  readonly issuer: string;
  /** The token's `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  /** `sha256:<hex>` of the compact token: evidence of which token was presented, without keeping it. */
  readonly tokenDigest: string;
  /**
   * The token's `cnf` (RFC 7800): the thumbprint (`jkt`, RFC 7638 SHA-256) of the key its
   * holder must prove possession of at every start, or null for a token bound to no key.
   */
  readonly confirmation: { readonly jkt: string } | null;
  /** The token's `jti`, or null when it has none. */
  readonly tokenId: string | null;
}

/** A verified operator statement: who signed it, when, and everything it says. */
export interface VerifiedStatement extends VerifiedIdentity {
  /** The statement's `iat`, in seconds since the epoch (0 when it has none). */
  readonly issuedAt: number;
  /** The statement's `jti` (empty when it has none): a statement is accepted once per run. */
  readonly jti: string;
  /** The full verified payload, for the caller's own schema (`writ_statement` holds the statement). */
  readonly payload: Readonly<Record<string, unknown>>;
}

// Claims jose has not already checked; other claims are allowed and ignored. A `cnf`
// must be exactly a key thumbprint: one naming another confirmation method (a certificate,
// a whole key) asks for a check Writ does not make, so it is refused, not ignored.
const IdentityClaimsSchema = z.object({
  iss: z.string(),
  sub: z.string().min(1),
  exp: z.number(),
  groups: z.array(z.string()).optional(),
  jti: z.string().min(1).max(1024).optional(),
  cnf: z.strictObject({ jkt: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an RFC 7638 SHA-256 thumbprint, base64url') }).optional(),
});

/**
 * Establishes a principal from a signed identity token (JWT), never from a self-asserted
 * string. `verify` runs, in order: the token is present; it names the trusted issuer;
 * its signature verifies against the issuer's keys with an allowed algorithm, and its
 * audience, expiry and not-before hold (with the configured tolerance); it has a `sub`
 * and `exp`, `groups`, when present, is a list of strings, `jti` a string, and `cnf` a
 * key thumbprint `{ jkt }` (its holder must then prove possession at each start). Each failure is a WritError:
 * `IDENTITY_MISSING`, `IDENTITY_UNTRUSTED_ISSUER`, `IDENTITY_EXPIRED`, or for anything else
 * (bad signature, a key the issuer does not publish, wrong audience, malformed token,
 * keys that cannot be fetched) `IDENTITY_INVALID`.
 */
export class IdentityVerifier {
  /** The issuer this verifier trusts. */
  readonly issuer: string;
  private readonly config: ResolvedIdentityVerifierConfig;
  private readonly keys: JWTVerifyGetKey;
  private readonly clock: () => Date;
  private readonly verified: VerifiedTokenCache;

  private constructor(config: ResolvedIdentityVerifierConfig, keys: JWTVerifyGetKey, clock: () => Date) {
    this.issuer = config.issuer;
    this.config = config;
    this.keys = keys;
    this.clock = clock;
    this.verified = new VerifiedTokenCache(config.verifiedTokenCacheSeconds, config.clockToleranceSeconds);
  }

  /**
   * Validates `config` and loads the issuer's keys: a JWKS file is read and checked now
   * (public keys only), a JWKS URL is fetched by jose when a token first needs it and
   * cached. Invalid configuration or an unusable key file is `CONFIG_INVALID`.
   */
  static async create(config: IdentityVerifierConfig, options: IdentityVerifierOptions = {}): Promise<IdentityVerifier> {
    const parsed = IdentityVerifierConfigSchema.safeParse(config);
    if (!parsed.success) {
      throw configInvalid('identity verifier configuration is invalid', issuesOf(parsed.error));
    }
    const resolved = parsed.data;
    const keys =
      resolved.jwksUrl !== undefined
        ? createRemoteJWKSet(new URL(resolved.jwksUrl))
        : localKeySet(await readPublicJwks(resolved.jwksPath ?? ''), resolved.jwksPath ?? '');
    return new IdentityVerifier(resolved, keys, options.clock ?? (() => new Date()));
  }

  /**
   * Verifies `token` and returns the identity it establishes; see the class comment for
   * the steps. A token fully verified within the last `verifiedTokenCacheSeconds` is
   * answered from the cache while every check would still pass (see VerifiedTokenCache).
   */
  async verify(token: string | undefined): Promise<VerifiedIdentity> {
    const compact = requirePresentToken(token);
    const tokenDigest = sha256Digest(compact);
    const now = Math.floor(this.clock().getTime() / 1000);
    const cached = this.verified.get(tokenDigest, now);
    if (cached !== undefined) return cached;
    this.requireTrustedIssuer(compact);
    const claims = await this.verifySignatureAndClaims(compact, this.config.audience);
    const identity = toVerifiedIdentity(claims, tokenDigest);
    this.verified.remember(identity, now);
    return identity;
  }

  /** {@inheritDoc IdentityCheck.requireUnexpired} */
  requireUnexpired(identity: { readonly principal: string; readonly expiresAt: number }): void {
    const now = Math.floor(this.clock().getTime() / 1000);
    if (identity.expiresAt + this.config.clockToleranceSeconds <= now) {
      throw new WritError('IDENTITY_EXPIRED', `the identity of ${identity.principal} expired at ${new Date(identity.expiresAt * 1000).toISOString()}`);
    }
  }

  /** {@inheritDoc IdentityCheck.verifyStartProof} */
  async verifyStartProof(proof: string | undefined, start: StartProofBinding & { readonly identity: VerifiedIdentity }): Promise<VerifiedStartProof> {
    const { identity, ...binding } = start;
    if (identity.confirmation === null) throw new WritError('START_PROOF_INVALID', 'the identity token is bound to no key: there is no start proof to verify');
    return verifyStartProof(proof, {
      ...binding,
      confirmedThumbprint: identity.confirmation.jkt,
      now: this.clock(),
      clockToleranceSeconds: this.config.clockToleranceSeconds,
      notAfter: new Date(identity.expiresAt * 1000),
    });
  }

  /**
   * Verifies an operator's signed statement: a JWT from the same identity provider, for
   * `audience` (each kind of statement has its own, so an identity token or an approval
   * cannot be replayed as another kind). Same steps and codes as `verify`; returns the
   * signer's identity and the full verified payload for the caller's own schema.
   */
  async verifyStatement(token: string | undefined, audience: string): Promise<VerifiedStatement> {
    const compact = requirePresentToken(token);
    this.requireTrustedIssuer(compact);
    const claims = await this.verifySignatureAndClaims(compact, audience);
    const payload = decodeJwt(compact);
    return {
      ...toVerifiedIdentity(claims, sha256Digest(compact)),
      issuedAt: typeof payload.iat === 'number' ? payload.iat : 0,
      jti: typeof payload.jti === 'string' ? payload.jti : '',
      payload,
    };
  }

  /**
   * Read before the signature, from the unverified payload, so that a token from another
   * issuer is named as such; it can only lead to a refusal, never to acceptance.
   */
  private requireTrustedIssuer(compact: string): void {
    let claimedIssuer: unknown;
    try {
      claimedIssuer = decodeJwt(compact).iss;
    } catch (error) {
      throw fromJoseError(error);
    }
    if (typeof claimedIssuer !== 'string') {
      throw new WritError('IDENTITY_INVALID', 'identity token has no iss claim');
    }
    if (claimedIssuer !== this.config.issuer) {
      throw new WritError('IDENTITY_UNTRUSTED_ISSUER', `identity token issuer ${JSON.stringify(claimedIssuer)} is not trusted`);
    }
  }

  private async verifySignatureAndClaims(compact: string, audience: string): Promise<z.infer<typeof IdentityClaimsSchema>> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(compact, this.keys, {
        issuer: this.config.issuer,
        audience,
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockToleranceSeconds,
        currentDate: this.clock(),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw fromJoseError(error);
    }
    const claims = IdentityClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const issues = issuesOf(claims.error);
      throw new WritError('IDENTITY_INVALID', `identity token claims are invalid: ${summary(issues)}`, { issues });
    }
    return claims.data;
  }
}

function requirePresentToken(token: string | undefined): string {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new WritError('IDENTITY_MISSING', 'no identity token was presented');
  }
  if (token.length > MAX_IDENTITY_TOKEN_LENGTH) {
    throw new WritError('IDENTITY_INVALID', `identity token is longer than ${MAX_IDENTITY_TOKEN_LENGTH} characters`);
  }
  return token;
}

function toVerifiedIdentity(claims: z.infer<typeof IdentityClaimsSchema>, tokenDigest: string): VerifiedIdentity {
  return {
    principal: claims.sub,
    groups: claims.groups ?? [],
    issuer: claims.iss,
    expiresAt: claims.exp,
    tokenDigest,
    confirmation: claims.cnf === undefined ? null : { jkt: claims.cnf.jkt },
    tokenId: claims.jti ?? null,
  };
}

/**
 * Maps jose's stable error codes (never its messages) to Writ's. Anything without a known
 * code, such as a network failure while fetching keys, is still a refusal.
 */
function fromJoseError(error: unknown): WritError {
  const { code, claim } = joseErrorFields(error);
  const mapped: WritErrorCode =
    code === 'ERR_JWT_EXPIRED'
      ? 'IDENTITY_EXPIRED'
      : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss'
        ? 'IDENTITY_UNTRUSTED_ISSUER'
        : 'IDENTITY_INVALID';
  const detail = code === undefined ? 'could not be verified' : claim === undefined ? code : `${code} (${claim})`;
  return new WritError(mapped, `identity token rejected: ${detail}`, { cause: error });
}

// Duck-typed: jose's classes may come from another module instance (e.g. under jest).
function joseErrorFields(error: unknown): { code: string | undefined; claim: string | undefined } {
  if (typeof error !== 'object' || error === null) return { code: undefined, claim: undefined };
  const { code, claim } = error as { code?: unknown; claim?: unknown };
  return {
    code: typeof code === 'string' && code.startsWith('ERR_J') ? code : undefined,
    claim: typeof claim === 'string' ? claim : undefined,
  };
}

/** Reads a JWKS file for the verifier: strict JSON, a `keys` list, and no private key material. */
async function readPublicJwks(filePath: string): Promise<JSONWebKeySet> {
  let text: string;
  try {
    text = await fs.promises.readFile(filePath, 'utf8');
  } catch (cause) {
    throw new WritError('CONFIG_INVALID', `cannot read the identity JWKS ${filePath}`, { cause });
  }
  let jwks: unknown;
  try {
    jwks = parseStrictJson(text);
  } catch (cause) {
    throw configInvalid(`identity JWKS ${filePath} is not valid JSON`, cause instanceof WritError ? [...cause.issues] : []);
  }
  const keys: unknown = typeof jwks === 'object' && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw configInvalid(`identity JWKS ${filePath} has no keys`, [{ path: '$.keys', message: 'must be a non-empty list' }]);
  }
  const privateAt = keys.findIndex((key) => hasPrivateJwkMember(key));
  if (privateAt !== -1) {
    throw configInvalid(`identity JWKS ${filePath} holds private key material`, [
      { path: `$.keys[${privateAt}]`, message: 'holds private key material; a verifier needs public keys only' },
    ]);
  }
  return jwks as JSONWebKeySet;
}

function localKeySet(jwks: JSONWebKeySet, filePath: string): JWTVerifyGetKey {
  try {
    return createLocalJWKSet(jwks);
  } catch (cause) {
    throw new WritError('CONFIG_INVALID', `identity JWKS ${filePath} is not a usable key set`, { cause });
  }
}

function isAcceptableJwksUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

function issuesOf(error: z.ZodError): WritIssue[] {
  return error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
}

function summary(issues: readonly WritIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}

function configInvalid(message: string, issues: WritIssue[]): WritError {
  return new WritError('CONFIG_INVALID', issues.length > 0 ? `${message}: ${summary(issues)}` : message, { issues });
}

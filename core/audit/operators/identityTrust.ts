import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { sha256Digest } from '../../canonical/digest';
import { WritError, type WritErrorCode } from '../../errors/writError';
import { MAX_IDENTITY_TOKEN_LENGTH } from '../../identity/identityVerifier';
import { AuditError } from '../auditError';
import { parseIdentityEvidence, type IdentityEvidence } from '../evidence/identityEvidence';
import { isPasskeyStatement } from '../../passkeys/passkeyStatement';
import { PasskeyAuditTrust } from './passkeyAuditTrust';

/** Defaults of the identity verifier's configuration, which the workers ran with. */
const DEFAULT_ALGORITHMS = ['EdDSA'] as const;
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

// Claims jose has not already checked. Statements need an id (replay is judged by it) and
// an issue time; identity tokens need only a subject and an expiry.
const IdentityClaimsSchema = z.object({
  sub: z.string().min(1),
  exp: z.number(),
  groups: z.array(z.string()).optional(),
});
const StatementClaimsSchema = IdentityClaimsSchema.extend({ iat: z.number(), jti: z.string().min(1) });

/** Who a verified token names, and what else it says. */
export interface VerifiedToken {
  readonly principal: string;
  readonly groups: readonly string[];
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A verified operator statement: who signed it, its id, its digest and its parsed content. */
export interface VerifiedStatementOf<T> {
  readonly signer: string;
  readonly groups: readonly string[];
  readonly statementId: string;
  readonly statementDigest: string;
  readonly issuedAt: number;
  readonly statement: T;
}

/**
 * The identity provider as an auditor trusts it: its issuer and public keys, from the
 * evidence or the auditor's own. Tokens are verified as the workers verified them (the
 * same algorithms, issuer, audience and clock tolerance), but at the moment the history
 * says they were used, never at the auditor's clock: old evidence stays verifiable, and a
 * statement presented after it expired does not pass.
 */
export class IdentityTrust {
  private constructor(
    private readonly evidence: IdentityEvidence,
    private readonly keys: JWTVerifyGetKey,
    private readonly passkeys: PasskeyAuditTrust | null,
  ) {}

  /**
   * Builds the trust from identity evidence, and the operators' passkey evidence when
   * given (without it, statements made with a passkey do not verify: PASSKEY_UNKNOWN);
   * EVIDENCE_INVALID if either is not usable.
   */
  static fromEvidence(json: unknown, passkeys?: unknown): IdentityTrust {
    const evidence = parseIdentityEvidence(json);
    let keys: JWTVerifyGetKey;
    try {
      keys = createLocalJWKSet({ keys: evidence.jwks.keys as never });
    } catch (cause) {
      throw new AuditError('EVIDENCE_INVALID', `the identity key set is not usable: ${(cause as Error).message}`, { cause });
    }
    return new IdentityTrust(evidence, keys, passkeys === undefined ? null : PasskeyAuditTrust.fromEvidence(passkeys));
  }

  /** The issuer whose tokens this trust accepts. */
  get issuer(): string {
    return this.evidence.issuer;
  }

  /** The audience of identity tokens, when the evidence names it (else tokens are not re-verified). */
  get identityAudience(): string | null {
    return this.evidence.audience ?? null;
  }

  /** The evidence this trust was built from (for a bundle). */
  toEvidence(): IdentityEvidence {
    return structuredClone(this.evidence);
  }

  /**
   * Verifies a run's identity token as it was when `at` (the run's start): signature by a
   * key of the provider, issuer, the identity audience, window. IDENTITY_INVALID,
   * IDENTITY_EXPIRED or IDENTITY_UNTRUSTED_ISSUER, as at the worker.
   */
  async verifyIdentityToken(token: unknown, at: Date): Promise<VerifiedToken> {
    const audience = this.identityAudience;
    if (audience === null) throw new WritError('IDENTITY_INVALID', 'the evidence names no identity audience');
    const payload = await this.verifyToken(token, audience, at, ['sub', 'exp']);
    const claims = parseClaims(IdentityClaimsSchema, payload, 'IDENTITY_INVALID');
    return { principal: claims.sub, groups: claims.groups ?? [], payload };
  }

  /**
   * Verifies an operator statement for `audience` as it was when `at` (the event that
   * delivered it; issued no later than that), then its `writ_statement` content with
   * `schema`. A statement made with a passkey is verified with the passkey evidence
   * (PasskeyAuditTrust) instead. The token checks throw the identity codes; content that does not match the
   * schema is STATEMENT_INVALID.
   */
  async verifyStatement<S extends z.ZodType>(token: unknown, audience: string, schema: S, at: Date): Promise<VerifiedStatementOf<z.infer<S>>> {
    if (typeof token === 'string' && isPasskeyStatement(token)) {
      if (this.passkeys === null) throw new WritError('PASSKEY_UNKNOWN', 'the statement was made with a passkey, and the evidence holds no passkey bindings to verify it with');
      return this.passkeys.verifyStatement(token, audience, schema, at);
    }
    const payload = await this.verifyToken(token, audience, at, ['sub', 'exp', 'iat', 'jti']);
    const claims = parseClaims(StatementClaimsSchema, payload, 'STATEMENT_INVALID');
    // A statement cannot have been signed after the event that delivered it: one that says so
    // was put into the history later.
    if (claims.iat > at.getTime() / 1000 + this.clockTolerance) {
      throw new WritError('IDENTITY_INVALID', `token rejected: issued at ${new Date(claims.iat * 1000).toISOString()}, after it was presented`);
    }
    const content = schema.safeParse(payload['writ_statement']);
    if (!content.success) {
      throw new WritError('STATEMENT_INVALID', `statement content is invalid: ${content.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    return {
      signer: claims.sub,
      groups: claims.groups ?? [],
      statementId: claims.jti,
      statementDigest: sha256Digest(token as string),
      issuedAt: claims.iat,
      statement: content.data,
    };
  }

  private get clockTolerance(): number {
    return this.evidence.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  }

  private async verifyToken(token: unknown, audience: string, at: Date, requiredClaims: string[]): Promise<Record<string, unknown>> {
    if (typeof token !== 'string' || token === '') throw new WritError('IDENTITY_MISSING', 'no token');
    if (token.length > MAX_IDENTITY_TOKEN_LENGTH) throw new WritError('IDENTITY_INVALID', `token longer than ${MAX_IDENTITY_TOKEN_LENGTH} characters`);
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.evidence.issuer,
        audience,
        algorithms: [...(this.evidence.algorithms ?? DEFAULT_ALGORITHMS)],
        clockTolerance: this.clockTolerance,
        currentDate: at,
        requiredClaims,
      });
      return payload as Record<string, unknown>;
    } catch (error) {
      throw fromJoseError(error);
    }
  }
}

function parseClaims<S extends z.ZodType>(schema: S, payload: unknown, code: WritErrorCode): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new WritError(code, `claims are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** jose's stable codes (never its messages) as Writ's identity codes, as the worker maps them. */
function fromJoseError(error: unknown): WritError {
  const { code, claim } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; claim?: unknown };
  const joseCode = typeof code === 'string' && code.startsWith('ERR_J') ? code : undefined;
  const mapped: WritErrorCode =
    joseCode === 'ERR_JWT_EXPIRED' ? 'IDENTITY_EXPIRED' : joseCode === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss' ? 'IDENTITY_UNTRUSTED_ISSUER' : 'IDENTITY_INVALID';
  const detail = joseCode === undefined ? 'could not be verified' : typeof claim === 'string' ? `${joseCode} (${claim})` : joseCode;
  return new WritError(mapped, `token rejected: ${detail}`, { cause: error });
}

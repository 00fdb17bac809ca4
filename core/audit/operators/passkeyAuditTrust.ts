import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { sha256Digest } from '../../canonical/digest';
import { parseStrictJson } from '../../canonical/parseStrictJson';
import { WritError } from '../../errors/writError';
import type { PasskeyBinding } from '../../governance/passkeyRegistry';
import { bindingChallenge, bindingDigest, statementChallenge, type PasskeyBindingDocument } from '../../passkeys/passkeyChallenges';
import { decodePasskeyStatement, passkeyStatementId, PasskeyStatementSchema } from '../../passkeys/passkeyStatement';
import { verifyPasskeyAssertion } from '../../passkeys/verifyPasskeyAssertion';
import { AuditError } from '../auditError';
import { PasskeyEvidenceSchema, type PasskeyBindingEvidence, type PasskeyEvidence } from '../evidence/passkeyEvidence';
import type { VerifiedStatementOf } from './identityTrust';

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

const BindingRecordSchema = z.strictObject({
  document: z.strictObject({
    kind: z.literal('writ-passkey-binding'),
    principal: z.string(),
    groups: z.array(z.string()),
    credentialId: z.string(),
    publicKey: z.string(),
    rpId: z.string(),
    idTokenDigest: z.string(),
  }),
  idToken: z.string().min(1).max(16_384),
  assertion: PasskeyStatementSchema.shape.assertion,
});

/** One use of a passkey the audit has seen: when, with which counter, in which statement. */
interface PasskeyUse {
  readonly at: number;
  readonly counter: number;
  readonly statementDigest: string;
}

/**
 * Operators' passkeys as an auditor trusts them, from passkey evidence: statements made
 * with a passkey are verified as the workers verified them (binding, assertion over exactly
 * the statement's audience and content, trusted origin and RP id, user presence and
 * verification, rising signature counter), and each binding is verified first, once: the
 * document is the one its digest names and agrees with the binding, its ID token was
 * signed by the sign-in provider for the console and named the same principal and groups
 * when the binding was made, and the passkey signed the document. The statement's signer
 * is the binding's principal; nothing else in the evidence is taken on trust.
 */
export class PasskeyAuditTrust {
  private readonly bindings = new Map<string, PasskeyBindingEvidence>();
  private readonly verified = new Map<string, Promise<PasskeyBinding>>();
  private readonly uses = new Map<string, PasskeyUse[]>();

  private constructor(
    private readonly evidence: PasskeyEvidence,
    private readonly keys: JWTVerifyGetKey,
  ) {
    for (const binding of evidence.bindings) this.bindings.set(binding.credentialId, binding);
  }

  /** Builds the trust from passkey evidence; EVIDENCE_INVALID when it is malformed or its sign-in key set is not usable. */
  static fromEvidence(json: unknown): PasskeyAuditTrust {
    const parsed = PasskeyEvidenceSchema.safeParse(json);
    if (!parsed.success) {
      throw new AuditError('EVIDENCE_INVALID', 'the passkey evidence is malformed', { issues: parsed.error.issues.map((i) => ({ path: `passkeys.${i.path.join('.')}`, message: i.message })) });
    }
    let keys: JWTVerifyGetKey;
    try {
      keys = createLocalJWKSet({ keys: parsed.data.signIn.jwks.keys as never });
    } catch (cause) {
      throw new AuditError('EVIDENCE_INVALID', `the sign-in provider's key set is not usable: ${(cause as Error).message}`, { cause });
    }
    return new PasskeyAuditTrust(parsed.data, keys);
  }

  /**
   * Verifies a passkey statement for `audience` as it was when `at` (the event that
   * delivered it), then its content with `schema`: STATEMENT_INVALID for its form or
   * content, PASSKEY_UNKNOWN for a passkey the evidence binds to no one,
   * PASSKEY_REGISTRATION_INVALID for a binding whose evidence does not hold (or made after
   * the statement), PASSKEY_ASSERTION_INVALID for an assertion that does not sign this
   * statement as the workers require, PASSKEY_COUNTER_REGRESSED for a counter that does not
   * rise against the passkey's other uses in the audit (in time order).
   */
  async verifyStatement<S extends z.ZodType>(token: string, audience: string, schema: S, at: Date): Promise<VerifiedStatementOf<z.infer<S>>> {
    const decoded = decodePasskeyStatement(token, 'STATEMENT_INVALID');
    if (decoded.audience !== audience) throw new WritError('STATEMENT_INVALID', `the passkey statement is for ${decoded.audience}, not ${audience}`);
    const content = schema.safeParse(decoded.statement);
    if (!content.success) {
      throw new WritError('STATEMENT_INVALID', `statement content is invalid: ${content.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    const binding = await this.verifiedBinding(decoded.assertion.id);
    if (Date.parse(binding.registeredAt) > at.getTime() + this.clockToleranceSeconds * 1000) {
      throw new WritError('PASSKEY_REGISTRATION_INVALID', `passkey ${binding.credentialId} was bound at ${binding.registeredAt}, after the statement made with it was presented (${at.toISOString()})`);
    }
    const { counter } = await verifyPasskeyAssertion(decoded.assertion, statementChallenge(audience, decoded.statement), binding, this.evidence.trust);
    const statementDigest = sha256Digest(token);
    this.recordUse(binding.credentialId, { at: at.getTime(), counter, statementDigest });
    return {
      signer: binding.principal,
      groups: binding.groups,
      statement: content.data,
      statementId: passkeyStatementId(decoded),
      statementDigest,
      // An assertion carries no time: it counts as made when it was presented.
      issuedAt: Math.floor(at.getTime() / 1000),
    };
  }

  private get clockToleranceSeconds(): number {
    return this.evidence.signIn.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  }

  /** The binding of `credentialId`, verified once (its promise is shared by every statement made with it). */
  private verifiedBinding(credentialId: string): Promise<PasskeyBinding> {
    const binding = this.bindings.get(credentialId);
    if (binding === undefined) return Promise.reject(new WritError('PASSKEY_UNKNOWN', `passkey ${credentialId} is bound to no operator in the evidence`));
    let verified = this.verified.get(credentialId);
    if (verified === undefined) {
      verified = this.verifyBinding(binding);
      this.verified.set(credentialId, verified);
    }
    return verified;
  }

  /** Step by step, each failure PASSKEY_REGISTRATION_INVALID: the document, the ID token, the passkey's signature over the document. */
  private async verifyBinding(binding: PasskeyBindingEvidence): Promise<PasskeyBinding> {
    const refuse = (why: string, cause?: unknown): never => {
      throw new WritError('PASSKEY_REGISTRATION_INVALID', `the binding of passkey ${binding.credentialId} to ${binding.principal} does not hold: ${why}`, cause === undefined ? {} : { cause });
    };
    let record: z.infer<typeof BindingRecordSchema>;
    try {
      record = BindingRecordSchema.parse(parseStrictJson(binding.evidence));
    } catch (error) {
      return refuse(`its evidence is not a binding document, ID token and assertion (${(error as Error).message})`, error);
    }
    const document: PasskeyBindingDocument = record.document;
    if (bindingDigest(document) !== binding.bindingDigest) refuse(`its document hashes to ${bindingDigest(document)}, not the recorded ${binding.bindingDigest}`);
    const agrees = document.principal === binding.principal && document.credentialId === binding.credentialId && document.publicKey === binding.publicKey && document.rpId === binding.rpId && sameGroups(document.groups, binding.groups);
    if (!agrees) refuse('its document names another principal, groups, credential, key or RP id than the binding');
    if (sha256Digest(record.idToken) !== document.idTokenDigest) refuse('its ID token is not the one the document names');
    await this.verifyIdToken(record.idToken, binding, refuse);
    const asBinding: PasskeyBinding = { ...binding };
    try {
      await verifyPasskeyAssertion(record.assertion as AuthenticationResponseJSON, bindingChallenge(document), asBinding, this.evidence.trust);
    } catch (error) {
      refuse(`the passkey did not sign its binding (${(error as Error).message})`, error);
    }
    return asBinding;
  }

  /** The binding's ID token: signed by the sign-in provider for the console, valid when the binding was made, naming its principal and groups. */
  private async verifyIdToken(idToken: string, binding: PasskeyBindingEvidence, refuse: (why: string, cause?: unknown) => never): Promise<void> {
    const { signIn } = this.evidence;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(idToken, this.keys, {
        issuer: signIn.issuer,
        audience: signIn.audience,
        algorithms: [...(signIn.algorithms ?? ['EdDSA', 'ES256', 'RS256'])],
        clockTolerance: this.clockToleranceSeconds,
        currentDate: new Date(binding.registeredAt),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      return refuse(`its ID token does not verify with ${signIn.issuer}'s keys at ${binding.registeredAt} (${(error as { code?: string }).code ?? (error as Error).message})`, error);
    }
    const groups = Array.isArray(payload['groups']) ? (payload['groups'] as unknown[]).filter((g): g is string => typeof g === 'string') : [];
    if (payload['sub'] !== binding.principal || !sameGroups(groups, binding.groups)) refuse(`its ID token names ${String(payload['sub'])} (${groups.join(', ')}), not ${binding.principal} (${binding.groups.join(', ')})`);
  }

  /**
   * Records a use, refusing one whose counter does not rise against the passkey's other
   * uses in time order (both zero is allowed: authenticators that keep no counter). The
   * same statement seen twice is one use.
   */
  private recordUse(credentialId: string, use: PasskeyUse): void {
    const uses = this.uses.get(credentialId) ?? [];
    if (uses.some((seen) => seen.statementDigest === use.statementDigest)) return;
    const clash = uses.find((seen) => !(seen.counter === 0 && use.counter === 0) && ((seen.at <= use.at && seen.counter >= use.counter) || (seen.at > use.at && seen.counter <= use.counter)));
    if (clash !== undefined) {
      throw new WritError('PASSKEY_COUNTER_REGRESSED', `passkey ${credentialId} reported signature counter ${use.counter} at ${new Date(use.at).toISOString()}, against ${clash.counter} at ${new Date(clash.at).toISOString()}: a cloned authenticator or a replay`, {
        facts: { credentialId, counter: use.counter, last: clash.counter },
      });
    }
    uses.push(use);
    this.uses.set(credentialId, uses);
  }
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((group, i) => group === sortedB[i]);
}

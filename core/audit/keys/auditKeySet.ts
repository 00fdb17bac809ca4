import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalDigest } from '../../canonical/digest';
import { jsonPathOf } from '../../canonical/jsonPath';
import { hasPrivateJwkMember } from '../../keys/ed25519Jwk';
import type { KeyRecord } from '../../keys/keyStore';
import { KeyValiditySchema, type KeyValidity } from '../../keys/keyValidity';
import { KEY_PURPOSES, type KeyPurpose } from '../../keys/keyPurpose';
import { TrustedKeySet } from '../../keys/trustedKeySet';
import { isWritError } from '../../errors/writError';
import type { KeyResolver } from '../../artifact/verify/checkSignature';
import type { Assert, SameType } from '../../types/sameType';
import { AuditError } from '../auditError';

export { KeyValiditySchema } from '../../keys/keyValidity';
export type { KeyValidity } from '../../keys/keyValidity';

/** A public Ed25519 JWK with its signing period, as the evidence bundle carries it. */
export const EvidenceKeySchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string(),
  kid: z.string().min(1).max(256),
  alg: z.literal('EdDSA').optional(),
  use: z.literal('sig').optional(),
  writ_purpose: z.enum(KEY_PURPOSES).optional(),
  writ: KeyValiditySchema,
});

/** The evidence key set: a JWKS (other tools read it as one) whose keys carry `writ` validity. */
export const EvidenceKeySetSchema = z.strictObject({ keys: z.array(EvidenceKeySchema).min(1, 'the key set has no keys') });

/**
 * The evidence key set as JSON: a JWKS, so other tools read it as one, whose keys carry
 * their signing periods under `writ`. (The type `EvidenceKeySetSchema` checks, written out.)
 */
export interface EvidenceKeySet {
  /** At least one key. */
  keys: EvidenceKey[];
}

/** One public Ed25519 key of the evidence key set, with its signing period. */
export interface EvidenceKey {
  /** Always `OKP`: Writ signs with Ed25519 only. */
  kty: 'OKP';
  /** Always `Ed25519`. */
  crv: 'Ed25519';
  /** The public key, 32 bytes in unpadded base64url. */
  x: string;
  /** The key id artifacts and receipts name in their header. */
  kid: string;
  /** `EdDSA` when present. */
  alg?: 'EdDSA' | undefined;
  /** `sig` when present. */
  use?: 'sig' | undefined;
  /** What the key may sign; absent on a key made before purposes, which signed artifacts and receipts alike. */
  writ_purpose?: KeyPurpose | undefined;
  /** When the key was the active signer, as the key store recorded it. */
  writ: KeyValidity;
}

type _EvidenceKeySetIsTheSchemas = Assert<SameType<EvidenceKeySet, z.output<typeof EvidenceKeySetSchema>>>;

/**
 * Whether a signature's issue time lies inside its key's signing period, and if not, what
 * was expected and found, in the words a finding reports.
 */
export type KeyTimeJudgement = { readonly valid: true } | { readonly valid: false; readonly expected: string; readonly found: string };

/**
 * The public keys an auditor trusts, each with the period in which it was the active
 * signer. Signatures verify against the key by kid (through a TrustedKeySet, so the same
 * rules as the enforcement point apply); separately, a signature issued outside its key's
 * signing period is judged not valid at that time, which is how a key that was rotated out
 * (or stolen after rotation) is told apart from the key that really signed then.
 */
export class AuditKeySet implements KeyResolver {
  private constructor(
    private readonly trusted: TrustedKeySet,
    private readonly validity: ReadonlyMap<string, KeyValidity>,
    private readonly evidence: EvidenceKeySet,
  ) {}

  /** Builds the set from evidence JSON (`{ keys: [jwk + writ] }`); anything else is EVIDENCE_INVALID listing every issue. */
  static fromEvidence(json: unknown): AuditKeySet {
    const candidates = (json as { keys?: unknown })?.keys;
    if (Array.isArray(candidates)) {
      const leaking = candidates.findIndex((key) => hasPrivateJwkMember(key));
      if (leaking >= 0) throw new AuditError('EVIDENCE_INVALID', `key set entry ${leaking} holds private key material; evidence carries public keys only`);
    }
    const parsed = EvidenceKeySetSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
      throw new AuditError('EVIDENCE_INVALID', `the key set is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
    let trusted: TrustedKeySet;
    try {
      trusted = TrustedKeySet.fromJwks({ keys: parsed.data.keys.map(({ writ: _validity, ...jwk }) => jwk) });
    } catch (error) {
      if (!isWritError(error)) throw error;
      throw new AuditError('EVIDENCE_INVALID', `the key set is invalid: ${error.message}`, { issues: error.issues, cause: error });
    }
    return new AuditKeySet(trusted, new Map(parsed.data.keys.map((key) => [key.kid, key.writ])), parsed.data);
  }

  /** Builds the set from a key store's records (`KeyStore.exportKeyRecords()`), retired keys included. */
  static fromKeyRecords(records: readonly KeyRecord[]): AuditKeySet {
    return AuditKeySet.fromEvidence(keyRecordsToEvidence(records));
  }

  /**
   * One key set holding every key of `sets`, as an auditor needs it: the authorizer's keys
   * and each executor's receipt keys, exported on the hosts that hold them. A kid in more
   * than one set must be the same key with the same purpose and period (it is kept once);
   * otherwise the sets contradict each other and the merge is EVIDENCE_INVALID.
   */
  static merge(sets: readonly AuditKeySet[]): AuditKeySet {
    const byKid = new Map<string, EvidenceKey>();
    for (const set of sets) {
      for (const key of set.evidence.keys) {
        const seen = byKid.get(key.kid);
        if (seen === undefined) byKid.set(key.kid, key);
        else if (canonicalDigest(seen) !== canonicalDigest(key)) {
          throw new AuditError('EVIDENCE_INVALID', `key ${key.kid} appears in two key sets with different material, purpose or signing period`);
        }
      }
    }
    return AuditKeySet.fromEvidence({ keys: [...byKid.values()] });
  }

  /** The public key with this kid; an unknown kid is ARTIFACT_KEY_UNKNOWN, as at the enforcement point. */
  get(kid: string): KeyObject {
    return this.trusted.get(kid);
  }

  /** What the key may sign (undefined: made before purposes); an unknown kid is ARTIFACT_KEY_UNKNOWN. */
  purposeOf(kid: string): KeyPurpose | undefined {
    return this.trusted.purposeOf(kid);
  }

  /** The kids in the set. */
  kids(): string[] {
    return this.trusted.kids();
  }

  /** The set as evidence JSON, for a bundle. */
  toEvidence(): EvidenceKeySet {
    return this.evidence;
  }

  /**
   * Judges whether a signature issued at `iat` (seconds) by `kid` falls in the key's signing
   * period. `skewSeconds` is tolerated at both ends (clocks differ between the key store and
   * the signer), and `graceSeconds` more after the end: a worker caches its signer briefly,
   * so it may still sign with the previous key for a few seconds after a rotation.
   */
  judgeIssueTime(kid: string, iat: number, skewSeconds: number, graceSeconds: number): KeyTimeJudgement {
    const period = this.validity.get(kid);
    const found = `issued at ${isoSeconds(iat)}`;
    if (period === undefined) return { valid: false, expected: `a key in the set`, found: `unknown key ${kid}` };
    if (period.activeFrom === null) return { valid: false, expected: `a key that was an active signer (key ${kid} never was)`, found };
    const from = Math.floor(Date.parse(period.activeFrom) / 1000) - skewSeconds;
    const until = period.activeUntil === null ? Number.POSITIVE_INFINITY : Math.ceil(Date.parse(period.activeUntil) / 1000) + skewSeconds + graceSeconds;
    if (iat >= from && iat <= until) return { valid: true };
    return { valid: false, expected: `issued while key ${kid} was the active signer (${period.activeFrom} to ${period.activeUntil ?? 'now'})`, found };
  }
}

/** Evidence JSON for a key store's records: each public JWK with its signing period. */
export function keyRecordsToEvidence(records: readonly KeyRecord[]): EvidenceKeySet {
  return {
    keys: records.map((record) => ({
      ...record.publicJwk,
      writ: {
        createdAt: record.createdAt,
        status: record.status,
        // A manifest from before signing periods were recorded: its active key has signed
        // since it was created. A verify-only key without a period cannot be placed in time
        // and is treated as never having signed (fail closed).
        activeFrom: record.activatedAt ?? (record.status === 'active' ? record.createdAt : null),
        activeUntil: record.deactivatedAt,
      },
    })),
  };
}

function isoSeconds(seconds: number): string {
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : String(seconds);
}

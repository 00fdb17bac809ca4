import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { jsonPathOf } from '../canonical/jsonPath';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError, type WritIssue } from '../errors/writError';
import { hasPrivateJwkMember, PublishedEd25519JwkSchema } from './ed25519Jwk';
import type { KeyPurpose } from './keyPurpose';

// Members other than `keys` are ignored, as RFC 7517 asks; each key itself is strict.
const JwksSchema = z.object({ keys: z.array(z.unknown()).min(1, 'the key set has no keys') });

/**
 * The public keys a verifier trusts, by kid: built from a JWKS such as the key store's
 * `jwks.json`, and validated when built, not when first used. Every key must be an
 * Ed25519 public key (`kty` OKP, `crv` Ed25519) with a kid, `alg` EdDSA and `use` sig when
 * given, and no private member; kids are unique. Anything else is `KEYSTORE_INVALID`.
 * Each key's `writ_purpose` says what it may sign (none: a key made before purposes).
 * Keys are held as node:crypto KeyObjects, made once.
 */
export class TrustedKeySet {
  private readonly keys: ReadonlyMap<string, KeyObject>;
  private readonly purposes: ReadonlyMap<string, KeyPurpose | undefined>;

  private constructor(keys: ReadonlyMap<string, KeyObject>, purposes: ReadonlyMap<string, KeyPurpose | undefined>) {
    this.keys = keys;
    this.purposes = purposes;
  }

  /** Builds the set from a parsed JWKS object (`{ keys: [...] }`). */
  static fromJwks(jwks: unknown): TrustedKeySet {
    const parsed = JwksSchema.safeParse(jwks);
    if (!parsed.success) throw invalid('not a JWKS', issuesOf(parsed.error));
    const keys = new Map<string, KeyObject>();
    const purposes = new Map<string, KeyPurpose | undefined>();
    const issues: WritIssue[] = [];
    parsed.data.keys.forEach((candidate, index) => {
      const at = `$.keys[${index}]`;
      // Checked before the schema so the refusal says what matters most.
      if (hasPrivateJwkMember(candidate)) {
        issues.push({ path: at, message: 'holds private key material; a trusted key set must be public' });
        return;
      }
      const jwk = PublishedEd25519JwkSchema.safeParse(candidate);
      if (!jwk.success) {
        issues.push(...issuesOf(jwk.error).map((issue) => ({ path: `${at}${issue.path.slice(1)}`, message: issue.message })));
        return;
      }
      if (keys.has(jwk.data.kid)) {
        issues.push({ path: `${at}.kid`, message: 'kid appears twice' });
        return;
      }
      try {
        keys.set(jwk.data.kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.data.x }, format: 'jwk' }));
        purposes.set(jwk.data.kid, jwk.data.writ_purpose);
      } catch {
        issues.push({ path: `${at}.x`, message: 'not a usable Ed25519 public key' });
      }
    });
    if (issues.length > 0) throw invalid('has invalid keys', issues);
    return new TrustedKeySet(keys, purposes);
  }

  /** Reads and builds the set from a JWKS file (parsed strictly: duplicate members are refused). */
  static fromFile(filePath: string): TrustedKeySet {
    let text: string;
    try {
      text = fs.readFileSync(filePath, 'utf8');
    } catch (cause) {
      throw new WritError('KEYSTORE_INVALID', `cannot read the trusted key set ${filePath}`, { cause });
    }
    let jwks: unknown;
    try {
      jwks = parseStrictJson(text);
    } catch (cause) {
      throw new WritError('KEYSTORE_INVALID', `trusted key set ${filePath} is not valid JSON`, {
        issues: cause instanceof WritError ? cause.issues : [],
        cause,
      });
    }
    return TrustedKeySet.fromJwks(jwks);
  }

  /** The public key with this kid; an unknown kid is `ARTIFACT_KEY_UNKNOWN`, never a fallback. */
  get(kid: string): KeyObject {
    const key = this.keys.get(kid);
    if (key === undefined) throw new WritError('ARTIFACT_KEY_UNKNOWN', `no trusted key has kid ${JSON.stringify(kid)}`);
    return key;
  }

  /**
   * What the key with this kid may sign, as its `writ_purpose` says; undefined for a key
   * published before keys had purposes (it signed artifacts and receipts alike). An
   * unknown kid is `ARTIFACT_KEY_UNKNOWN`, as in `get`.
   */
  purposeOf(kid: string): KeyPurpose | undefined {
    if (!this.keys.has(kid)) throw new WritError('ARTIFACT_KEY_UNKNOWN', `no trusted key has kid ${JSON.stringify(kid)}`);
    return this.purposes.get(kid);
  }

  /** True when a key with this kid is trusted. */
  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** The trusted kids, in the order of the key set. */
  kids(): string[] {
    return [...this.keys.keys()];
  }
}

function issuesOf(error: z.ZodError): WritIssue[] {
  return error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
}

function invalid(what: string, issues: WritIssue[]): WritError {
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new WritError('KEYSTORE_INVALID', `trusted key set ${what}: ${summary}`, { issues });
}

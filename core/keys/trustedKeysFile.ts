import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { jsonPathOf } from '../canonical/jsonPath';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError, type WritIssue } from '../errors/writError';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import { toPublicSigningJwk } from './ed25519Jwk';
import type { KeyPurpose } from './keyPurpose';
import type { KeyRecord } from './keyStore';
import { KeyStoreTrust } from './keyStoreTrust';
import { KeyValiditySchema } from './keyValidity';
import { TrustedKeySet } from './trustedKeySet';

/** How long a read of the file is trusted before its modification time is looked at again. */
const STAT_INTERVAL_MS = 1_000;

/** What the file held when last read (its resolver, or why it could not be read) and how to tell it changed. */
type Reading = { readonly stamp: string; readonly keys: KeyResolver } | { readonly stamp: string; readonly failure: WritError };

/**
 * An executor's trust: the authorization keys' published key set, from a file (what
 * `writ keys export` writes on the authorizer), with no key store and no private key
 * anywhere near it. The file is read when the worker starts (an unreadable or invalid
 * file is `KEYSTORE_INVALID` there) and again whenever it changes, so publishing a rotated
 * key set needs no restart; while it cannot be read, every artifact is refused with
 * `KEYSTORE_INVALID` rather than judged by keys the file no longer holds.
 *
 * The file is a JWKS, each key marked with its purpose (`writ_purpose`). When its keys also
 * carry their signing periods (`writ keys export --with-periods`), an artifact is accepted
 * only from a key that was the active signer when it was issued (ARTIFACT_KEY_NOT_ACTIVE,
 * as `KeyStoreTrust` judges it); a plain JWKS trusts its keys whenever they signed.
 */
export class TrustedKeysFile implements KeyResolver {
  private reading: Reading;
  private checkedAt: number;

  private constructor(
    /** The key set file, as configured. */
    readonly file: string,
    private readonly skewSeconds: number,
    private readonly cacheSeconds: number,
    private readonly now: () => number,
  ) {
    const first = this.read();
    // At start an unreadable file stops the worker; later it only refuses until it is fixed.
    if ('failure' in first) throw first.failure;
    this.reading = first;
    this.checkedAt = now();
  }

  /**
   * Reads `file` now (refused with `KEYSTORE_INVALID` when it is missing or invalid).
   * `skewSeconds` and `cacheSeconds` are tolerated around signing periods, as by `KeyStoreTrust`.
   */
  static open(file: string, options: { skewSeconds: number; cacheSeconds: number; now?: () => number }): TrustedKeysFile {
    return new TrustedKeysFile(file, options.skewSeconds, options.cacheSeconds, options.now ?? Date.now);
  }

  /** The public key for `kid`, or ARTIFACT_KEY_UNKNOWN; KEYSTORE_INVALID while the file cannot be read. */
  get(kid: string): KeyObject {
    return this.current().get(kid);
  }

  /** What the key may sign, as the file marks it. */
  purposeOf(kid: string): KeyPurpose | undefined {
    return this.current().purposeOf(kid);
  }

  /** ARTIFACT_KEY_NOT_ACTIVE unless `kid` signed while active, when the file records periods. */
  requireActiveAt(kid: string, issuedAt: number): void {
    this.current().requireActiveAt?.(kid, issuedAt);
  }

  private current(): KeyResolver {
    const now = this.now();
    if (now - this.checkedAt >= STAT_INTERVAL_MS) {
      this.checkedAt = now;
      if (stampOf(this.file) !== this.reading.stamp) this.reading = this.read();
    }
    if ('failure' in this.reading) throw this.reading.failure;
    return this.reading.keys;
  }

  private read(): Reading {
    // The stamp is taken before the read: a change while reading is seen at the next look.
    const stamp = stampOf(this.file);
    try {
      let json: unknown;
      try {
        json = parseStrictJson(fs.readFileSync(this.file, 'utf8'));
      } catch (cause) {
        const issues = cause instanceof WritError ? cause.issues : [];
        throw new WritError('KEYSTORE_INVALID', `cannot read the trusted key set ${this.file}: ${(cause as Error).message}`, { issues, cause });
      }
      return { stamp, keys: this.resolverFor(json) };
    } catch (error) {
      if (!(error instanceof WritError)) throw error;
      return { stamp, failure: error };
    }
  }

  private resolverFor(json: unknown): KeyResolver {
    const keys = (json as { keys?: unknown } | null)?.keys;
    const entries = Array.isArray(keys) ? (keys as unknown[]) : [];
    const withPeriods = entries.filter((key) => typeof key === 'object' && key !== null && 'writ' in key);
    if (withPeriods.length === 0) return TrustedKeySet.fromJwks(json);
    if (withPeriods.length !== entries.length) {
      throw new WritError('KEYSTORE_INVALID', `trusted key set ${this.file}: either every key carries its signing period (writ) or none does`);
    }
    const records = recordsOf(entries as Record<string, unknown>[], this.file);
    return new KeyStoreTrust({ exportKeyRecords: () => records }, this.skewSeconds, this.cacheSeconds, this.now);
  }
}

/** The records of a key set whose keys carry their signing periods; every key validated now. */
function recordsOf(entries: readonly Record<string, unknown>[], file: string): KeyRecord[] {
  const jwks = entries.map(({ writ: _validity, ...jwk }) => jwk);
  // Validates every public key (and refuses private members) before anything is trusted.
  const trusted = TrustedKeySet.fromJwks({ keys: jwks });
  const issues: WritIssue[] = [];
  const records: KeyRecord[] = [];
  entries.forEach((entry, index) => {
    const validity = KeyValiditySchema.safeParse(entry['writ']);
    if (!validity.success) {
      issues.push(...validity.error.issues.map((issue) => ({ path: `$.keys[${index}].writ${jsonPathOf(issue.path).slice(1)}`, message: issue.message })));
      return;
    }
    const kid = String(entry['kid']);
    records.push({
      kid,
      createdAt: validity.data.createdAt,
      status: validity.data.status,
      activatedAt: validity.data.activeFrom,
      deactivatedAt: validity.data.activeUntil,
      publicJwk: toPublicSigningJwk(kid, { kty: 'OKP', crv: 'Ed25519', x: String(entry['x']) }, trusted.purposeOf(kid)),
    });
  });
  if (issues.length > 0) {
    throw new WritError('KEYSTORE_INVALID', `trusted key set ${file} has invalid signing periods: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return records;
}

/** What changes when the file is replaced or rewritten; a missing file has a stamp of its own. */
function stampOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

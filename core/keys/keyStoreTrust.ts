import type { KeyObject } from 'node:crypto';
import { WritError } from '../errors/writError';
import type { KeyResolver } from '../artifact/verify/checkSignature';
import type { KeyRecord, KeyStore } from './keyStore';
import type { KeyPurpose } from './keyPurpose';
import { TrustedKeySet } from './trustedKeySet';

/** How long the trusted set is reused before the key directory is read again. */
const REFRESH_MS = 5_000;

/**
 * The enforcement point's trust, read from the key store it shares with the signer (role
 * `all`), or from an executor's published key set with signing periods (`TrustedKeysFile`):
 * the public keys that may verify, what each may sign, and when each was the active signer. It follows rotation
 * without a restart (re-read at most every few seconds, and at once for an unknown kid),
 * and refuses an artifact its key signed outside that key's signing period
 * (ARTIFACT_KEY_NOT_ACTIVE). Clock skew is tolerated at both ends of the period; the
 * signer's cache of the previous key (`cacheSeconds`) only after its end, since a worker
 * may sign with the old key that long after a rotation, never with a new key before it.
 */
export class KeyStoreTrust implements KeyResolver {
  private records = new Map<string, KeyRecord>();
  private trusted: TrustedKeySet | undefined;
  private readAt = 0;

  /** `store` is a key store, or anything else that gives its records (an executor's trusted key file). */
  constructor(
    private readonly store: Pick<KeyStore, 'exportKeyRecords'>,
    private readonly skewSeconds: number,
    private readonly cacheSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The public key for `kid`, or ARTIFACT_KEY_UNKNOWN (retired keys verify nothing new). */
  get(kid: string): KeyObject {
    this.refresh(false);
    if (!this.records.has(kid)) this.refresh(true);
    const record = this.records.get(kid);
    if (record === undefined || record.status === 'retired' || this.trusted === undefined) {
      throw new WritError('ARTIFACT_KEY_UNKNOWN', `key "${kid}" is not trusted`);
    }
    return this.trusted.get(kid);
  }

  /** What the key may sign, as the key store records it; ARTIFACT_KEY_UNKNOWN as in `get`. */
  purposeOf(kid: string): KeyPurpose | undefined {
    this.refresh(false);
    const record = this.records.get(kid);
    if (record === undefined || record.status === 'retired') throw new WritError('ARTIFACT_KEY_UNKNOWN', `key "${kid}" is not trusted`);
    return record.publicJwk.writ_purpose;
  }

  /** Throws ARTIFACT_KEY_NOT_ACTIVE unless `kid` was the active signer at `issuedAt`. */
  requireActiveAt(kid: string, issuedAt: number): void {
    const record = this.records.get(kid);
    if (record === undefined) throw new WritError('ARTIFACT_KEY_UNKNOWN', `key "${kid}" is not trusted`);
    const from = record.activatedAt === null ? undefined : Date.parse(record.activatedAt) / 1000;
    const until = record.deactivatedAt === null ? undefined : Date.parse(record.deactivatedAt) / 1000;
    // A manifest written before signing periods were recorded knows only the active key.
    if (from === undefined && record.status !== 'active') {
      throw new WritError('ARTIFACT_KEY_NOT_ACTIVE', `key "${kid}" has no recorded signing period`);
    }
    if ((from !== undefined && issuedAt < from - this.skewSeconds) || (until !== undefined && issuedAt > until + this.skewSeconds + this.cacheSeconds)) {
      throw new WritError('ARTIFACT_KEY_NOT_ACTIVE', `key "${kid}" was not the active signer when the artifact was issued`);
    }
  }

  private refresh(force: boolean): void {
    const now = this.now();
    // A forced read (an unknown kid) is still limited to one a second, so made-up kids
    // cannot turn every request into a read of the key directory.
    if (this.trusted !== undefined && now - this.readAt < (force ? 1_000 : REFRESH_MS)) return;
    const records = this.store.exportKeyRecords();
    const usable = records.filter((r) => r.status !== 'retired');
    this.records = new Map(records.map((r) => [r.kid, r]));
    this.trusted = usable.length === 0 ? undefined : TrustedKeySet.fromJwks({ keys: usable.map((r) => r.publicJwk) });
    this.readAt = now;
  }
}

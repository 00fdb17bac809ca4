import type { KeyObject } from 'node:crypto';
import { WritError, isWritError } from '../../errors/writError';
import type { KeyPurpose } from '../../keys/keyPurpose';
import type { ArtifactHeader } from './decodeArtifact';
import type { PreverifiedSignatures } from './preverifiedSignatures';
import { verifyEd25519Jws } from './verifyEd25519Jws';

/** Resolves a `kid` to a trusted public key, or throws ARTIFACT_KEY_UNKNOWN. */
export interface KeyResolver {
  /** The trusted public key for `kid`; throws ARTIFACT_KEY_UNKNOWN for any other kid. */
  get(kid: string): KeyObject;
  /**
   * What the trusted key `kid` may sign: `authorization` artifacts or execution `receipt`s,
   * or undefined for a key published before keys had purposes (it signed both). Verifiers
   * refuse a signature by a key of the other purpose.
   */
  purposeOf(kid: string): KeyPurpose | undefined;
  /**
   * When the resolver knows signing periods: throws ARTIFACT_KEY_NOT_ACTIVE unless `kid`
   * was the active signer at `issuedAt` (seconds), so a rotated-out or stolen old key
   * cannot authorize new work.
   */
  requireActiveAt?(kid: string, issuedAt: number): void;
}

/**
 * Step 2: signature. The key comes only from the trusted set, by `kid`, and must be one
 * that signs authorization artifacts: a receipt key is refused
 * (ARTIFACT_KEY_PURPOSE_INVALID), so an executor's own key cannot authorize anything. The
 * algorithm is pinned again here (Ed25519 over the RFC 7515 signing input, whatever the
 * header says) so no header can widen it. Returns the verified payload bytes. `preverified`
 * (an auditor's) spares a second verification of a signature already verified for this key.
 */
export async function checkSignature(token: string, header: ArtifactHeader, keys: KeyResolver, preverified?: PreverifiedSignatures): Promise<Uint8Array> {
  let key: KeyObject;
  let purpose: KeyPurpose | undefined;
  try {
    key = keys.get(header.kid);
    purpose = keys.purposeOf(header.kid);
  } catch (error) {
    if (isWritError(error)) throw error;
    throw new WritError('ARTIFACT_KEY_UNKNOWN', `key "${header.kid}" is not trusted`);
  }
  if (purpose === 'receipt') {
    throw new WritError('ARTIFACT_KEY_PURPOSE_INVALID', `key "${header.kid}" is a receipt key: it signs receipts, never authorization artifacts`);
  }
  try {
    return verifyEd25519Jws(token, key, preverified);
  } catch {
    throw new WritError('ARTIFACT_SIGNATURE_INVALID', `artifact signature does not verify with key "${header.kid}"`);
  }
}

import { KeyObject, verify } from 'node:crypto';
import { WritError } from '../../errors/writError';
import type { PreverifiedSignatures } from './preverifiedSignatures';

/** An Ed25519 signature is 64 bytes: 86 base64url characters, unpadded. */
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Verifies the Ed25519 signature of a compact JWS whose shape and protected header the
 * caller has already checked, and returns the payload bytes only when it holds.
 *
 * Verifies with node:crypto directly over the ASCII signing input, as RFC 7515 defines
 * it: jose 6 goes through WebCrypto, which converts the KeyObject and awaits on every
 * call, at over twice the cost, for the same OpenSSL check. The signature part must be
 * the canonical unpadded base64url of exactly 64 bytes, so one signed artifact has one
 * compact form and one digest (base64url decoders otherwise accept spare trailing bits).
 * Any failure, a key that is not an Ed25519 public key included, is
 * ARTIFACT_SIGNATURE_INVALID. Given `preverified` (an auditor's, filled on worker
 * threads), a signature it holds for this key and token is not verified a second time;
 * every other check still runs, and anything it does not hold is verified here.
 */
export function verifyEd25519Jws(token: string, key: KeyObject, preverified?: PreverifiedSignatures): Buffer {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot <= 0 || secondDot <= firstDot || token.indexOf('.', secondDot + 1) !== -1) throw invalid();
  if (!(key instanceof KeyObject) || key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') throw invalid();
  const encodedSignature = token.slice(secondDot + 1);
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (signature.length !== ED25519_SIGNATURE_BYTES || signature.toString('base64url') !== encodedSignature) throw invalid();
  let valid: boolean;
  try {
    valid = preverified?.holds(key, token) === true || verify(null, Buffer.from(token.slice(0, secondDot), 'ascii'), key, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw invalid();
  return Buffer.from(token.slice(firstDot + 1, secondDot), 'base64url');
}

function invalid(): WritError {
  return new WritError('ARTIFACT_SIGNATURE_INVALID', 'signature does not verify');
}

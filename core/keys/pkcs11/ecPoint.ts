import { ED25519_NAMED_PARAMS, ED25519_OID_PARAMS } from './pkcs11Constants';

/** The size of an Ed25519 public key. */
const ED25519_PUBLIC_KEY_BYTES = 32;
/** DER tag and short-form length of an OCTET STRING holding 32 bytes. */
const OCTET_STRING_OF_32 = [0x04, ED25519_PUBLIC_KEY_BYTES] as const;

/**
 * The 32-byte Ed25519 public key in a CKA_EC_POINT value, or undefined when it holds
 * anything else. PKCS#11 3.0 says the point is a DER OCTET STRING (as SoftHSM writes it);
 * some modules give the 32 bytes bare. Both are taken, nothing looser.
 */
export function ed25519KeyFromEcPoint(ecPoint: Uint8Array): Buffer | undefined {
  const bytes = Buffer.from(ecPoint);
  if (bytes.length === ED25519_PUBLIC_KEY_BYTES) return bytes;
  if (bytes.length === ED25519_PUBLIC_KEY_BYTES + 2 && bytes[0] === OCTET_STRING_OF_32[0] && bytes[1] === OCTET_STRING_OF_32[1]) {
    return bytes.subarray(2);
  }
  return undefined;
}

/** True when a CKA_EC_PARAMS value names edwards25519 (its OID or its printable name), not Ed448. */
export function isEd25519Params(ecParams: Uint8Array): boolean {
  const bytes = Buffer.from(ecParams);
  return bytes.equals(ED25519_OID_PARAMS) || bytes.equals(ED25519_NAMED_PARAMS);
}

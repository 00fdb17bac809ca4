import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical/canonicalJson';

/** What a passkey signs to bind itself to the identity its operator signed in with. */
export interface PasskeyBindingDocument {
  readonly kind: 'writ-passkey-binding';
  readonly principal: string;
  readonly groups: readonly string[];
  readonly credentialId: string;
  /** The credential's public key, COSE, base64url. */
  readonly publicKey: string;
  readonly rpId: string;
  /** `sha256:<hex>` of the ID token the operator signed in with. */
  readonly idTokenDigest: string;
}

const sha256 = (document: unknown): Buffer => createHash('sha256').update(canonicalJson(document)).digest();

/**
 * The WebAuthn challenge of a binding: SHA-256 of the binding document's RFC 8785 canonical
 * JSON, base64url, so the passkey's signature covers who it is bound to and under which
 * sign-in.
 */
export function bindingChallenge(document: PasskeyBindingDocument): string {
  return sha256(document).toString('base64url');
}

/** `sha256:<hex>` of a binding document, as the governance store records it. */
export function bindingDigest(document: PasskeyBindingDocument): string {
  return `sha256:${sha256(document).toString('hex')}`;
}

/**
 * The WebAuthn challenge of an operator's statement made with a passkey (an approval or
 * denial, a revocation, a kill-switch change): SHA-256 of the RFC 8785 canonical JSON of
 * its audience and its whole content, base64url. An approval's content holds the request
 * digest with the decision and the reason, so the passkey signs exactly what the operator
 * decided: whoever relays the assertion cannot turn an approval into a denial, change its
 * reason, or present it as another kind of statement.
 */
export function statementChallenge(audience: string, statement: unknown): string {
  return sha256({ kind: 'writ-passkey-statement', audience, statement }).toString('base64url');
}

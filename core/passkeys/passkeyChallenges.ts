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

/** What a passkey signs to approve or deny one pending request. */
export interface PasskeyDecision {
  /** The pending request's digest (`writ pending` shows it; the request binds run, step, arguments and policy). */
  readonly requestDigest: string;
  readonly decision: 'approve' | 'deny';
  readonly reason: string | null;
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
 * The WebAuthn challenge of an approval or denial: SHA-256 of the canonical JSON of the
 * request digest together with the decision and the reason. The request digest alone
 * would let whoever relays the assertion turn an approval into a denial or change its
 * reason; with them, the passkey signs exactly what the operator decided.
 */
export function decisionChallenge(decision: PasskeyDecision): string {
  return sha256({ kind: 'writ-passkey-decision', requestDigest: decision.requestDigest, decision: decision.decision, reason: decision.reason }).toString('base64url');
}

import { WritError } from '../errors/writError';

/**
 * An operator's passkey bound to their identity: which principal (and groups) the console's
 * sign-in proved, which credential and public key, and the evidence of it (the ID token it
 * was made under and the passkey's own signature over the binding) for auditors.
 */
export interface PasskeyBinding {
  /** The WebAuthn credential id, base64url. */
  readonly credentialId: string;
  /** The principal the ID token named (`sub`). */
  readonly principal: string;
  /** The groups the ID token carried. */
  readonly groups: readonly string[];
  /** The credential's public key, COSE, base64url. */
  readonly publicKey: string;
  /** The relying party id the passkey is scoped to. */
  readonly rpId: string;
  /** When the binding was recorded (ISO 8601). */
  readonly registeredAt: string;
  /** `sha256:<hex>` of the binding document the passkey signed. */
  readonly bindingDigest: string;
  /** The binding's evidence as JSON (binding document, ID token, the passkey's assertion over it). */
  readonly evidence: string;
}

/** One assertion made with a passkey: which statement, and the authenticator's signature counter. */
export interface PasskeyAssertionUse {
  /** The passkey's credential id, base64url. */
  readonly credentialId: string;
  /** `sha256:<hex>` of the statement carrying the assertion. */
  readonly statementDigest: string;
  /** The signature counter the authenticator reported (0 for authenticators that keep none). */
  readonly counter: number;
}

/** A second binding of a credential id to another principal or key: refused, nothing changed. */
export function refuseRebinding(existing: PasskeyBinding): never {
  throw new WritError('PASSKEY_ALREADY_BOUND', `passkey ${existing.credentialId} is bound to ${existing.principal} already`, { facts: { credentialId: existing.credentialId, principal: existing.principal } });
}

/** An assertion whose counter does not exceed the last one the credential reported: a cloned authenticator or a replay. */
export function refuseCounter(use: PasskeyAssertionUse, last: number): never {
  throw new WritError('PASSKEY_COUNTER_REGRESSED', `passkey ${use.credentialId} reported signature counter ${use.counter}, not above the ${last} it reported before`, { facts: { credentialId: use.credentialId, counter: use.counter, last } });
}

/**
 * Whether a new assertion's counter is acceptable after `last`: above it, or both zero
 * (authenticators that keep no counter, as synced passkeys do, always report 0).
 */
export function counterAdvances(counter: number, last: number | undefined): boolean {
  if (last === undefined) return true;
  return counter > last || (counter === 0 && last === 0);
}

/** Whether `binding` is `existing` again (the same principal and key), so recording it changes nothing. */
export function sameBinding(binding: PasskeyBinding, existing: PasskeyBinding): boolean {
  return binding.principal === existing.principal && binding.publicKey === existing.publicKey && binding.rpId === existing.rpId;
}

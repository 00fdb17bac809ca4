import { z } from 'zod';
import { PasskeyTrustSchema } from '../../passkeys/passkeyTrust';
import type { Assert, SameType } from '../../types/sameType';
import { IdentityEvidenceSchema, type IdentityEvidence } from './identityEvidence';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/).max(8192);

/** One passkey binding as the governance store records it, its evidence with it. */
export const PasskeyBindingEvidenceSchema = z.strictObject({
  credentialId: base64url,
  principal: z.string().min(1).max(256),
  groups: z.array(z.string().min(1).max(256)).max(100),
  publicKey: base64url,
  rpId: z.string().min(1).max(253),
  registeredAt: z.iso.datetime(),
  bindingDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** JSON: the binding document, the ID token it was made under, the passkey's assertion over it. */
  evidence: z.string().min(2).max(65_536),
});

/**
 * Operators' passkeys as evidence: where the workers accepted assertions from (RP id and
 * console origins), the OpenID provider operators signed in at (its issuer, the console's
 * client id as the ID tokens' audience, its public keys), and each binding of a passkey to
 * an operator with its evidence. With it an auditor verifies approvals, revocations and
 * kill-switch changes made with a passkey offline; without it they stay unverified (a
 * finding, never a pass). Nothing in it is trusted until verified: a binding counts only
 * when its ID token verifies with the sign-in provider's keys and its passkey signed it.
 */
export const PasskeyEvidenceSchema = z.strictObject({
  trust: PasskeyTrustSchema,
  signIn: IdentityEvidenceSchema.extend({ audience: z.string().min(1) }),
  bindings: z.array(PasskeyBindingEvidenceSchema).max(10_000),
});

/** One passkey binding in evidence (the type `PasskeyBindingEvidenceSchema` checks, written out). */
export interface PasskeyBindingEvidence {
  /** The WebAuthn credential id, base64url. */
  credentialId: string;
  /** The principal the sign-in's ID token named. */
  principal: string;
  /** The groups it carried. */
  groups: string[];
  /** The credential's public key, COSE, base64url. */
  publicKey: string;
  /** The relying party id the passkey is scoped to. */
  rpId: string;
  /** When the binding was recorded (ISO 8601). */
  registeredAt: string;
  /** `sha256:<hex>` of the binding document the passkey signed. */
  bindingDigest: string;
  /** JSON: `{ document, idToken, assertion }`. */
  evidence: string;
}
type _PasskeyBindingEvidenceIsTheSchemas = Assert<SameType<PasskeyBindingEvidence, z.output<typeof PasskeyBindingEvidenceSchema>>>;

/** Operators' passkeys as evidence (the type `PasskeyEvidenceSchema` checks, written out). */
export interface PasskeyEvidence {
  /** Where assertions were accepted from: the RP id and the console's origins. */
  trust: { rpId: string; origins: string[] };
  /** The OpenID provider operators signed in at; `audience` is the console's client id. */
  signIn: IdentityEvidence & { audience: string };
  /** The bindings of the passkeys the statements were made with. */
  bindings: PasskeyBindingEvidence[];
}
type _PasskeyEvidenceIsTheSchemas = Assert<SameType<PasskeyEvidence, z.output<typeof PasskeyEvidenceSchema>>>;

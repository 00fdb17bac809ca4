import { createHash } from 'node:crypto';
import { generateAuthenticationOptions, generateRegistrationOptions, verifyRegistrationResponse, type AuthenticationResponseJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { sha256Digest } from '../../core/canonical/digest';
import { WritError } from '../../core/errors/writError';
import type { PasskeyBinding } from '../../core/governance/passkeyRegistry';
import { bindingChallenge, bindingDigest, statementChallenge, type PasskeyBindingDocument } from '../../core/passkeys/passkeyChallenges';
import { encodePasskeyStatement, PasskeyStatementSchema } from '../../core/passkeys/passkeyStatement';
import type { PasskeyTrust } from '../../core/passkeys/passkeyTrust';
import { verifyPasskeyAssertion } from '../../core/passkeys/verifyPasskeyAssertion';
import type { ConsoleSession } from '../session/consoleSessions';
import { appendEvidence } from '../../activities/appendEvidence';
import { passkeyBindingEntry } from '../../core/log/entries/evidenceEntry';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';

/** Where the console keeps bindings: the governance store. */
export interface PasskeyStore {
  registerPasskey(binding: PasskeyBinding): Promise<PasskeyBinding>;
  passkeysOf(principal: string): Promise<PasskeyBinding[]>;
}

type Ceremony =
  | { readonly kind: 'registration'; readonly challenge: string }
  | { readonly kind: 'binding'; readonly document: PasskeyBindingDocument; readonly provisional: PasskeyBinding }
  | { readonly kind: 'statement'; readonly audience: string; readonly statement: Record<string, unknown>; readonly target: StatementTarget };

/** Where a statement goes once signed: an approval or a revocation to a run, a kill-switch change to the control workflow. */
export type StatementTarget = { readonly kind: 'approval'; readonly workflowId: string } | { readonly kind: 'revocation'; readonly workflowId: string; readonly runId: string } | { readonly kind: 'kill-switch' };

/**
 * The console's WebAuthn ceremonies (`@simplewebauthn/server`), one in flight per session:
 * registering a passkey and binding it (the passkey signs a document naming the principal,
 * its groups, the credential and the ID token of the session), and signing an operator's
 * statement (an approval or denial, a revocation, a kill-switch change: the passkey signs its
 * audience and whole content, the request digest, decision and reason of an approval among it). The
 * console checks what it can; the workers verify every approval again, and the auditor
 * offline.
 */
export class PasskeyCeremonies {
  private readonly inFlight = new Map<string, Ceremony>();

  constructor(
    private readonly store: PasskeyStore,
    private readonly trust: PasskeyTrust,
    private readonly origin: string,
    private readonly clock: () => number,
    /** Where each binding is logged before the store records it (the workers' evidence log). */
    private readonly evidenceLog: EvidenceLog,
  ) {}

  /** Options for registering a new passkey for the session's operator. */
  async registrationOptions(session: ConsoleSession): Promise<unknown> {
    const existing = await this.store.passkeysOf(session.principal);
    const options = await generateRegistrationOptions({
      rpName: 'Writ console',
      rpID: this.trust.rpId,
      userName: session.principal,
      userID: createHash('sha256').update(session.principal).digest(),
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      // Ed25519 and P-256: what Writ verifies, and what authenticators offer.
      supportedAlgorithmIDs: [-8, -7],
    });
    this.inFlight.set(session.id, { kind: 'registration', challenge: options.challenge });
    return options;
  }

  /** Verifies the new passkey's registration, then asks it to sign its binding (PASSKEY_REGISTRATION_INVALID). */
  async completeRegistration(session: ConsoleSession, response: RegistrationResponseJSON): Promise<unknown> {
    const ceremony = this.take(session, 'registration');
    let verified;
    try {
      verified = await verifyRegistrationResponse({ response, expectedChallenge: ceremony.challenge, expectedOrigin: this.origin, expectedRPID: this.trust.rpId, requireUserVerification: true });
    } catch (error) {
      throw new WritError('PASSKEY_REGISTRATION_INVALID', `the passkey's registration does not verify: ${(error as Error).message}`, { cause: error });
    }
    if (!verified.verified) throw new WritError('PASSKEY_REGISTRATION_INVALID', "the passkey's registration does not verify");
    const { credential } = verified.registrationInfo;
    const document: PasskeyBindingDocument = {
      kind: 'writ-passkey-binding',
      principal: session.principal,
      groups: session.groups,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      rpId: this.trust.rpId,
      idTokenDigest: sha256Digest(session.idToken),
    };
    const provisional: PasskeyBinding = { ...document, registeredAt: new Date(this.clock()).toISOString(), bindingDigest: bindingDigest(document), evidence: '' };
    this.inFlight.set(session.id, { kind: 'binding', document, provisional });
    return generateAuthenticationOptions({ rpID: this.trust.rpId, challenge: challengeBytes(bindingChallenge(document)), allowCredentials: [{ id: credential.id }], userVerification: 'required' });
  }

  /** Verifies the passkey's signature over its binding and records the binding with its evidence. */
  async completeBinding(session: ConsoleSession, response: AuthenticationResponseJSON): Promise<PasskeyBinding> {
    const { document, provisional } = this.take(session, 'binding');
    await verifyPasskeyAssertion(response, bindingChallenge(document), provisional, this.trust);
    const evidence = JSON.stringify({ document, idToken: session.idToken, assertion: response });
    const binding: PasskeyBinding = { ...provisional, evidence };
    // Written ahead, as every piece of evidence is: a binding the log cannot take is not
    // recorded (EVIDENCE_LOG_UNAVAILABLE), so no statement can rest on an unlogged binding.
    await appendEvidence({ evidenceLog: this.evidenceLog }, passkeyBindingEntry(binding));
    return this.store.registerPasskey(binding);
  }

  /**
   * Options for signing an operator statement (`audience`, `statement`: exactly what a
   * signed statement's content holds) with one of the operator's passkeys; PASSKEY_UNKNOWN
   * when they have none.
   */
  async statementOptions(session: ConsoleSession, audience: string, statement: Record<string, unknown>, target: StatementTarget): Promise<unknown> {
    const passkeys = await this.store.passkeysOf(session.principal);
    if (passkeys.length === 0) throw new WritError('PASSKEY_UNKNOWN', `${session.principal} has no passkey: register one on the Passkeys page first`);
    this.inFlight.set(session.id, { kind: 'statement', audience, statement, target });
    return generateAuthenticationOptions({ rpID: this.trust.rpId, challenge: challengeBytes(statementChallenge(audience, statement)), allowCredentials: passkeys.map((p) => ({ id: p.credentialId })), userVerification: 'required' });
  }

  /** The passkey statement in flight, signed, with where it goes; the workers verify it. */
  completeStatement(session: ConsoleSession, response: AuthenticationResponseJSON): { target: StatementTarget; statement: string } {
    const { audience, statement, target } = this.take(session, 'statement');
    const encoded = PasskeyStatementSchema.parse({ v: 1, kind: 'passkey-statement', audience, statement, assertion: response });
    return { target, statement: encodePasskeyStatement(encoded as Parameters<typeof encodePasskeyStatement>[0]) };
  }

  private take<K extends Ceremony['kind']>(session: ConsoleSession, kind: K): Extract<Ceremony, { kind: K }> {
    const ceremony = this.inFlight.get(session.id);
    this.inFlight.delete(session.id);
    if (ceremony?.kind !== kind) throw new WritError(kind === 'statement' ? 'STATEMENT_INVALID' : 'PASSKEY_REGISTRATION_INVALID', `no ${kind} is in progress in this session: start again`);
    return ceremony as Extract<Ceremony, { kind: K }>;
  }
}

/** A challenge as the bytes the authenticator signs (a string would be taken as its UTF-8 text). */
function challengeBytes(challenge: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(challenge, 'base64url'));
}

import type { PasskeyTrust } from '../core/passkeys/passkeyTrust';
import type { OperatorStatementKind } from '../core/operators/operatorStatementKinds';
import type { ActionRegistry } from '../core/actions/actionRegistry';
import type { Signer } from '../core/artifact/mintArtifact';
import type { KeyResolver } from '../core/artifact/verify/checkSignature';
import type { PolicySource } from '../core/policy/policySource';
import type { GovernanceStore } from '../core/governance/governanceStore';
import type { StatementVerifier } from '../core/operators/verifyStatement';
import type { VerifiedIdentity } from '../core/identity/identityVerifier';
import type { EvidenceLog } from '../core/log/evidence/evidenceLog';
import type { StartProofBinding, VerifiedStartProof } from '../core/identity/startProof';

/**
 * Verifies identity tokens and operators' signed statements; the identity module's
 * IdentityVerifier implements it.
 */
export interface IdentityCheck extends StatementVerifier {
  /** Verifies an initiator's identity token; a refusal is a WritError with an `IDENTITY_*` code. */
  verify(token: string | undefined): Promise<VerifiedIdentity>;
  /**
   * Throws IDENTITY_EXPIRED when an identity verified earlier, expiring at `expiresAt`
   * (seconds since the epoch), is past its expiry on the clock and tolerance tokens are
   * checked with: a run acts for its principal no longer than the token it started with.
   */
  requireUnexpired(identity: { readonly principal: string; readonly expiresAt: number }): void;
  /**
   * Verifies the start proof of a token bound to a key (`cnf.jkt`) on the clock and
   * tolerance tokens are checked with; a refusal is a WritError with a `START_PROOF_*` code.
   */
  verifyStartProof(proof: string | undefined, start: StartProofBinding & { readonly identity: VerifiedIdentity }): Promise<VerifiedStartProof>;
}

/** Limits on artifact and statement windows. Validated once, when the worker is configured. */
export interface ArtifactWindowSettings {
  /** Lifetime of a minted artifact (default 60 s). */
  readonly ttlSeconds: number;
  /** Tolerated clock difference between signer and enforcement point (default 5 s). */
  readonly clockSkewSeconds: number;
  /** The longest lifetime the enforcement point accepts (default 900 s). */
  readonly maxLifetimeSeconds: number;
  /**
   * How old a signed operator statement (approval, denial, revocation, kill-switch change)
   * may be at its first use, in seconds (default 300, from 30 to 3600): an older one is
   * STATEMENT_STALE.
   */
  readonly statementMaxAgeSeconds: number;
}

/**
 * Everything Writ's activities and the enforcement point depend on, injected so tests
 * control the clock, the keys and the stores.
 */
export interface GovernanceDeps {
  readonly registry: ActionRegistry;
  /** Revocations and the kill switch, consulted before every authorization and execution. */
  readonly governance: GovernanceStore;
  readonly policies: PolicySource;
  readonly identity: IdentityCheck;
  /** The authorization key artifacts are signed with (the authorizer's). */
  readonly signer: () => Promise<Signer>;
  /** The receipt key receipts are signed with (the executor's own). */
  readonly receiptSigner: () => Promise<Signer>;
  /** The authorization keys artifacts must be signed by. */
  readonly trustedKeys: KeyResolver;
  /**
   * Where artifacts, denials, operator statements and receipts are durably sequenced before
   * the step goes on (NO_EVIDENCE_LOG when the configuration turns it off).
   */
  readonly evidenceLog: EvidenceLog;
  readonly clock: () => Date;
  readonly window: ArtifactWindowSettings;
  readonly environment: { readonly workerBuildId: string; readonly codeDigest: string };
  /**
   * Where the run's `writ.authorize` is to be scheduled when it is not this worker's own
   * task queue (an executor's authorizer); told to the workflow in the result of its
   * identity check, so the choice is recorded in history.
   */
  readonly authorizerTaskQueue?: string | undefined;
  /** Where operators' passkey approvals may come from (default: the console on localhost, any port). */
  readonly passkeyTrust?: PasskeyTrust | undefined;
  /**
   * The kinds of operator statement approvals, denials, revocations and kill-switch changes
   * may be (default both); one of another kind is STATEMENT_KIND_REFUSED.
   */
  readonly operatorStatements?: readonly OperatorStatementKind[] | undefined;
  /**
   * `local` when this worker's runs authorize as local activities (role `all` only); told to
   * the workflow in the result of its identity check, as `authorizerTaskQueue` is.
   */
  readonly authorization?: 'local' | undefined;
}

import type { PasskeyAssertionUse, PasskeyBinding } from './passkeyRegistry';
import type { ChainAdvance, ChainHead, HandoffClaim, HandoffOffer, HandoffOffered, RegisteredRun, RunRegistration } from './runRegistry';

/** A recorded revocation of one run's authority. */
export interface Revocation {
  /** The revoked run's workflow id. */
  readonly workflowId: string;
  /** The revoked run: revocation is per run, so a new run of the workflow id is not revoked. */
  readonly runId: string;
  /** When it was revoked (ISO 8601). */
  readonly revokedAt: string;
  /** The operator who signed the revocation. */
  readonly revokedBy: string;
  /** Why, as the operator stated it. */
  readonly reason: string;
  /** `sha256:<hex>` of the signed statement, which the run's history holds. */
  readonly statementDigest: string;
}

/** One change of a namespace's kill switch, as recorded. */
export interface KillSwitchChange {
  /** The namespace whose switch changes. */
  readonly namespace: string;
  /** Engaged (true) or lifted (false). */
  readonly engaged: boolean;
  /** When it was made (ISO 8601). */
  readonly at: string;
  /** The operator who signed it. */
  readonly by: string;
  /** Why, as that operator stated it. */
  readonly reason: string;
  /** `sha256:<hex>` of the signed statement. */
  readonly statementDigest: string;
  /**
   * For a lift: the `statementDigest` of the halt it lifts, which must be the change in
   * force. A lift that names no halt, or another one, is refused.
   */
  readonly lifts?: string | undefined;
}

/** The kill switch of a namespace: engaged or not, and the last change. */
export interface KillSwitchState {
  /** While true, nothing in the namespace is authorized or executed. */
  readonly engaged: boolean;
  /** When the last change was made (ISO 8601), or null when the switch was never used. */
  readonly since: string | null;
  /** The operator who made the last change, or null. */
  readonly by: string | null;
  /** Why, as that operator stated it, or null. */
  readonly reason: string | null;
  /**
   * `sha256:<hex>` of the statement that made the last change, or null: the identity of
   * the state, which a lift names.
   */
  readonly statementDigest: string | null;
}

/** The kinds of signed operator statement the single-use registry holds. */
export type StatementKind = 'approval' | 'revocation' | 'kill-switch' | 'start-proof' | 'identity-token';

/** One use of a signed statement: which statement, and where it was used. */
export interface StatementUse {
  /** The statement's `jti`, unique per statement its issuer signs. */
  readonly statementId: string;
  /** What the statement does. */
  readonly kind: StatementKind;
  /**
   * Where the statement takes effect, e.g. `<workflowId>/<runId>/<stepId>` for an approval.
   * The same consumer presenting it again (an activity retried, an authorization
   * re-run) is the same use; any other consumer is a replay.
   */
  readonly consumer: string;
  /** `sha256:<hex>` of the signed statement. */
  readonly statementDigest: string;
  /** When it was first used (ISO 8601). */
  readonly usedAt: string;
  /** The statement's `iat` (ISO 8601). */
  readonly issuedAt: string;
  /**
   * The oldest `issuedAt` a first use accepts (ISO 8601): the user's clock less the
   * freshness window. Only a first use is held to it; a statement already recorded for
   * this consumer was fresh when it was recorded.
   */
  readonly freshSince: string;
}

/** One execution of a governed action under an artifact, as the enforcement point saw it. */
export interface ArtifactExecution {
  /** The artifact's `jti`. */
  readonly artifactId: string;
  /** The most executions the artifact authorizes (its `maxAttempts` claim). */
  readonly maxAttempts: number;
  /** When the artifact expires (ISO 8601): after that its count is no longer needed. */
  readonly expiresAt: string;
}

/** Which backend holds the state. */
export type GovernanceStoreBackend = 'sqlite' | 'postgres';

/**
 * Fleet-wide governance state: revocations, the kill switch, the single-use registry of
 * signed statements, the executions counted against each artifact, and the registry of
 * verified runs with their lineage chain heads (see runRegistry.ts). Every worker of a
 * fleet reads the same store (a SQLite file on one host, PostgreSQL across hosts).
 * Authorization and the enforcement point consult it before every decision and every
 * execution; when it cannot answer, each method rejects with
 * GOVERNANCE_STORE_UNAVAILABLE, so the caller denies, never assumes "not revoked".
 */
export interface GovernanceStore {
  /** Which backend holds the state. */
  readonly backend: GovernanceStoreBackend;

  /** Records a revocation; revoking twice keeps the first, which is returned. */
  revoke(revocation: Revocation): Promise<Revocation>;
  /** The revocation of `runId`, if any. */
  revocation(runId: string): Promise<Revocation | undefined>;

  /**
   * Appends a kill-switch change, atomically against the state it changes, and returns
   * the new state. A lift applies only when the namespace's change in force is the very
   * halt it `lifts`, else it rejects with KILL_SWITCH_STATE_MISMATCH and changes nothing;
   * an engage always applies (halting is never refused for a race with another halt).
   * The change in force having this change's own statementDigest (a retried activity)
   * changes nothing and returns the state.
   */
  setKillSwitch(change: KillSwitchChange): Promise<KillSwitchState>;
  /** The kill switch of `namespace`. */
  killSwitch(namespace: string): Promise<KillSwitchState>;

  /**
   * Rejects with KILL_SWITCH_ENGAGED or AUTHORITY_REVOKED when work in `namespace` for
   * `runId` must stop. Called before every authorization and every governed execution.
   */
  requireStanding(namespace: string, runId: string): Promise<void>;

  /**
   * Records the use of a signed statement, atomically across the fleet. Rejects with
   * STATEMENT_REPLAYED when the statement was already used by another consumer; the same
   * consumer presenting it again succeeds and changes nothing, however old the statement
   * is by then. A first use of a statement issued before `freshSince` rejects with
   * STATEMENT_STALE and records nothing, so the statement cannot pass later as a
   * re-presentation.
   */
  useStatement(use: StatementUse): Promise<void>;

  /**
   * Counts one more execution of a governed action under an artifact, atomically across
   * the fleet, and returns the count including this one. Rejects with
   * ARTIFACT_ATTEMPTS_EXCEEDED, counting nothing, when the artifact's `maxAttempts`
   * executions have all been made.
   */
  countExecution(execution: ArtifactExecution): Promise<number>;

  /**
   * Registers a run that passed the identity check at its own start. Registering the same
   * run again with the same token (the identity check retried) returns the first
   * registration; with another identity, RUN_ALREADY_VERIFIED: a run acts for one principal.
   */
  registerRun(registration: RunRegistration): Promise<RegisteredRun>;
  /** The registration of `runId` in `namespace` with its chain head, if the run passed the identity check. */
  registeredRun(namespace: string, runId: string): Promise<RegisteredRun | undefined>;
  /**
   * Takes the next link of a run's chain, atomically across the fleet, and returns the new
   * head. Rejects with RUN_NOT_VERIFIED when the run is not registered, and with
   * LINEAGE_HEAD_MISMATCH when the claimed link does not follow the head (another
   * authorization took it, or the request names a chain the run never had).
   */
  advanceChain(advance: ChainAdvance): Promise<ChainHead>;
  /**
   * Records a registered run's hand-off of its identity to a child or continued run, with
   * the offering run's chain head as the receiver's parent link. Offering the same id again
   * returns the first offer. RUN_NOT_VERIFIED when the offering run is not registered.
   */
  offerHandoff(offer: HandoffOffer): Promise<HandoffOffered>;
  /**
   * Registers a run from a hand-off offered to its workflow id: the identity of the
   * offering run, its chain head as parent link. HANDOFF_INVALID when no such hand-off was
   * offered to this workflow id in this namespace; HANDOFF_REPLAYED when another run took
   * it up already (the same run claiming it again gets its registration back).
   */
  claimHandoff(claim: HandoffClaim): Promise<RegisteredRun>;
  /**
   * Forgets execution counts of artifacts that expired before `before` (an expired
   * artifact is refused on its window alone), and runs whose identity expired before it
   * (they can authorize nothing more) with their hand-offs; returns how many were removed.
   */
  pruneExpired(before: Date): Promise<number>;

  /**
   * Records an operator's passkey binding. Recording the same binding again returns the
   * first; a credential id bound to another principal or key is PASSKEY_ALREADY_BOUND.
   */
  registerPasskey(binding: PasskeyBinding): Promise<PasskeyBinding>;
  /** The binding of a credential id, if any. */
  passkey(credentialId: string): Promise<PasskeyBinding | undefined>;
  /** Every passkey bound to `principal`, oldest first. */
  passkeysOf(principal: string): Promise<PasskeyBinding[]>;
  /**
   * Records an assertion made with a passkey, atomically across the fleet: its signature
   * counter must exceed every counter the passkey reported before (or both be 0: an
   * authenticator without a counter), else PASSKEY_COUNTER_REGRESSED and nothing is
   * recorded. The same statement presented again (a later authorization citing an
   * approval) is the same assertion and changes nothing.
   */
  recordPasskeyAssertion(use: PasskeyAssertionUse): Promise<void>;

  /** Closes the store's connections. */
  close(): Promise<void>;
}

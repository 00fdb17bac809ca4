// The governance store's record of runs: which runs passed Writ's identity check, who each
// acts for, and the head of each run's lineage chain. `writ.verifyIdentity` registers a run
// (from a verified start, or from a hand-off by a registered parent or predecessor), and
// `writ.authorize` reads the registration instead of a token carried in every request, then
// advances the chain atomically, so a run that never passed the check, or a request that
// claims another chain head, is refused before anything is minted.

/** Who a run acts for, as its verified start established. */
export interface RunIdentity {
  /** The verified principal. */
  readonly principal: string;
  /** Its groups, as the identity token stated them. */
  readonly groups: readonly string[];
  /** The identity provider that vouched for it. */
  readonly issuer: string;
  /** When the identity token expires (seconds since the epoch): no authorization after. */
  readonly expiresAt: number;
  /** `sha256:<hex>` of the identity token the run (or the run it descends from) started with. */
  readonly tokenDigest: string;
}

/** How a run's identity was established. */
export type RunOrigin = 'start' | 'child' | 'continue';

/** A run that passed Writ's identity check. */
export interface RunRegistration {
  /** The namespace the run is in. */
  readonly namespace: string;
  /** The run's workflow id. */
  readonly workflowId: string;
  /** The run, as the server names it to the activities it schedules. */
  readonly runId: string;
  /** Who the run acts for. */
  readonly identity: RunIdentity;
  /** Verified at its own start, or handed the identity of a parent or predecessor run. */
  readonly origin: RunOrigin;
  /** The parent's (or predecessor's) chain head when the identity was handed over, else null. */
  readonly parent: string | null;
  /** When it was registered (ISO 8601). */
  readonly registeredAt: string;
}

/** The head of a run's lineage chain: authorizations so far and the last artifact's digest. */
export interface ChainHead {
  /** Authorizations minted in the run so far (0 right after registration). */
  readonly sequence: number;
  /** `sha256:<hex>` of the last artifact, or null before the first. */
  readonly head: string | null;
}

/** A registered run with its chain head. */
export interface RegisteredRun extends RunRegistration {
  /** Where the run's lineage chain is. */
  readonly chain: ChainHead;
}

/** An authorization taking the next link of a run's chain. */
export interface ChainAdvance {
  /** The run's namespace. */
  readonly namespace: string;
  /** The run whose chain advances. */
  readonly runId: string;
  /** The link the authorization claims: sequence n and the digest it follows (null for n = 1). */
  readonly claimed: { readonly sequence: number; readonly previous: string | null };
  /** `sha256:<hex>` of the artifact minted for that link: the new head. */
  readonly next: string;
  /**
   * The authorize activity advancing it. A retry of that same activity (its first attempt
   * advanced the chain, then was lost before its result was recorded) may take the link again,
   * replacing the lost artifact's digest; nothing ever received that artifact.
   */
  readonly by: string;
}

/** A registered run handing its identity to a child workflow or to the run continuing it. */
export interface HandoffOffer {
  /** Unique per hand-off; derived from the offering run and activity, so a retry offers the same. */
  readonly handoffId: string;
  /** The offering run's namespace, which the receiving run must be in. */
  readonly namespace: string;
  /** The offering run, which must be registered. */
  readonly fromRunId: string;
  /** The workflow id of the child, or the offering run's own id for continue-as-new. */
  readonly toWorkflowId: string;
  /** A child workflow, or the run continuing this one (continue-as-new). */
  readonly kind: 'child' | 'continue';
  /** When it was offered (ISO 8601). */
  readonly offeredAt: string;
}

/** What the store answers to an offer: the parent link the receiving run will carry. */
export interface HandoffOffered {
  /** The hand-off's id, for the receiving run's `writ-handoff` header. */
  readonly handoffId: string;
  /** The offering run's chain head at the hand-off. */
  readonly parent: string | null;
}

/** A run taking up a hand-off at its identity check. */
export interface HandoffClaim {
  /** The hand-off the run's `writ-handoff` header names. */
  readonly handoffId: string;
  /** The claiming run's namespace. */
  readonly namespace: string;
  /** The claiming run's workflow id, which must be the one the hand-off names. */
  readonly workflowId: string;
  /** The claiming run, which the registration is for. */
  readonly runId: string;
  /** When it was claimed (ISO 8601): the new registration's time. */
  readonly claimedAt: string;
}

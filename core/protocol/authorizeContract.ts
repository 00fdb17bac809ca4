// The contract between the workflow-side governed step and Writ's activities. Inputs and
// results of these activities are recorded in history, which is what makes the lineage
// auditable: keep them plain JSON. Workflow code imports this file (types and constants).
import type { ApprovalRequest } from './operatorContract';

/** Activity type of the authorization step. */
export const AUTHORIZE_ACTIVITY = 'writ.authorize';
/** Activity type of the identity check at workflow start. */
export const VERIFY_IDENTITY_ACTIVITY = 'writ.verifyIdentity';

/** Position of an authorization in the run's hash chain. */
export interface LineageLink {
  /** 1 for the first authorization of a run, then +1 for each. */
  readonly sequence: number;
  /** Digest of the previous artifact in this run, or null for the first. */
  readonly previous: string | null;
  /** Digest of the parent's last artifact when this run is a child workflow. */
  readonly parent: string | null;
}

/** Input of `writ.authorize`. */
export interface AuthorizeRequest {
  readonly action: string;
  readonly args: readonly unknown[];
  /** The governed step (stable across re-authorizations); seeds the idempotency key. */
  readonly stepId: string;
  /** The activity id the action will be scheduled with. */
  readonly activityId: string;
  readonly identityToken: string;
  readonly lineage: LineageLink;
  /** Signed approval statements collected for this step, presented as evidence. */
  readonly approvals?: readonly string[];
}

/** Result of `writ.authorize`: a permit with its artifact, or a request for approval. */
export type AuthorizeOutcome = AuthorizeResult | ApprovalRequired;

/** Policy permits the action only with approvals: the step waits for them. */
export interface ApprovalRequired {
  readonly decision: 'approval-required';
  readonly request: ApprovalRequest;
}

/** A permit: the artifact and a readable summary of the decision. */
export interface AuthorizeResult {
  readonly decision: 'permit';
  readonly artifact: string;
  readonly artifactDigest: string;
  readonly artifactId: string;
  readonly principal: string;
  readonly policySetId: string;
  readonly policyVersion: string;
  readonly determiningPolicies: readonly string[];
  readonly expiresAt: string;
  readonly maxAttempts: number;
  /** Approvers whose verified approvals this permit rests on (empty when none were needed). */
  readonly approvers: readonly string[];
}

/** Input and result of `writ.verifyIdentity`. */
export interface VerifyIdentityRequest {
  readonly identityToken: string;
}
export interface VerifiedPrincipal {
  readonly principal: string;
  readonly groups: readonly string[];
  readonly issuer: string;
  readonly expiresAt: number;
}

/** What a governed action activity returns: its result plus the signed receipt. */
export interface ActionOutcome<Result = unknown> {
  readonly result: Result;
  readonly writReceipt: string;
}

/**
 * Failure codes after which the governed step authorizes again instead of failing: the
 * decision was sound but is no longer current (new policy set, window passed).
 */
export const REAUTHORIZE_ON = ['POLICY_STALE', 'ARTIFACT_EXPIRED'] as const;

// The contract between the workflow-side governed step and Writ's activities. Inputs and
// results of these activities are recorded in history, which is what makes the lineage
// auditable: keep them plain JSON. Workflow code imports this file (types and constants).
import type { ApprovalRequest } from './operatorContract';

/** Activity type of the authorization step. */
export const AUTHORIZE_ACTIVITY = 'writ.authorize';
/** Activity type of the identity check at workflow start. */
export const VERIFY_IDENTITY_ACTIVITY = 'writ.verifyIdentity';
/** Activity type of a run handing its identity to a child workflow or to the run continuing it. */
export const HAND_OFF_ACTIVITY = 'writ.handOff';

/**
 * How a run's `writ.authorize` steps are scheduled: `activity`, a Temporal activity of its
 * own (its request and result in history as activity events; it may run on an authorizer's
 * task queue), or `local`, a local activity on the workflow's own worker (its result in a
 * `core_local_activity` marker in the same workflow task, no round trip through the
 * server's task queues). Told to the workflow by its identity check, so a run keeps the
 * mode it started with and replays the same.
 */
export type AuthorizationMode = 'activity' | 'local';

/** Every `AuthorizationMode`, for the schemas that read one. */
export const AUTHORIZATION_MODES = ['activity', 'local'] as const satisfies readonly AuthorizationMode[];

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
  /** The governed action's name. */
  readonly action: string;
  /** The action's arguments, exactly as the action will be scheduled with them. */
  readonly args: readonly unknown[];
  /** The governed step (stable across re-authorizations); seeds the idempotency key. */
  readonly stepId: string;
  /** The activity id the action will be scheduled with. */
  readonly activityId: string;
  /**
   * The task queue the action will be scheduled on, which the artifact binds. Absent in
   * requests recorded before authorization could run on a task queue of its own: the
   * authorize activity's own task queue, which was then the action's.
   */
  readonly taskQueue?: string;
  /**
   * Absent: the run's identity is the one its identity check registered in the governance
   * store, so requests carry no credential. Requests recorded before carried the
   * initiator's token here; the auditor still checks it against the artifact when present.
   */
  readonly identityToken?: string;
  /** Where this authorization sits in the run's hash chain. */
  readonly lineage: LineageLink;
  /** Signed approval statements collected for this step, presented as evidence. */
  readonly approvals?: readonly string[];
}

/** Result of `writ.authorize`: a permit with its artifact, or a request for approval. */
export type AuthorizeOutcome = AuthorizeResult | ApprovalRequired;

/** Policy permits the action only with approvals: the step waits for them. */
export interface ApprovalRequired {
  /** Tells this answer from a permit. */
  readonly decision: 'approval-required';
  /** What approvers are asked to approve. */
  readonly request: ApprovalRequest;
  /** The authorization request, echoed by a local authorization (see `AuthorizeResult.authorized`). */
  readonly authorized?: AuthorizeRequest;
}

/**
 * A permit: the artifact and a readable summary of the decision. Only the artifact is
 * signed; the auditor checks that the summary agrees with it (AUTHORIZATION_RESULT_MISMATCH).
 */
export interface AuthorizeResult {
  /** Tells this answer from a request for approval. */
  readonly decision: 'permit';
  /** The authorization artifact: a compact JWS the enforcement point verifies before the action runs. */
  readonly artifact: string;
  /** `sha256:<hex>` of the artifact: the link the run's next authorization names as `previous`. */
  readonly artifactDigest: string;
  /** The artifact's `jti`. */
  readonly artifactId: string;
  /** The verified principal the action is authorized for. */
  readonly principal: string;
  /** The policy set the decision was made under. */
  readonly policySetId: string;
  /** That policy set's version. */
  readonly policyVersion: string;
  /** The `@id`s of the policies that permitted the action. */
  readonly determiningPolicies: readonly string[];
  /** When the artifact expires (ISO 8601): the enforcement point refuses it after, and the step authorizes again. */
  readonly expiresAt: string;
  /** How many attempts of the action the artifact authorizes. */
  readonly maxAttempts: number;
  /** Approvers whose verified approvals this permit rests on (empty when none were needed). */
  readonly approvers: readonly string[];
  /** Where the artifact is in the evidence log (absent when the log is turned off). */
  readonly logIndex?: number;
  /**
   * The request this permit answers, echoed by a local authorization: a local activity's
   * marker records its result but not its input, and the auditor checks the artifact
   * against the request as an activity's scheduled event would have recorded it. Absent
   * from an authorization run as an activity.
   */
  readonly authorized?: AuthorizeRequest;
}

/**
 * Input of `writ.verifyIdentity`, from the run's start headers: the initiator's token for
 * a run started by a client, or the hand-off id for a child or continued run.
 */
export interface VerifyIdentityRequest {
  readonly identityToken?: string;
  /** The client's proof of possession over this start, for a token bound to a key (`cnf`). */
  readonly startProof?: string;
  readonly handoff?: string;
  /** The parent link the run was started with (its `writ-lineage` header), or null. */
  readonly parent?: string | null;
}

/** Result of `writ.verifyIdentity`: who the run acts for, as registered in the governance store. */
export interface VerifiedPrincipal {
  readonly principal: string;
  readonly groups: readonly string[];
  readonly issuer: string;
  readonly expiresAt: number;
  /**
   * The task queue the run's `writ.authorize` steps are scheduled on, when an executor
   * verified the identity and its authorizer serves another queue; absent, authorization
   * runs on the action's own task queue, as one worker of role `all` serves both.
   */
  readonly authorizerTaskQueue?: string;
  /** How the identity was established: at this run's own start, or handed on by a parent or predecessor. */
  readonly origin?: 'start' | 'child' | 'continue';
  /**
   * `local` when the run's `writ.authorize` steps run as local activities on the workflow's
   * worker (the worker's `authorization` setting when it verified the identity); absent,
   * each is an activity of its own, as before the setting existed.
   */
  readonly authorization?: 'local';
}

/** Input of `writ.handOff`: the run that is to receive this run's identity. */
export interface HandOffRequest {
  /** The child's workflow id, or this run's own for continue-as-new. */
  readonly toWorkflowId: string;
  readonly kind: 'child' | 'continue';
}

/** Result of `writ.handOff`: what the receiving run starts with (its `writ-handoff` and `writ-lineage` headers). */
export interface HandOffResult {
  readonly handoffId: string;
  /** This run's chain head at the hand-off: the receiving run's parent link. */
  readonly parent: string | null;
}

/** What a governed action activity returns: its result plus the signed receipt. */
export interface ActionOutcome<Result = unknown> {
  /** What the action's `execute` returned. */
  readonly result: Result;
  /** A signed receipt binding the result's digest to the artifact that authorized it (compact JWS). */
  readonly writReceipt: string;
}

/**
 * Failure codes after which the governed step authorizes again instead of failing: the
 * decision was sound but is no longer current (new policy set, window passed).
 */
export const REAUTHORIZE_ON = ['POLICY_STALE', 'ARTIFACT_EXPIRED'] as const;

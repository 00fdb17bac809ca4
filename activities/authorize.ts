import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WritError } from '../core/errors/writError';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import { intentDigest } from '../core/artifact/intentDigest';
import { approvalRequestDigest } from '../core/operators/approvalRequestDigest';
import { verifyApproval } from '../core/operators/verifyApproval';
import { requireBoundedInput } from '../core/protocol/inputBounds';
import type { PolicyEngine } from '../core/policy/policyEngine';
import type { AuthorizeOutcome, AuthorizeRequest } from '../core/protocol/authorizeContract';
import type { ApprovalRequest, VerifiedApproval } from '../core/protocol/operatorContract';
import { decideAuthorization } from './decideAuthorization';
import { acceptedStatements, passkeyDeps } from './passkeyDeps';
import { useApproval } from './operatorActivities';
import type { GovernanceDeps } from './governanceDeps';
import { mintAuthorization, type AuthorizingRun } from './mintAuthorization';
import { currentRun } from './currentRun';
import { refuseUnregistered } from '../core/governance/runRefusals';
import type { RunIdentity } from '../core/governance/runRegistry';
import { appendEvidence } from './appendEvidence';
import { logAuthorizeDenial } from './logDenial';

/**
 * Builds `writ.authorize`: check the run's standing (kill switch, revocation), read who the
 * run acts for from its registration, verify any approvals presented, validate the input, derive the
 * resource and decide under the active policy set. A permit mints the artifact, bound to
 * the task queue the request names for the action (see `actionTaskQueue`); a denial
 * that approvals can lift returns the approval request; every other refusal is a
 * non-retryable failure whose type is its stable code. A permit takes the next link of
 * the run's lineage chain in the governance store, and is durably sequenced in the
 * evidence log, before it is returned: the action cannot run on an artifact the log does
 * not hold (EVIDENCE_LOG_UNAVAILABLE otherwise). A refusal is logged as a signed denial
 * record before it is thrown.
 */
export function createAuthorize(deps: GovernanceDeps): (request: AuthorizeRequest) => Promise<AuthorizeOutcome> {
  return async function authorize(request) {
    // A local activity's marker records its result, not its input: the request travels back
    // in the result (or the failure) so the auditor reads what was asked, as it would from
    // an activity's scheduled event.
    const echoed: { authorized?: AuthorizeRequest } = Context.current().info.isLocal ? { authorized: request } : {};
    let refused: { run: AuthorizingRun; identity: RunIdentity | undefined } | undefined;
    try {
      const current = currentRun(Context.current().info);
      const run: AuthorizingRun = {
        namespace: current.namespace,
        taskQueue: actionTaskQueue(request, Context.current().info.taskQueue),
        workflowId: current.workflowId,
        runId: current.runId,
        workflowType: current.workflowType,
      };
      refused = { run, identity: undefined };
      await deps.governance.requireStanding(run.namespace, run.runId);
      // Before anything digests the args: a workflow that skipped proxyGoverned is bounded too.
      requireBoundedInput(request.action, request.args);
      const identity = await runIdentity(deps, run, request);
      refused.identity = identity;
      const engine = deps.policies.current();
      const presented = request.approvals ?? [];
      // The approval request (two canonical digests) is only needed to judge statements presented.
      const approvals = presented.length === 0 ? [] : await verifyPresentedApprovals(deps, engine, approvalRequestFor(run, request, engine, identity.principal), presented);
      const decided = await decideAuthorization(deps, identity, request, approvals.length, engine);
      if (decided.kind === 'approval-required') {
        return { decision: 'approval-required', request: approvalRequestFor(run, request, decided.engine, identity.principal, decided), ...echoed };
      }
      const signer = await loadSigner(deps);
      const approval =
        approvals.length === 0 && decided.approvalsRequired === 0
          ? undefined
          : { required: decided.approvalsRequired, approvers: approvals.map((a) => ({ approver: a.approver, statementDigest: a.statementDigest })) };
      const minted = await mintAuthorization(deps, identity, run, decided, request, signer, approval);
      // The artifact counts only once it is the run's chain head: a request that claims
      // another head (a concurrent or replayed lineage) gets nothing, and the minted
      // artifact, never returned, authorizes nothing.
      await deps.governance.advanceChain({ namespace: run.namespace, runId: run.runId, claimed: request.lineage, next: minted.digest, by: current.activityId });
      // Write-ahead: the permit (and with it the action) exists only once the log holds the
      // artifact. After the chain, so that an artifact that lost the race is never logged as
      // authorizing anything; a failure here leaves the run's head at an artifact never
      // returned, so the run authorizes nothing more (fail closed).
      const logged = await appendEvidence(deps, { v: 1, kind: 'artifact', runId: run.runId, stepId: request.stepId, evidence: minted.token });
      return {
        decision: 'permit',
        artifact: minted.token,
        artifactDigest: minted.digest,
        artifactId: minted.claims.jti,
        principal: identity.principal,
        policySetId: decided.engine.policySet.id,
        policyVersion: decided.engine.policySet.version,
        determiningPolicies: decided.decision.determiningPolicies,
        expiresAt: new Date(minted.claims.exp * 1000).toISOString(),
        maxAttempts: decided.action.maxAttempts,
        approvers: approvals.map((a) => a.approver),
        ...(logged.index === null ? {} : { logIndex: logged.index }),
        ...echoed,
      };
    } catch (error) {
      if (refused !== undefined) await logAuthorizeDenial(deps, { ...refused, request }, error);
      const failure = toApplicationFailure(error, 'AUTHORIZE_FAILED');
      throw echoed.authorized === undefined ? failure : withEchoedRequest(failure, request);
    }
  };
}

/**
 * A local authorization's refusal, with its request as the last detail (`{ authorized }`),
 * since the marker that records the refusal records no input.
 */
function withEchoedRequest(failure: ApplicationFailure, request: AuthorizeRequest): ApplicationFailure {
  return ApplicationFailure.create({
    type: failure.type ?? 'AUTHORIZE_FAILED',
    message: failure.message,
    nonRetryable: true,
    details: [...(failure.details ?? []), { authorized: request }],
  });
}

/**
 * Who the run acts for: the identity its `writ.verifyIdentity` registered in the governance
 * store (RUN_NOT_VERIFIED for a run that never passed it, whatever its request claims),
 * while that identity is unexpired (IDENTITY_EXPIRED), with the parent link the request
 * claims being the one registered (LINEAGE_HEAD_MISMATCH).
 */
async function runIdentity(deps: GovernanceDeps, run: AuthorizingRun, request: AuthorizeRequest): Promise<RunIdentity> {
  const registered = await deps.governance.registeredRun(run.namespace, run.runId);
  if (registered === undefined) return refuseUnregistered(run.namespace, run.runId);
  deps.identity.requireUnexpired(registered.identity);
  const parent = request.lineage?.parent ?? null;
  if (parent !== registered.parent) {
    throw new WritError('LINEAGE_HEAD_MISMATCH', `the request names parent link ${parent ?? 'none'}; run ${run.runId} was registered with ${registered.parent ?? 'none'}`, {
      facts: { runId: run.runId, parent: registered.parent, claimedParent: parent },
    });
  }
  return registered.identity;
}

/**
 * The task queue the artifact binds: the one the request says the action will be
 * scheduled on, since authorization may run on a task queue of its own (the authorizer's);
 * a request without one was made when authorize always ran on the action's task queue.
 * The enforcement point compares it with the queue the action actually ran on.
 */
function actionTaskQueue(request: AuthorizeRequest, authorizeTaskQueue: string): string {
  const named: unknown = (request as { taskQueue?: unknown }).taskQueue;
  if (named === undefined) return authorizeTaskQueue;
  if (typeof named !== 'string' || named.length === 0 || named.length > 256) {
    throw new WritError('INPUT_INVALID', 'the authorization request names no valid task queue for the action', { issues: [{ path: 'taskQueue', message: 'must be a string of 1 to 256 characters' }] });
  }
  return named;
}

/** The approval request for this step under `engine`: what approvers sign. */
function approvalRequestFor(
  run: AuthorizingRun,
  request: AuthorizeRequest,
  engine: PolicyEngine,
  initiator: string,
  needed?: { required: number; timeoutSeconds: number; requiredBy: readonly string[] },
): ApprovalRequest {
  const argsDigest = intentDigest(request.action, request.args);
  const fields = { workflowId: run.workflowId, runId: run.runId, stepId: request.stepId, action: request.action, argsDigest, policyDigest: engine.policySet.digest };
  return {
    ...fields,
    requestDigest: approvalRequestDigest(fields),
    args: request.args,
    policySetId: engine.policySet.id,
    policyVersion: engine.policySet.version,
    initiator,
    required: needed?.required ?? 0,
    requiredBy: needed?.requiredBy ?? [],
    timeoutSeconds: needed?.timeoutSeconds ?? 0,
  };
}

/**
 * Approvals presented as evidence are verified again here, not trusted from the
 * workflow: each must bind this very request (same run, step, arguments and policy set),
 * come from an authorized approver other than the initiator, and count once. A denial
 * among them ends the request (APPROVAL_DENIED).
 */
async function verifyPresentedApprovals(
  deps: GovernanceDeps,
  engine: PolicyEngine,
  request: ApprovalRequest,
  statements: readonly string[],
): Promise<VerifiedApproval[]> {
  const verified: VerifiedApproval[] = [];
  for (const statement of statements) {
    const approval = await verifyApproval(
      { statement, request, seenStatementIds: verified.map((a) => a.statementId), countedApprovers: verified.map((a) => a.approver) },
      { verifier: deps.identity, engine, passkeys: passkeyDeps(deps), statements: acceptedStatements(deps) },
    );
    if (approval.decision === 'deny') throw new WritError('APPROVAL_DENIED', `${approval.approver} denied the request${approval.reason ? `: ${approval.reason}` : ''}`);
    await useApproval(deps, request, approval);
    verified.push(approval);
  }
  return verified;
}

/** A signer that cannot be had (missing key, key service down) is SIGNER_UNAVAILABLE. */
async function loadSigner(deps: GovernanceDeps) {
  try {
    return await deps.signer();
  } catch (error) {
    if (error instanceof WritError) throw error;
    throw new WritError('SIGNER_UNAVAILABLE', `no signing key available: ${(error as Error).name}`);
  }
}

import { Context } from '@temporalio/activity';
import type { z } from 'zod';
import { WritError } from '../core/errors/writError';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import { verifyApproval } from '../core/operators/verifyApproval';
import { KillSwitchStatementSchema, KILL_SWITCH_AUDIENCE, RevocationStatementSchema, REVOCATION_AUDIENCE } from '../core/operators/statements';
import { statementFreshness } from '../core/operators/statementFreshness';
import { verifyOperatorStatement, type VerifiedOperatorStatement } from '../core/operators/verifyStatement';
import type { CedarEntity, PolicyEngine } from '../core/policy/policyEngine';
import {
  CONTROL_WORKFLOW_TYPE,
  type KillSwitchReceipt,
  type OperatorActReceipt,
  type OperatorStatementRequest,
  type VerifiedApproval,
  type VerifyApprovalRequest,
} from '../core/protocol/operatorContract';
import type { GovernanceDeps } from './governanceDeps';
import { appendEvidence } from './appendEvidence';
import { acceptedStatements, passkeyDeps } from './passkeyDeps';

/**
 * Builds `writ.verifyApproval`: an operator's approval or denial, verified inside an
 * activity so the verdict (approver, or the code it was refused with) is in history. A
 * statement that verifies takes effect once it is durably in the evidence log.
 */
export function createVerifyApproval(deps: GovernanceDeps): (request: VerifyApprovalRequest) => Promise<VerifiedApproval> {
  return async function verifyApprovalActivity(request) {
    try {
      const info = Context.current().info;
      // The request must be this run's: an approval cannot be verified on another run's behalf.
      if (request.request.runId !== info.workflowExecution?.runId || request.request.workflowId !== info.workflowExecution.workflowId) {
        throw new WritError('APPROVAL_MISMATCH', 'the approval request is not for this run');
      }
      await deps.governance.requireStanding(info.activityNamespace, request.request.runId);
      const approval = await verifyApproval(request, { verifier: deps.identity, engine: deps.policies.current(), passkeys: passkeyDeps(deps), statements: acceptedStatements(deps) });
      await useApproval(deps, request.request, approval);
      await appendEvidence(deps, { v: 1, kind: 'approval', runId: request.request.runId, stepId: request.request.stepId, evidence: request.statement });
      return approval;
    } catch (error) {
      throw toApplicationFailure(error, 'APPROVAL_INVALID');
    }
  };
}

/**
 * Records an approval or denial as used by this step, fleet-wide: the same statement
 * presented for any other run or step is STATEMENT_REPLAYED (its request digest already
 * binds run and step; the registry holds even for a statement that binds nothing else).
 * Its first use (in `writ.verifyApproval`, when it arrives) must be within the freshness
 * window, else STATEMENT_STALE; presented again by this step to a later authorization,
 * the use is already recorded and its age no longer matters.
 */
export async function useApproval(
  deps: GovernanceDeps,
  request: { readonly workflowId: string; readonly runId: string; readonly stepId: string },
  approval: VerifiedApproval,
): Promise<void> {
  await deps.governance.useStatement({
    statementId: approval.statementId,
    kind: 'approval',
    consumer: `${request.workflowId}/${request.runId}/${request.stepId}`,
    statementDigest: approval.statementDigest,
    ...freshUse(deps, approval.issuedAt),
  });
}

/** When a statement issued at `issuedAtSeconds` is used now, and what the registry holds its first use to. */
function freshUse(deps: GovernanceDeps, issuedAtSeconds: number): { usedAt: string; issuedAt: string; freshSince: string } {
  const now = deps.clock();
  return { usedAt: now.toISOString(), ...statementFreshness(issuedAtSeconds, now, deps.window) };
}

/** The activity info an operator act reads its target from. */
type ActInfo = ReturnType<typeof Context.current>['info'];

/**
 * One operator act applied to the governance store: the statement's kind (audience and
 * content schema), the check that it names this very target, the Cedar action and
 * resource its signer must be authorized for, and how it is recorded.
 */
interface OperatorAct<S extends z.ZodType<{ readonly reason: string }>, R extends OperatorActReceipt> {
  readonly audience: string;
  readonly schema: S;
  /** Throws STATEMENT_INVALID when the statement names another target than this activity's. */
  readonly requireTarget: (statement: z.infer<S>, info: ActInfo) => void;
  readonly cedarAction: string;
  readonly resource: (info: ActInfo) => CedarEntity;
  readonly kind: 'revocation' | 'kill-switch';
  readonly record: (verified: VerifiedOperatorStatement<z.infer<S>>, at: string, info: ActInfo) => Promise<unknown>;
  /** The run the statement names in its log entry (null for a namespace-wide one). */
  readonly logRunId: (statement: z.infer<S>) => string | null;
  /** The receipt returned once recorded, from the common fields. */
  readonly receipt: (base: OperatorActReceipt, statement: z.infer<S>) => R;
}

/**
 * Builds the activity for one operator act: verify the signed statement (signature,
 * audience, window, content), that it names this target, and the signer's authority under
 * the active policy set; that it is used once and first used while fresh; then record it.
 * Every refusal is non-retryable with its code (STATEMENT_INVALID, OPERATOR_NOT_AUTHORIZED,
 * STATEMENT_REPLAYED, STATEMENT_STALE, or the store's own), and nothing is recorded.
 */
function createOperatorAct<S extends z.ZodType<{ readonly reason: string }>, R extends OperatorActReceipt>(
  deps: GovernanceDeps,
  act: OperatorAct<S, R>,
): (request: OperatorStatementRequest) => Promise<R> {
  return async function applyOperatorAct(request) {
    try {
      const info = Context.current().info;
      const verified = await verifyOperatorStatement(request.statement, act.audience, act.schema, deps.identity, { invalidCode: 'STATEMENT_INVALID', expiredCode: 'STATEMENT_INVALID' }, passkeyDeps(deps), acceptedStatements(deps));
      act.requireTarget(verified.statement, info);
      requireAuthority(deps.policies.current(), verified.signer, verified.groups, act.cedarAction, act.resource(info));
      const use = freshUse(deps, verified.issuedAt);
      const at = use.usedAt;
      // Once, fleet-wide, and fresh: a statement copied from a history cannot be sent
      // again, to this workflow or any other, nor one signed long ago and held back. A
      // retry of this very activity is the same use.
      await deps.governance.useStatement({
        statementId: verified.statementId,
        kind: act.kind,
        consumer: `${info.workflowExecution?.workflowId ?? '-'}/${info.workflowExecution?.runId ?? '-'}/${info.activityId}`,
        statementDigest: verified.statementDigest,
        ...use,
      });
      await act.record(verified, at, info);
      const runId = act.logRunId(verified.statement);
      await appendEvidence(
        deps,
        runId === null ? { v: 1, kind: 'kill-switch', runId: null, stepId: null, evidence: request.statement } : { v: 1, kind: 'revocation', runId, stepId: null, evidence: request.statement },
      );
      return act.receipt({ by: verified.signer, at, statementDigest: verified.statementDigest, reason: verified.statement.reason }, verified.statement);
    } catch (error) {
      throw toApplicationFailure(error, 'STATEMENT_INVALID');
    }
  };
}

/**
 * Builds `writ.applyRevocation`: verifies a signed revocation of this very run and the
 * signer's authority (Cedar `revokeWorkflow`), then records it in the governance store,
 * after which no authorization or execution of the run passes.
 */
export function createApplyRevocation(deps: GovernanceDeps): (request: OperatorStatementRequest) => Promise<OperatorActReceipt> {
  return createOperatorAct(deps, {
    audience: REVOCATION_AUDIENCE,
    schema: RevocationStatementSchema,
    requireTarget: (statement, info) => {
      const run = info.workflowExecution;
      if (run === undefined || statement.workflowId !== run.workflowId || statement.runId !== run.runId) {
        throw new WritError('STATEMENT_INVALID', 'the revocation names another workflow run');
      }
    },
    cedarAction: 'revokeWorkflow',
    kind: 'revocation',
    resource: (info) => ({ uid: { type: 'Writ::Workflow', id: info.workflowExecution?.workflowId ?? '' }, attrs: { workflowType: info.workflowType ?? '' }, parents: [] }),
    record: (verified, at) =>
      deps.governance.revoke({
        workflowId: verified.statement.workflowId,
        runId: verified.statement.runId,
        revokedAt: at,
        revokedBy: verified.signer,
        reason: verified.statement.reason,
        statementDigest: verified.statementDigest,
      }),
    logRunId: (statement) => statement.runId,
    receipt: (base) => base,
  });
}

/**
 * Builds `writ.applyKillSwitch`: verifies a signed kill-switch change for this namespace
 * and the signer's authority (Cedar `operateKillSwitch`), then records it; while engaged,
 * every authorization and every governed execution in the namespace is denied. A lift
 * applies only to the halt it names (else KILL_SWITCH_STATE_MISMATCH, nothing changed).
 */
export function createApplyKillSwitch(deps: GovernanceDeps): (request: OperatorStatementRequest) => Promise<KillSwitchReceipt> {
  return createOperatorAct(deps, {
    audience: KILL_SWITCH_AUDIENCE,
    schema: KillSwitchStatementSchema,
    requireTarget: (statement, info) => {
      // Only as the control workflow's step: started on its own, or from any other
      // workflow, the activity would change the switch with no record in the control history.
      if (info.workflowType !== CONTROL_WORKFLOW_TYPE || info.workflowExecution === undefined) {
        throw new WritError('STATEMENT_INVALID', `the kill switch changes only through the ${CONTROL_WORKFLOW_TYPE} workflow, not from ${info.workflowType ?? 'outside a workflow'}`);
      }
      if (statement.namespace !== info.activityNamespace) {
        throw new WritError('STATEMENT_INVALID', `the kill-switch statement names namespace ${statement.namespace}`);
      }
    },
    cedarAction: 'operateKillSwitch',
    kind: 'kill-switch',
    resource: (info) => ({ uid: { type: 'Writ::Namespace', id: info.activityNamespace }, attrs: {}, parents: [] }),
    record: (verified, at, info) =>
      deps.governance.setKillSwitch({
        namespace: info.activityNamespace,
        engaged: verified.statement.engage,
        at,
        by: verified.signer,
        reason: verified.statement.reason,
        statementDigest: verified.statementDigest,
        lifts: verified.statement.engage ? undefined : verified.statement.lifts,
      }),
    logRunId: () => null,
    receipt: (base, statement) => ({ ...base, engaged: statement.engage }),
  });
}

function requireAuthority(engine: PolicyEngine, principal: string, groups: readonly string[], action: string, resource: CedarEntity): void {
  const decision = engine.decide({ principal: { id: principal, groups }, action, resource, context: {} });
  if (decision.errors.length > 0 || !decision.allowed) {
    throw new WritError('OPERATOR_NOT_AUTHORIZED', `${principal} may not ${action}`);
  }
}

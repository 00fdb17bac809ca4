import { Context } from '@temporalio/activity';
import { WritError } from '../../errors/writError';
import { toApplicationFailure } from '../../errors/toApplicationFailure';
import { verifyApproval } from '../../operators/verifyApproval';
import { KillSwitchStatementSchema, KILL_SWITCH_AUDIENCE, RevocationStatementSchema, REVOCATION_AUDIENCE } from '../../operators/statements';
import { verifyOperatorStatement } from '../../operators/verifyStatement';
import type { PolicyEngine } from '../../policy/policyEngine';
import type {
  OperatorActReceipt,
  OperatorStatementRequest,
  VerifiedApproval,
  VerifyApprovalRequest,
} from '../../protocol/operatorContract';
import type { GovernanceDeps } from './governanceDeps';

/**
 * Builds `writ.verifyApproval`: an operator's approval or denial, verified inside an
 * activity so the verdict (approver, or the code it was refused with) is in history.
 */
export function createVerifyApproval(deps: GovernanceDeps): (request: VerifyApprovalRequest) => Promise<VerifiedApproval> {
  return async function verifyApprovalActivity(request) {
    try {
      const info = Context.current().info;
      // The request must be this run's: an approval cannot be verified on another run's behalf.
      if (request.request.runId !== info.workflowExecution?.runId || request.request.workflowId !== info.workflowExecution.workflowId) {
        throw new WritError('APPROVAL_MISMATCH', 'the approval request is not for this run');
      }
      deps.governance.requireStanding(info.activityNamespace, request.request.runId);
      return await verifyApproval(request, { verifier: deps.identity, engine: deps.policies.current() });
    } catch (error) {
      throw toApplicationFailure(error, 'APPROVAL_INVALID');
    }
  };
}

/**
 * Builds `writ.applyRevocation`: verifies a signed revocation of this very run and the
 * signer's authority (Cedar `revokeWorkflow`), then records it in the governance store,
 * after which no authorization or execution of the run passes.
 */
export function createApplyRevocation(deps: GovernanceDeps): (request: OperatorStatementRequest) => Promise<OperatorActReceipt> {
  return async function applyRevocation(request) {
    try {
      const info = Context.current().info;
      const verified = await verifyOperatorStatement(request.statement, REVOCATION_AUDIENCE, RevocationStatementSchema, deps.identity, {
        invalidCode: 'STATEMENT_INVALID',
        expiredCode: 'STATEMENT_INVALID',
      });
      const run = info.workflowExecution;
      if (run === undefined || verified.statement.workflowId !== run.workflowId || verified.statement.runId !== run.runId) {
        throw new WritError('STATEMENT_INVALID', 'the revocation names another workflow run');
      }
      requireAuthority(deps.policies.current(), verified.signer, verified.groups, 'revokeWorkflow', {
        uid: { type: 'Writ::Workflow', id: run.workflowId },
        attrs: { workflowType: info.workflowType ?? '' },
        parents: [],
      });
      const at = deps.clock().toISOString();
      deps.governance.revoke({
        workflowId: run.workflowId,
        runId: run.runId,
        revokedAt: at,
        revokedBy: verified.signer,
        reason: verified.statement.reason,
        statementDigest: verified.statementDigest,
      });
      return { by: verified.signer, at, statementDigest: verified.statementDigest, reason: verified.statement.reason };
    } catch (error) {
      throw toApplicationFailure(error, 'STATEMENT_INVALID');
    }
  };
}

/**
 * Builds `writ.applyKillSwitch`: verifies a signed kill-switch change for this namespace
 * and the signer's authority (Cedar `operateKillSwitch`), then records it; while engaged,
 * every authorization and every governed execution in the namespace is denied.
 */
export function createApplyKillSwitch(deps: GovernanceDeps): (request: OperatorStatementRequest) => Promise<OperatorActReceipt> {
  return async function applyKillSwitch(request) {
    try {
      const info = Context.current().info;
      const verified = await verifyOperatorStatement(request.statement, KILL_SWITCH_AUDIENCE, KillSwitchStatementSchema, deps.identity, {
        invalidCode: 'STATEMENT_INVALID',
        expiredCode: 'STATEMENT_INVALID',
      });
      if (verified.statement.namespace !== info.activityNamespace) {
        throw new WritError('STATEMENT_INVALID', `the kill-switch statement names namespace ${verified.statement.namespace}`);
      }
      requireAuthority(deps.policies.current(), verified.signer, verified.groups, 'operateKillSwitch', {
        uid: { type: 'Writ::Namespace', id: info.activityNamespace },
        attrs: {},
        parents: [],
      });
      const at = deps.clock().toISOString();
      deps.governance.setKillSwitch({
        namespace: info.activityNamespace,
        engaged: verified.statement.engage,
        at,
        by: verified.signer,
        reason: verified.statement.reason,
        statementDigest: verified.statementDigest,
      });
      return { by: verified.signer, at, statementDigest: verified.statementDigest, reason: verified.statement.reason };
    } catch (error) {
      throw toApplicationFailure(error, 'STATEMENT_INVALID');
    }
  };
}

function requireAuthority(
  engine: PolicyEngine,
  principal: string,
  groups: readonly string[],
  action: string,
  resource: Parameters<PolicyEngine['decide']>[0]['resource'],
): void {
  const decision = engine.decide({ principal: { id: principal, groups }, action, resource, context: {} });
  if (decision.errors.length > 0 || !decision.allowed) {
    throw new WritError('OPERATOR_NOT_AUTHORIZED', `${principal} may not ${action}`);
  }
}

// The handlers operators reach a running workflow through: approve/deny (an update), revoke
// (an update) and what is pending (a query). Each update is verified by an activity, so the
// verdict is in history and the operator gets an answer.
import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { WRIT_ERROR_CODES } from '../core/errors/writError';
import {
  APPLY_REVOCATION_ACTIVITY,
  APPROVE_UPDATE,
  PASSKEY_STATEMENT_PREFIX,
  PENDING_QUERY,
  REVOKE_UPDATE,
  VERIFY_APPROVAL_ACTIVITY,
  type ApprovalAnswer,
  type OperatorActReceipt,
  type OperatorStatementRequest,
  type PendingApproval,
  type VerifiedApproval,
  type VerifyApprovalRequest,
} from '../core/protocol/operatorContract';
import { publicView, publishPending } from './pendingMemo';
import { runState } from './runState';

export const approveUpdate = defineUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE);
export const revokeUpdate = defineUpdate<OperatorActReceipt, [string]>(REVOKE_UPDATE);
export const pendingQuery = defineQuery<PendingApproval | null>(PENDING_QUERY);

const operatorActs = proxyActivities<{
  [VERIFY_APPROVAL_ACTIVITY]: (request: VerifyApprovalRequest) => Promise<VerifiedApproval>;
  [APPLY_REVOCATION_ACTIVITY]: (request: OperatorStatementRequest) => Promise<OperatorActReceipt>;
}>({
  startToCloseTimeout: '15s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...WRIT_ERROR_CODES] },
});

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const PASSKEY_STATEMENT = new RegExp(`^${PASSKEY_STATEMENT_PREFIX.replace('.', '\\.')}[A-Za-z0-9_-]+$`);

function refuse(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** An activity's refusal, re-raised with its code so the operator's update fails with it. */
function asRefusal(error: unknown): unknown {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type) {
    return refuse(error.cause.type, error.cause.message);
  }
  return error;
}

/** A statement its identity provider signed (a compact JWS), or one made with an operator's passkey; the activity verifies it. */
function requireStatement(statement: unknown): void {
  if (typeof statement !== 'string' || statement.length > 16_384 || !(COMPACT_JWS.test(statement) || PASSKEY_STATEMENT.test(statement))) {
    throw refuse('STATEMENT_INVALID', 'a signed statement (compact JWS) or a passkey statement is required');
  }
}

/** Registers the operator handlers; called once at the start of every governed run. */
export function registerOperatorHandlers(): void {
  const state = runState();
  setHandler(pendingQuery, () => (state.pending === undefined ? null : publicView(state.pending)));

  setHandler(
    approveUpdate,
    async (statement) => {
      const pending = state.pending!;
      const { statements: _s, deniedBy: _d, approvers, requestedAt: _r, expiresAt: _e, ...request } = pending;
      let verified: VerifiedApproval;
      try {
        verified = await operatorActs[VERIFY_APPROVAL_ACTIVITY]({
          statement,
          request,
          seenStatementIds: [...state.seenStatementIds],
          countedApprovers: [...approvers],
        });
      } catch (error) {
        throw asRefusal(error);
      }
      // Checked again after the await: two updates may have been verified concurrently.
      if (state.seenStatementIds.includes(verified.statementId)) throw refuse('APPROVAL_REPLAYED', `approval ${verified.statementId} was already presented`);
      state.seenStatementIds.push(verified.statementId);
      if (state.pending !== pending) throw refuse('APPROVAL_NOT_PENDING', 'the request is no longer pending');
      if (pending.approvers.includes(verified.approver)) throw refuse('APPROVAL_DUPLICATE_APPROVER', `${verified.approver} has already approved`);
      if (verified.decision === 'deny') {
        pending.deniedBy = { approver: verified.approver, reason: verified.reason };
      } else {
        pending.approvers.push(verified.approver);
        pending.statements.push(statement);
        publishPending(pending);
      }
      return { accepted: true, decision: verified.decision, approver: verified.approver, approvals: pending.approvers.length, required: pending.required };
    },
    {
      validator: (statement) => {
        if (state.pending === undefined) throw refuse('APPROVAL_NOT_PENDING', 'nothing in this run awaits approval');
        requireStatement(statement);
      },
    },
  );

  setHandler(
    revokeUpdate,
    async (statement) => {
      try {
        state.revoked = await operatorActs[APPLY_REVOCATION_ACTIVITY]({ statement });
      } catch (error) {
        throw asRefusal(error);
      }
      return state.revoked;
    },
    { validator: (statement) => requireStatement(statement) },
  );
}

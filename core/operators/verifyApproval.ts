import { WritError } from '../errors/writError';
import type { PolicyEngine } from '../policy/policyEngine';
import type { ApprovalRequest, VerifiedApproval, VerifyApprovalRequest } from '../protocol/operatorContract';
import { approvalRequestDigest } from './approvalRequestDigest';
import { ApprovalStatementSchema, APPROVAL_AUDIENCE, type ApprovalStatement } from './statements';
import { verifyOperatorStatement, type StatementVerifier } from './verifyStatement';
import type { PasskeyStatementDeps } from '../passkeys/verifyPasskeyStatement';
import type { OperatorStatementKind } from './operatorStatementKinds';

/**
 * Verifies one approval or denial of a pending request, step by step, each throwing its
 * code: that it is of a kind the worker accepts (STATEMENT_KIND_REFUSED; `statements`,
 * default both); the statement's signature and window (APPROVAL_INVALID / APPROVAL_EXPIRED), or for
 * an approval made with an operator's passkey its binding, assertion and counter (see
 * verifyPasskeyStatement); its
 * binding to this request's digest and every field it names (APPROVAL_MISMATCH); that it was not presented before
 * (APPROVAL_REPLAYED); separation of duties (APPROVAL_SELF, APPROVAL_DUPLICATE_APPROVER);
 * and the approver's authority as a Cedar decision (APPROVER_NOT_AUTHORIZED).
 */
export async function verifyApproval(
  input: VerifyApprovalRequest,
  deps: { verifier: StatementVerifier; engine: PolicyEngine; passkeys?: PasskeyStatementDeps | undefined; statements?: readonly OperatorStatementKind[] | undefined },
): Promise<VerifiedApproval> {
  const verified = await verifyOperatorStatement(
    input.statement,
    APPROVAL_AUDIENCE,
    ApprovalStatementSchema,
    deps.verifier,
    { invalidCode: 'APPROVAL_INVALID', expiredCode: 'APPROVAL_EXPIRED' },
    deps.passkeys,
    deps.statements,
  );
  const { request } = input;
  // The digest is recomputed from the request's fields, so a request whose fields were
  // edited cannot carry an old digest.
  const expected = approvalRequestDigest(request);
  if (request.requestDigest !== expected || verified.statement.requestDigest !== expected) {
    throw new WritError('APPROVAL_MISMATCH', `approval is bound to ${verified.statement.requestDigest}, the pending request is ${expected}`);
  }
  requireBoundFields(verified.statement, request);
  if (input.seenStatementIds.includes(verified.statementId)) {
    throw new WritError('APPROVAL_REPLAYED', `approval ${verified.statementId} was already presented`);
  }
  if (verified.signer === request.initiator) {
    throw new WritError('APPROVAL_SELF', `${verified.signer} initiated this request and cannot approve it`);
  }
  if (input.countedApprovers.includes(verified.signer)) {
    throw new WritError('APPROVAL_DUPLICATE_APPROVER', `${verified.signer} has already approved this request`);
  }
  const decision = deps.engine.decide({
    principal: { id: verified.signer, groups: verified.groups },
    action: 'approveAction',
    resource: { uid: { type: 'Writ::ApprovalRequest', id: request.requestDigest }, attrs: { action: request.action, initiator: request.initiator }, parents: [] },
    context: {},
  });
  if (decision.errors.length > 0 || !decision.allowed) {
    throw new WritError('APPROVER_NOT_AUTHORIZED', `${verified.signer} may not approve ${request.action}`);
  }
  return {
    approver: verified.signer,
    decision: verified.statement.decision,
    statementId: verified.statementId,
    statementDigest: verified.statementDigest,
    issuedAt: verified.issuedAt,
    reason: verified.statement.reason ?? null,
  };
}

/** The fields of an approval statement that bind it, besides its digest. */
export const APPROVAL_BINDING_FIELDS = ['workflowId', 'runId', 'stepId', 'action', 'argsDigest', 'policyVersion'] as const;

/**
 * Every binding field the statement carries must be the pending request's: a statement with
 * the right digest and another run, step, action, argument set or policy version says two
 * things, and is refused (APPROVAL_MISMATCH, naming the first field that differs).
 */
function requireBoundFields(statement: ApprovalStatement, request: ApprovalRequest): void {
  for (const field of APPROVAL_BINDING_FIELDS) {
    if (statement[field] !== request[field]) {
      throw new WritError('APPROVAL_MISMATCH', `approval names ${field} ${statement[field]}, the pending request has ${request[field]}`, { facts: { field } });
    }
  }
}

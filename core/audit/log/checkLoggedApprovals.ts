import { decodeJwt } from 'jose';
import { sha256Digest } from '../../canonical/digest';
import { isWritError } from '../../errors/writError';
import { ApprovalStatementSchema, APPROVAL_AUDIENCE } from '../../operators/statements';
import { reportLogged, type LoggedRunContext } from './loggedRunContext';

/**
 * Step: the run's approvals. Each approval entry is the operator's signed statement: it
 * must verify with the identity provider's keys (audience `writ-approval`) as it was when it
 * was issued (the log does not say when it arrived, so its freshness is not judged), and name
 * this run and the entry's step (APPROVAL_UNVERIFIED; without the provider's keys,
 * OPERATOR_EVENT_UNVERIFIED, never skipped). Then every artifact that cites approvals: each
 * cited statement must be an approval of this step in the log, logged before the artifact,
 * signed by the approver the artifact names, approving the artifact's action and arguments
 * (APPROVAL_NOT_RECORDED, APPROVAL_UNVERIFIED); no approver twice (APPROVAL_DUPLICATE_APPROVER);
 * not the run's own principal (APPROVAL_SELF); as many as it requires (APPROVAL_COUNT_SHORT).
 */
export async function checkLoggedApprovals(context: LoggedRunContext): Promise<void> {
  await verifyStatements(context);
  checkCitations(context);
}

async function verifyStatements(context: LoggedRunContext): Promise<void> {
  const identity = context.identity;
  for (const logged of context.entries) {
    if (logged.entry.kind !== 'approval') continue;
    const token = logged.entry.evidence;
    const statementDigest = sha256Digest(token);
    if (identity === null) {
      reportLogged(context, 'OPERATOR_EVENT_UNVERIFIED', logged.index, "the approval statement checked with the identity provider's keys", 'no identity provider keys given', 'a logged approval cannot be verified without the keys that signed it');
      continue;
    }
    // Judged at its own issue time: the log does not record when the statement arrived, so
    // its freshness then is not judged here (the history checker judges it while history exists).
    const at = new Date(1000 * issuedAt(token));
    try {
      const verified = await identity.verifyStatement(token, APPROVAL_AUDIENCE, ApprovalStatementSchema, at);
      const statement = verified.statement;
      const bindings: [string, string | null, string][] = [
        ['runId', context.runId, statement.runId],
        ['stepId', logged.entry.stepId, statement.stepId],
        ['workflowId', context.workflowId, statement.workflowId],
      ];
      const wrong = bindings.filter(([, expected, found]) => expected !== null && expected !== found);
      for (const [field, expected, found] of wrong) {
        reportLogged(context, 'APPROVAL_UNVERIFIED', logged.index, `${field} ${String(expected)}`, `${field} ${found} in the statement of ${verified.signer}`, 'the logged approval is not of this run and step');
      }
      if (wrong.length === 0) context.approvals.push({ logged, signer: verified.signer, decision: statement.decision, statementDigest, action: statement.action, argsDigest: statement.argsDigest });
    } catch (error) {
      if (!isWritError(error)) throw error;
      reportLogged(context, 'APPROVAL_UNVERIFIED', logged.index, "a statement that verifies with the identity provider's keys", `${error.code}: ${error.message}`, 'a logged approval does not verify');
    }
  }
}

function checkCitations(context: LoggedRunContext): void {
  for (const artifact of context.artifacts) {
    const approval = artifact.claims.writ.approval;
    if (approval === undefined) continue;
    const at = artifact.logged.index;
    const seen = new Set<string>();
    for (const cited of approval.approvers) {
      if (seen.has(cited.approver)) reportLogged(context, 'APPROVAL_DUPLICATE_APPROVER', at, 'each approver counted once', `${cited.approver} cited twice by artifact ${artifact.claims.jti}`, 'one approver is counted twice');
      seen.add(cited.approver);
      if (cited.approver === artifact.claims.writ.principal.id) reportLogged(context, 'APPROVAL_SELF', at, 'an approver other than the run\'s principal', `${cited.approver} approved their own request`, 'separation of duties is broken');
      if (context.identity === null) continue; // each approval entry is already OPERATOR_EVENT_UNVERIFIED
      const statement = context.approvals.find((candidate) => candidate.statementDigest === cited.statementDigest && candidate.logged.index < at && candidate.logged.entry.stepId === artifact.logged.entry.stepId);
      if (statement === undefined) {
        reportLogged(context, 'APPROVAL_NOT_RECORDED', at, `an approval statement ${cited.statementDigest} of step ${artifact.logged.entry.stepId} in the log before the artifact`, `none that verified, cited by artifact ${artifact.claims.jti} for ${cited.approver}`, 'the artifact cites an approval the log does not hold');
        continue;
      }
      const intent = artifact.claims.writ.intent;
      if (statement.signer !== cited.approver || statement.decision !== 'approve' || statement.action !== intent.action || statement.argsDigest !== intent.argsDigest) {
        reportLogged(context, 'APPROVAL_UNVERIFIED', at, `${cited.approver} approving ${intent.action} with ${intent.argsDigest}`, `${statement.signer} deciding ${statement.decision} on ${statement.action} with ${statement.argsDigest} (log entry ${statement.logged.index})`, 'the cited approval does not approve what the artifact permits');
      }
    }
    if (seen.size < approval.required) reportLogged(context, 'APPROVAL_COUNT_SHORT', at, `${approval.required} distinct approver(s)`, `${seen.size} cited by artifact ${artifact.claims.jti}`, 'the artifact permits with fewer approvals than it requires');
  }
}

function issuedAt(token: string): number {
  try {
    const iat = decodeJwt(token).iat;
    return typeof iat === 'number' ? iat : 0;
  } catch {
    return 0;
  }
}

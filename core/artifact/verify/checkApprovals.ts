import { WritError } from '../../errors/writError';
import type { ArtifactClaims } from '../claims';

/**
 * Step 7: approvals. An artifact whose policy required approvals must carry at least that
 * many distinct approvers, none of them the principal it authorizes.
 */
export function checkApprovals(claims: ArtifactClaims): void {
  const approval = claims.writ.approval;
  if (approval === undefined) return;
  const approvers = new Set(approval.approvers.map((a) => a.approver));
  if (approvers.size !== approval.approvers.length || approvers.has(claims.sub) || approvers.size < approval.required) {
    throw new WritError('ARTIFACT_APPROVALS_MISSING', `artifact requires ${approval.required} distinct approvals other than the initiator's, carries ${approval.approvers.length}`);
  }
}

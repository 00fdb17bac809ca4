import type { OperatorEventCheck, OperatorRunVerifier } from '../checks/checkOperatorEvents';
import type { OperatorEventRecord } from '../history/runRecord';
import { pendingRequests } from './approvalRequests';
import { checkApprovalUpdates, type ApprovalContext } from './checkApprovalUpdates';
import { checkCitedApprovals } from './checkCitedApprovals';
import type { EvidencePolicies } from './evidencePolicies';
import type { IdentityTrust } from './identityTrust';
import { verifyInitiator } from './verifyInitiator';
import { reportUnverifiable } from './unverifiable';

/**
 * The `writ.approve` verifier, run once per run: who initiated it (the identity token,
 * verified), the approval requests it recorded, every approval update, then every artifact
 * that cites approvals. Without the identity provider's keys nothing of it can be checked:
 * each approval update and each artifact citing approvals is OPERATOR_EVENT_UNVERIFIED.
 */
export function approvalVerifier(identity: IdentityTrust | null, policies: EvidencePolicies): OperatorRunVerifier {
  return {
    async verifyRun(events: readonly OperatorEventRecord[], check: OperatorEventCheck): Promise<void> {
      if (identity === null) {
        reportUnverifiable(events, check);
        for (const step of check.steps) {
          const approvers = step.claims?.writ.approval?.approvers ?? [];
          if (approvers.length > 0 && step.authorization.end.status === 'completed') {
            check.report('OPERATOR_EVENT_UNVERIFIED', step.authorization.end.at.eventId, "each cited approval checked against its signed statement, with the identity provider's keys", `${approvers.length} approval(s) cited by artifact ${step.claims!.jti}; no identity provider keys in the evidence`, 'the approvals an artifact cites cannot be verified without the keys that signed them');
          }
        }
        return;
      }
      const verifiedInitiator = await verifyInitiator(check, identity);
      // Without a verifiable token, the artifacts' signed subject names the initiator.
      const initiator = verifiedInitiator ?? check.steps.find((step) => step.claims !== null)?.claims?.sub ?? null;
      const approvals: ApprovalContext = { check, identity, policies, initiator, requests: pendingRequests(check, initiator) };
      const accepted = await checkApprovalUpdates(events, approvals);
      checkCitedApprovals(approvals, accepted);
    },
  };
}

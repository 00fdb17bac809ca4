import { sha256Digest } from '../../canonical/digest';
import type { LoggedRunContext } from './loggedRunContext';
import type { LoggedStep } from './logVerdict';

/**
 * The run's governed steps as its verified log entries show them, in the order their first
 * entry was logged: the decision (an artifact that verified is a permit, a denial record
 * alone a denial), who and under which policy from the signed evidence, the approvers the
 * last artifact cites, and the outcome its receipt states (`pending` when the log holds no
 * receipt: the action had not ended, timed out, or its receipt never reached the log).
 */
export function buildLoggedSteps(context: LoggedRunContext): LoggedStep[] {
  const order: string[] = [];
  const indices = new Map<string, number[]>();
  for (const logged of context.entries) {
    const stepId = logged.entry.stepId;
    if (stepId === null) continue;
    if (!indices.has(stepId)) {
      order.push(stepId);
      indices.set(stepId, []);
    }
    indices.get(stepId)!.push(logged.index);
  }
  return order.map((stepId) => {
    const artifact = context.artifacts.filter((candidate) => candidate.logged.entry.stepId === stepId).at(-1);
    const denial = context.denials.filter((candidate) => candidate.logged.entry.stepId === stepId).at(-1);
    const receipt = artifact === undefined ? undefined : context.receipts.filter((candidate) => candidate.claims.writ.artifactDigest === artifact.digest).at(-1);
    const decision: LoggedStep['decision'] = artifact !== undefined ? 'permit' : denial !== undefined ? 'deny' : 'pending';
    const claims = artifact?.claims;
    return {
      stepId,
      action: claims?.writ.intent.action ?? denial?.claims.writ.intent.action ?? null,
      decision,
      denialCode: decision === 'deny' ? denial!.claims.writ.code : null,
      principal: claims?.writ.principal.id ?? denial?.claims.writ.principal?.id ?? null,
      policySetId: claims?.writ.policy.setId ?? denial?.claims.writ.policy?.setId ?? null,
      policyVersion: claims?.writ.policy.version ?? denial?.claims.writ.policy?.version ?? null,
      artifactId: claims?.jti ?? null,
      artifactDigest: artifact === undefined ? null : sha256Digest(artifact.logged.entry.evidence),
      approvers: (claims?.writ.approval?.approvers ?? []).map((cited) => cited.approver),
      outcome: decision === 'deny' ? 'not-scheduled' : receipt === undefined ? 'pending' : receipt.claims.writ.outcome,
      lineage: claims?.writ.lineage ?? null,
      logIndices: indices.get(stepId) ?? [],
    };
  });
}

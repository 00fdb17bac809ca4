import { canonicalDigest } from '../canonical/digest';

/**
 * The digest an approver signs: the run, the step, the action, its arguments' digest and
 * the policy set's digest. An approval for another run, step, argument set or policy set
 * never matches.
 */
export function approvalRequestDigest(fields: {
  workflowId: string;
  runId: string;
  stepId: string;
  action: string;
  argsDigest: string;
  policyDigest: string;
}): string {
  const { workflowId, runId, stepId, action, argsDigest, policyDigest } = fields;
  return canonicalDigest({ workflowId, runId, stepId, action, argsDigest, policyDigest });
}

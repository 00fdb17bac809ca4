import { z } from 'zod';
import { intentDigest } from '../../artifact/intentDigest';
import { isWritError } from '../../errors/writError';
import { approvalRequestDigest } from '../../operators/approvalRequestDigest';
import type { OperatorEventCheck } from '../checks/checkOperatorEvents';
import type { GovernedStep } from '../checks/pairGovernedSteps';

// The request `writ.authorize` recorded with `approval-required`: what approvers sign (its
// digest) and read. Unsigned: the worker wrote it, so every member the digest covers is
// recomputed from the run's own record before an approval is judged against it.
const RecordedApprovalRequestSchema = z.object({
  requestDigest: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  stepId: z.string(),
  action: z.string(),
  argsDigest: z.string(),
  policySetId: z.string(),
  policyVersion: z.string(),
  policyDigest: z.string(),
  initiator: z.string(),
  required: z.number().int().min(0),
});

/** A request the run waited on for approvals, as recorded, and the digest recomputed for it. */
export interface PendingRequest {
  readonly step: GovernedStep;
  /** The authorization's completion event: approvals after it are for this request. */
  readonly recordedAt: number;
  readonly request: z.infer<typeof RecordedApprovalRequestSchema>;
  /** The digest recomputed from this run, the step's request and the policy set it names. */
  readonly digest: string;
  /** The fields an approval names, recomputed from the run (the policy version as recorded). */
  readonly bound: { readonly workflowId: string; readonly runId: string; readonly stepId: string; readonly action: string; readonly argsDigest: string; readonly policyVersion: string };
}

/**
 * The run's approval requests, in history order. Each must say what the run says: this
 * workflow and run, the step's id and action, the digest of the arguments the step asked
 * to run with, the verified initiator, and a request digest that is the digest of those
 * (`approvalRequestDigest`). A request that does not is AUTHORIZATION_RESULT_MISMATCH, and
 * approvals are judged against the recomputed digest, never the recorded one.
 */
export function pendingRequests(check: OperatorEventCheck, initiator: string | null): PendingRequest[] {
  const requests: PendingRequest[] = [];
  for (const step of check.steps) {
    const end = step.authorization.end;
    if (!step.awaitingApproval || end.status !== 'completed') continue;
    const at = end.at.eventId;
    const parsed = RecordedApprovalRequestSchema.safeParse(end.result.ok ? (end.result.value as { request?: unknown } | null)?.request : undefined);
    if (!parsed.success || step.request === null) {
      check.report('AUTHORIZATION_RESULT_MISMATCH', at, 'an approval request (digest, run, step, action, arguments digest, policy set, initiator, required)', parsed.success ? 'no readable authorization request for it' : 'another shape', 'the approval request the authorization recorded cannot be read');
      continue;
    }
    const recorded = parsed.data;
    const { workflowId, runId } = check.run;
    const { stepId, action } = step.request;
    const argsDigest = digestOf(action, step.request.args);
    const digest = approvalRequestDigest({ workflowId, runId, stepId, action, argsDigest, policyDigest: recorded.policyDigest });
    const pairs: [string, string, string][] = [
      ['workflowId', workflowId, recorded.workflowId],
      ['runId', runId, recorded.runId],
      ['stepId', stepId, recorded.stepId],
      ['action', action, recorded.action],
      ['argsDigest', argsDigest, recorded.argsDigest],
      ['requestDigest', digest, recorded.requestDigest],
    ];
    if (initiator !== null) pairs.push(['initiator', initiator, recorded.initiator]);
    const wrong = pairs.find(([, expected, found]) => expected !== found);
    if (wrong !== undefined) {
      const [field, expected, found] = wrong;
      check.report('AUTHORIZATION_RESULT_MISMATCH', at, `${field} ${expected} (recomputed from the run)`, `${field} ${found}`, 'the approval request the authorization recorded is not the request this step made');
    }
    requests.push({ step, recordedAt: at, request: recorded, digest, bound: { workflowId, runId, stepId, action, argsDigest, policyVersion: recorded.policyVersion } });
  }
  return requests;
}

/** The request pending when the event at `eventId` arrived: the latest recorded before it. */
export function pendingAt(requests: readonly PendingRequest[], eventId: number): PendingRequest | undefined {
  return requests.filter((request) => request.recordedAt < eventId).at(-1);
}

function digestOf(action: string, args: readonly unknown[]): string {
  try {
    return intentDigest(action, args);
  } catch (error) {
    return isWritError(error) ? `(not digestible: ${error.code})` : '(not digestible)';
  }
}

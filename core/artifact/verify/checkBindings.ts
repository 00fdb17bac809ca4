import { WritError } from '../../errors/writError';
import type { ArtifactClaims } from '../claims';
import { intentDigest } from '../intentDigest';
import type { ExecutionFacts } from './executionFacts';

/**
 * Step 5: bindings. Every binding is recomputed from the execution itself (its activity
 * info and the args it actually received) and compared with the claims; the first
 * mismatch names what differs.
 */
export function checkBindings(claims: ArtifactClaims, facts: ExecutionFacts): void {
  const { runtime, intent } = claims.writ;
  if (runtime.namespace !== facts.namespace || runtime.taskQueue !== facts.taskQueue || runtime.workflowId !== facts.workflowId) {
    throw new WritError('ARTIFACT_CONTEXT_MISMATCH', 'artifact was issued for another namespace, task queue or workflow');
  }
  if (runtime.runId !== facts.runId) throw new WritError('ARTIFACT_RUN_MISMATCH', 'artifact was issued for another workflow run');
  if (intent.action !== facts.activityType) throw new WritError('ARTIFACT_ACTION_MISMATCH', `artifact authorizes "${intent.action}", not "${facts.activityType}"`);
  if (runtime.activityId !== facts.activityId) throw new WritError('ARTIFACT_ACTIVITY_MISMATCH', 'artifact was issued for another activity');
  if (intentDigest(facts.activityType, facts.args) !== intent.argsDigest) {
    throw new WritError('ARTIFACT_ARGS_MISMATCH', 'arguments differ from the ones authorized');
  }
  if (facts.attempt > runtime.maxAttempts) {
    throw new WritError('ARTIFACT_ATTEMPTS_EXCEEDED', `attempt ${facts.attempt} exceeds the ${runtime.maxAttempts} authorized`);
  }
}

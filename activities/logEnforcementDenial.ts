import { Context } from '@temporalio/activity';
import { intentDigest } from '../core/artifact/intentDigest';
import type { ExecutionFacts } from '../core/artifact/verify/executionFacts';
import { isWritError } from '../core/errors/writError';
import { mintDenialRecord } from '../core/log/entries/mintDenialRecord';
import { appendEvidence } from './appendEvidence';
import type { GovernanceDeps } from './governanceDeps';
import { UNRECORDABLE_DENIALS } from './logDenial';

/**
 * Logs the signed denial record of an execution the enforcement point refused with
 * `error`, before the action body ran (stage `enforce`). It is signed with the executor's
 * receipt key, the one key an executor holds; whoever presented the artifact is not
 * named (an artifact that was refused proves no one's identity), so `principal` and
 * `policy` are null. The step is the activity id's (`<step>.<round>`). As at authorize,
 * the refusal stands whatever happens here: a record that cannot be signed or logged is a
 * warning in the worker's log. Nothing is recorded outside a workflow run, or for an error
 * that is not a Writ refusal.
 */
export async function logEnforcementDenial(deps: GovernanceDeps, facts: ExecutionFacts, error: unknown): Promise<void> {
  if (!deps.evidenceLog.enabled || !isWritError(error) || UNRECORDABLE_DENIALS.has(error.code)) return;
  if (facts.workflowId === '' || facts.runId === '') return;
  const stepId = facts.activityId.replace(/\.[0-9]+$/, '');
  try {
    const record = await mintDenialRecord(
      {
        stage: 'enforce',
        code: error.code,
        principal: null,
        runtime: { namespace: facts.namespace, taskQueue: facts.taskQueue, workflowId: facts.workflowId, runId: facts.runId, stepId, activityId: facts.activityId },
        intent: { action: facts.activityType, argsDigest: argsDigestOf(facts) },
        policy: null,
      },
      await deps.receiptSigner(),
      deps.clock(),
    );
    await appendEvidence(deps, { v: 1, kind: 'denial', runId: facts.runId, stepId, evidence: record });
  } catch (failure) {
    Context.current().log.warn('the denial record of a refused execution was not logged', { code: error.code, runId: facts.runId, activityId: facts.activityId, error: String(failure) });
  }
}

/** The digest of the arguments the activity received, or null when they have no canonical form. */
function argsDigestOf(facts: ExecutionFacts): string | null {
  try {
    return intentDigest(facts.activityType, facts.args);
  } catch {
    return null;
  }
}

import { sha256Digest } from '../../canonical/digest';
import { isWritError } from '../../errors/writError';
import { intentDigest } from '../../artifact/intentDigest';
import type { ArtifactClaims } from '../../artifact/claims';
import { checkBindings } from '../../artifact/verify/checkBindings';
import { checkWindow } from '../../artifact/verify/checkWindow';
import type { ExecutionFacts } from '../../artifact/verify/executionFacts';
import { ARTIFACT_HEADER } from '../../protocol/headers';
import { decodePayload, valuesOf } from '../history/decodePayload';
import type { ActivityRecord } from '../history/runRecord';
import { mismatch } from './checkAuthorization';
import type { GovernedStep } from './pairGovernedSteps';
import { report, type RunContext } from './runContext';

/**
 * Failure types with which the enforcement point refuses an action before its body runs:
 * no side effect, no receipt. Anything else that failed ran, and must carry a receipt.
 */
const REFUSAL_CODES = new Set([
  'POLICY_STALE',
  'POLICY_INVALID',
  'POLICY_UNAVAILABLE',
  'ACTION_NOT_GOVERNED',
  'KILL_SWITCH_ENGAGED',
  'AUTHORITY_REVOKED',
  'GOVERNANCE_STORE_UNAVAILABLE',
  'KEYSTORE_INVALID',
  'KEY_NOT_FOUND',
  // The action's own re-validation of its input, before the body runs.
  'INPUT_INVALID',
]);

/** How a governed action ended, as the auditor classifies it. */
export type ExecutionOutcome =
  | { readonly kind: 'not-scheduled' | 'pending' }
  | { readonly kind: 'completed'; readonly result: unknown; readonly receipt: unknown }
  | { readonly kind: 'failed'; readonly receipt: unknown; readonly failure: { readonly code: string | null; readonly message: string } | null }
  | { readonly kind: 'refused'; readonly code: string };

/** Classifies how the action ended: ran (completed or failed, receipted), refused before running, or not yet. */
export function executionOutcome(action: ActivityRecord | null): ExecutionOutcome {
  if (action === null) return { kind: 'not-scheduled' };
  const end = action.end;
  switch (end.status) {
    case 'pending':
      return { kind: 'pending' };
    case 'completed': {
      const envelope = end.result.ok ? (end.result.value as { result?: unknown; writReceipt?: unknown } | null) : null;
      return { kind: 'completed', result: envelope?.result, receipt: envelope?.writReceipt };
    }
    case 'failed': {
      const receipt = end.details.map((d) => (d.ok ? (d.value as { writReceipt?: unknown } | null)?.writReceipt : undefined)).find((r) => r !== undefined);
      const code = end.code ?? '';
      if (receipt === undefined && (code.startsWith('ARTIFACT_') || REFUSAL_CODES.has(code))) return { kind: 'refused', code };
      return { kind: 'failed', receipt, failure: { code: end.code, message: end.message } };
    }
    default:
      // Timed out or canceled: it may have run, and cannot have been receipted.
      return { kind: 'failed', receipt: undefined, failure: null };
  }
}

/**
 * Step: the execution of every permitted action that ran. The header it was scheduled with
 * must be its authorization's artifact; the artifact's bindings must hold for the execution
 * as recorded (namespace, task queue, workflow, run, action, activity id, the digest of the
 * recorded input, the attempt), recomputed by the enforcement point's own `checkBindings`;
 * and its window must cover the moment the action started. A refused execution (the
 * enforcement point said no, nothing ran) is not judged here: the refusal was the check.
 */
export function checkExecution(context: RunContext, step: GovernedStep): void {
  const action = step.action;
  const claims = step.claims;
  if (action === null || step.permit === null) return;
  const outcome = executionOutcome(action);
  if (outcome.kind === 'refused' || outcome.kind === 'not-scheduled') return;
  checkHeader(context, step, action);
  if (claims === null) return;
  checkActionBindings(context, step, action, claims);
  checkStartInWindow(context, action, claims);
}

function checkHeader(context: RunContext, step: GovernedStep, action: ActivityRecord): void {
  const at = action.scheduled.eventId;
  const payload = action.headers[ARTIFACT_HEADER];
  const expected = `header ${ARTIFACT_HEADER} = the artifact of the authorization at event ${step.authorization.scheduled.eventId} (${sha256Digest(step.permit!.artifact)})`;
  if (payload === undefined) {
    report(context, 'HEADER_ARTIFACT_MISMATCH', at, expected, 'no artifact header', `${action.activityType} was scheduled without its artifact`);
    return;
  }
  const decoded = decodePayload(payload);
  if (!decoded.ok || typeof decoded.value !== 'string') {
    report(context, 'HEADER_ARTIFACT_MISMATCH', at, expected, decoded.ok ? 'a header that is not a string' : decoded.reason, `${action.activityType} received something other than its artifact`);
  } else if (decoded.value !== step.permit!.artifact) {
    report(context, 'HEADER_ARTIFACT_MISMATCH', at, expected, `an artifact with digest ${sha256Digest(decoded.value)}`, `${action.activityType} received another artifact than its authorization minted`);
  }
}

function checkActionBindings(context: RunContext, step: GovernedStep, action: ActivityRecord, claims: ArtifactClaims): void {
  const at = action.scheduled.eventId;
  const args = valuesOf(action.args);
  if (args === undefined) {
    const unread = action.args.find((decoded) => !decoded.ok);
    report(context, 'HISTORY_MALFORMED', at, `the input of ${action.activityType} as JSON payloads`, unread?.ok === false ? unread.reason : 'a payload that does not decode', 'the action input cannot be read, so its digest cannot be recomputed');
    return;
  }
  const facts: ExecutionFacts = {
    namespace: context.namespace,
    taskQueue: action.taskQueue,
    workflowId: context.run.workflowId,
    runId: context.run.runId,
    activityId: action.activityId,
    activityType: action.activityType,
    attempt: action.started?.attempt ?? 1,
    args,
  };
  const { runtime, intent } = claims.writ;
  const pairs: [string, string, string][] = [
    ['namespace', facts.namespace, runtime.namespace],
    ['workflowId', facts.workflowId, runtime.workflowId],
    ['runId', facts.runId, runtime.runId],
    ['taskQueue', facts.taskQueue, runtime.taskQueue],
    ['action', facts.activityType, intent.action],
    ['activityId', facts.activityId, runtime.activityId],
    ['argsDigest', digestOf(facts.activityType, args), intent.argsDigest],
  ];
  for (const [field, expected, found] of pairs) {
    if (expected !== found) mismatch(context, step, field, at, `${field} ${expected} (recomputed from event ${at})`, `${field} ${found} (in artifact ${claims.jti})`, `artifact ${claims.jti} does not bind the ${field} of the execution`);
  }
  if (facts.attempt > runtime.maxAttempts) {
    mismatch(context, step, 'attempt', action.started?.eventId ?? at, `attempt at most ${runtime.maxAttempts}`, `attempt ${facts.attempt}`, `the action ran more attempts than artifact ${claims.jti} authorizes`);
  }
  // The enforcement point's own step must agree with the auditor's comparison above.
  try {
    checkBindings(claims, facts);
  } catch (error) {
    if (!isWritError(error)) throw error;
    if (step.reportedBindings.size === 0) mismatch(context, step, error.code, at, 'bindings that hold for the execution', `${error.code}: ${error.message}`, 'the enforcement point would refuse this execution');
  }
}

function checkStartInWindow(context: RunContext, action: ActivityRecord, claims: ArtifactClaims): void {
  const started = action.started;
  // Not started: nothing ran (yet), so there is no moment to judge.
  if (started === null || started.time === null) return;
  try {
    checkWindow(claims, { now: started.time, clockSkewSeconds: context.settings.clockSkewSeconds, maxLifetimeSeconds: context.settings.maxLifetimeSeconds });
  } catch (error) {
    if (!isWritError(error)) throw error;
    // An excessive lifetime was already reported with the artifact.
    if (error.code === 'ARTIFACT_LIFETIME_EXCESSIVE') return;
    const skew = context.settings.clockSkewSeconds;
    report(
      context,
      'ARTIFACT_WINDOW_MISSED',
      started.eventId,
      `the action to start inside artifact ${claims.jti}'s window, ${new Date(claims.nbf * 1000).toISOString()} to ${new Date(claims.exp * 1000).toISOString()} (±${skew}s)`,
      `started at ${started.time.toISOString()} (${error.code})`,
      `${action.activityType} started outside its authorization window`,
    );
  }
}

function digestOf(action: string, args: readonly unknown[]): string {
  try {
    return intentDigest(action, args);
  } catch (error) {
    return isWritError(error) ? `(not digestible: ${error.code})` : '(not digestible)';
  }
}

import { decodeJwt, decodeProtectedHeader } from 'jose';
import { canonicalDigest, sha256Digest } from '../../canonical/digest';
import { isWritError } from '../../errors/writError';
import { verifyReceipt } from '../../receipt/verifyReceipt';
import type { ReceiptClaims } from '../../receipt/receiptClaims';
import { executionOutcome } from './checkExecution';
import type { GovernedStep } from './pairGovernedSteps';
import { report, type RunContext } from './runContext';

/**
 * Step: the receipt of every action that ran. A completed action's result envelope, or a
 * failed action's failure details, must carry a receipt signed by a receipt key in the set
 * (while that key was the active signer) that binds this step's artifact, this run, activity and
 * attempt, the outcome, and the digest of the result (or failure) the history records.
 * Returns true when the receipt verified.
 */
export async function checkReceipt(context: RunContext, step: GovernedStep): Promise<boolean> {
  const action = step.action;
  const permit = step.permit;
  if (action === null || permit === null || action.end.status === 'pending') return false;
  const outcome = executionOutcome(action);
  if (outcome.kind !== 'completed' && outcome.kind !== 'failed') return false;
  const at = action.end.at.eventId;
  if (outcome.kind === 'failed' && outcome.failure === null) {
    context.notes.push(`event ${at}: ${action.activityType} ${action.end.status}; a timed-out or canceled action carries no receipt`);
    return false;
  }
  if (typeof outcome.receipt !== 'string') {
    report(context, 'RECEIPT_MISSING', at, `a receipt with the ${outcome.kind === 'completed' ? 'result' : 'failure'} of ${action.activityType}`, outcome.receipt === undefined ? 'none' : 'a receipt that is not a string', `${action.activityType} ${outcome.kind} without a receipt`);
    return false;
  }
  const token = outcome.receipt;
  const claims = await verifiedReceiptClaims(context, token, at);
  if (claims === null) return false;

  const kid = decodeProtectedHeader(token).kid as string;
  const judged = context.keys.judgeIssueTime(kid, claims.iat, context.settings.clockSkewSeconds, context.settings.keyRotationGraceSeconds);
  if (!judged.valid) report(context, 'ARTIFACT_KEY_NOT_VALID_AT_TIME', at, judged.expected, judged.found, `receipt ${claims.jti} was signed by key ${kid} outside the period in which that key signed`);

  const receipt = claims.writ;
  const bindings: [string, unknown, unknown][] = [
    ['artifactDigest', sha256Digest(permit.artifact), receipt.artifactDigest],
    ['artifactId', step.claims?.jti ?? permit.artifactId, receipt.artifactId],
    ['runId', context.run.runId, receipt.runId],
    ['activityId', action.activityId, receipt.activityId],
    ['attempt', action.started?.attempt ?? 1, receipt.attempt],
    ['outcome', outcome.kind, receipt.outcome],
  ];
  let bound = true;
  for (const [field, expected, found] of bindings) {
    if (expected !== found) {
      bound = false;
      report(context, 'RECEIPT_INVALID', at, `${field} ${String(expected)}`, `${field} ${String(found)} (in receipt ${claims.jti})`, `the receipt of ${action.activityType} is not this execution's`);
    }
  }
  const resultDigests = outcome.kind === 'completed' ? [digestOrNull(outcome.result === undefined ? null : outcome.result)] : failureDigests(outcome.failure!);
  if (!resultDigests.includes(receipt.resultDigest)) {
    bound = false;
    report(context, 'RECEIPT_RESULT_MISMATCH', at, `resultDigest ${resultDigests[0]} (recomputed from the ${outcome.kind === 'completed' ? 'result' : 'failure'} at event ${at})`, `resultDigest ${receipt.resultDigest} (in receipt ${claims.jti})`, `the recorded ${outcome.kind === 'completed' ? 'result' : 'failure'} of ${action.activityType} is not the one receipted`);
  }
  const started = action.started?.time;
  const ended = action.end.at.time;
  if (started && ended) {
    const skew = context.settings.clockSkewSeconds;
    if (claims.iat < Math.floor(started.getTime() / 1000) - skew || claims.iat > Math.ceil(ended.getTime() / 1000) + skew) {
      bound = false;
      report(context, 'RECEIPT_INVALID', at, `issued while the action ran (${started.toISOString()} to ${ended.toISOString()})`, `issued at ${new Date(claims.iat * 1000).toISOString()}`, `receipt ${claims.jti} was not issued by this execution`);
    }
  }
  return bound && judged.valid;
}

async function verifiedReceiptClaims(context: RunContext, token: string, at: number): Promise<ReceiptClaims | null> {
  try {
    // The receipt is verified against its own claimed digests first, which proves the
    // signature and the claims; each binding is then compared on its own, so a finding
    // can say which one differs.
    const claimed = decodeJwt(token) as { writ?: { artifactDigest?: string; resultDigest?: string } };
    const claims = await verifyReceipt(token, { artifactDigest: claimed.writ?.artifactDigest ?? '', resultDigest: claimed.writ?.resultDigest ?? '' }, context.keys, context.signatures);
    context.keysUsed.add(decodeProtectedHeader(token).kid as string);
    return claims;
  } catch (error) {
    const found = isWritError(error) ? `${error.code}: ${error.message}` : 'not a compact JWS';
    if (isWritError(error, 'RECEIPT_KEY_PURPOSE_INVALID')) {
      report(context, 'RECEIPT_KEY_PURPOSE_INVALID', at, 'a receipt signed by a receipt key', found, 'the receipt is signed by an authorization key');
      return null;
    }
    report(context, 'RECEIPT_INVALID', at, 'a receipt that verifies with a key in the evidence key set', found, 'the receipt does not verify');
    return null;
  }
}

function digestOrNull(value: unknown): string {
  try {
    return canonicalDigest(value);
  } catch (error) {
    return isWritError(error) ? `(not digestible: ${error.code})` : '(not digestible)';
  }
}

/**
 * The digest the enforcement point receipts a failure with: `{ type, message }`. An
 * action that threw an ApplicationFailure without a type is receipted with `type: null`
 * and recorded with type `Error`, so both spellings are accepted for that one case.
 */
function failureDigests(failure: { readonly code: string | null; readonly message: string }): string[] {
  const digests = [digestOrNull({ type: failure.code, message: failure.message })];
  if (failure.code === 'Error') digests.push(digestOrNull({ type: null, message: failure.message }));
  return digests;
}

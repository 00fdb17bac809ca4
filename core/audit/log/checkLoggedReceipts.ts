import { decodeJwt, decodeProtectedHeader } from 'jose';
import { isWritError } from '../../errors/writError';
import { verifyReceipt } from '../../receipt/verifyReceipt';
import { reportLogged, type LoggedRunContext } from './loggedRunContext';

/**
 * Step: every receipt entry of the run. It must verify with a receipt key of the set
 * (RECEIPT_INVALID, RECEIPT_KEY_PURPOSE_INVALID) that was the active signer when it was
 * issued (ARTIFACT_KEY_NOT_VALID_AT_TIME), and bind an artifact of this run and step that
 * verified and was logged before it (the write-ahead rule), with that artifact's activity id
 * and this run (RECEIPT_INVALID). The result it binds is a digest; with history gone there
 * is no result left to recompute it from.
 */
export async function checkLoggedReceipts(context: LoggedRunContext): Promise<void> {
  for (const logged of context.entries) {
    if (logged.entry.kind !== 'receipt') continue;
    const token = logged.entry.evidence;
    let claims;
    let kid: string;
    try {
      const claimed = decodeJwt(token) as { writ?: { artifactDigest?: string; resultDigest?: string } };
      claims = await verifyReceipt(token, { artifactDigest: claimed.writ?.artifactDigest ?? '', resultDigest: claimed.writ?.resultDigest ?? '' }, context.keys);
      kid = decodeProtectedHeader(token).kid as string;
    } catch (error) {
      const found = isWritError(error) ? `${error.code}: ${error.message}` : 'not a compact JWS';
      const purpose = isWritError(error, 'RECEIPT_KEY_PURPOSE_INVALID');
      reportLogged(context, purpose ? 'RECEIPT_KEY_PURPOSE_INVALID' : 'RECEIPT_INVALID', logged.index, purpose ? 'a receipt signed by a receipt key' : 'a receipt that verifies with a key in the key set', found, 'a logged receipt does not verify');
      continue;
    }
    context.keysUsed.add(kid);
    const judged = context.keys.judgeIssueTime(kid, claims.iat, context.settings.clockSkewSeconds, context.settings.keyRotationGraceSeconds);
    if (!judged.valid) reportLogged(context, 'ARTIFACT_KEY_NOT_VALID_AT_TIME', logged.index, judged.expected, judged.found, `receipt ${claims.jti} was signed by key ${kid} outside the period in which that key signed`);
    const artifact = context.artifacts.find((candidate) => candidate.digest === claims.writ.artifactDigest && candidate.logged.index < logged.index);
    if (artifact === undefined) {
      reportLogged(context, 'RECEIPT_INVALID', logged.index, `a receipt of an artifact of run ${context.runId} that verified and was logged before it`, `receipt ${claims.jti} of artifact ${claims.writ.artifactDigest}`, 'the receipt is for no authorization the log holds: an action ran without its artifact in the log');
      continue;
    }
    const bindings: [string, unknown, unknown][] = [
      ['runId', context.runId, claims.writ.runId],
      ['artifactId', artifact.claims.jti, claims.writ.artifactId],
      ['activityId', artifact.claims.writ.runtime.activityId, claims.writ.activityId],
      ['stepId', artifact.claims.writ.runtime.stepId, logged.entry.stepId],
    ];
    let bound = true;
    for (const [field, expected, found] of bindings) {
      if (expected !== found) {
        bound = false;
        reportLogged(context, 'RECEIPT_INVALID', logged.index, `${field} ${String(expected)}`, `${field} ${String(found)} (receipt ${claims.jti})`, 'the logged receipt is not the receipt of the artifact it names');
      }
    }
    if (claims.writ.attempt > artifact.claims.writ.runtime.maxAttempts) {
      bound = false;
      reportLogged(context, 'RECEIPT_INVALID', logged.index, `at most ${artifact.claims.writ.runtime.maxAttempts} attempt(s), as artifact ${artifact.claims.jti} states`, `attempt ${claims.writ.attempt}`, 'an action ran more often than its artifact allows');
    }
    if (bound) context.receipts.push({ logged, claims });
  }
}

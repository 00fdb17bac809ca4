import { sha256Digest } from '../../canonical/digest';
import { isWritError } from '../../errors/writError';
import { checkSignature } from '../../artifact/verify/checkSignature';
import { checkWindow } from '../../artifact/verify/checkWindow';
import { decodeArtifact } from '../../artifact/verify/decodeArtifact';
import { parseClaims } from '../../artifact/verify/parseClaims';
import { reportLogged, type LoggedRunContext } from './loggedRunContext';

/**
 * Step: every artifact entry of the run, on its own, as the auditor verifies artifacts in
 * history: shape with alg and typ pinned, signature by an authorization key of the set,
 * strict claims, a window within the lifetime cap (ARTIFACT_INVALID,
 * ARTIFACT_KEY_PURPOSE_INVALID); its key the active signer when it was issued
 * (ARTIFACT_KEY_NOT_VALID_AT_TIME); and the envelope's run and step the ones the artifact
 * binds, every artifact of the run naming one workflow, type and namespace
 * (LOG_ENTRY_MISMATCH). Every artifact whose signature verified goes on to the lineage and
 * receipt checks.
 */
export async function checkLoggedArtifacts(context: LoggedRunContext): Promise<void> {
  for (const logged of context.entries) {
    if (logged.entry.kind !== 'artifact') continue;
    const token = logged.entry.evidence;
    let kid: string;
    let claims;
    try {
      const header = decodeArtifact(token);
      kid = header.kid;
      claims = parseClaims(await checkSignature(token, header, context.keys));
      checkWindow(claims, { now: new Date(claims.nbf * 1000), clockSkewSeconds: context.settings.clockSkewSeconds, maxLifetimeSeconds: context.settings.maxLifetimeSeconds });
    } catch (error) {
      if (!isWritError(error)) throw error;
      const purpose = error.code === 'ARTIFACT_KEY_PURPOSE_INVALID';
      reportLogged(context, purpose ? 'ARTIFACT_KEY_PURPOSE_INVALID' : 'ARTIFACT_INVALID', logged.index, purpose ? 'an artifact signed by an authorization key' : 'an artifact that verifies with a key in the key set', `${error.code}: ${error.message}`, 'a logged authorization artifact does not verify');
      continue;
    }
    context.keysUsed.add(kid);
    const judged = context.keys.judgeIssueTime(kid, claims.iat, context.settings.clockSkewSeconds, context.settings.keyRotationGraceSeconds);
    if (!judged.valid) reportLogged(context, 'ARTIFACT_KEY_NOT_VALID_AT_TIME', logged.index, judged.expected, judged.found, `artifact ${claims.jti} was signed by key ${kid} outside the period in which that key signed`);
    const runtime = claims.writ.runtime;
    const bindings: [string, string | null, string][] = [
      ['runId', context.runId, runtime.runId],
      ['stepId', logged.entry.stepId, runtime.stepId],
      ['workflowId', context.workflowId, runtime.workflowId],
      ['workflowType', context.workflowType, runtime.workflowType],
      ['namespace', context.namespace, runtime.namespace],
    ];
    for (const [field, expected, found] of bindings) {
      if (expected !== null && expected !== found) {
        reportLogged(context, 'LOG_ENTRY_MISMATCH', logged.index, `${field} ${expected}`, `${field} ${found} in artifact ${claims.jti}`, 'the logged artifact is not evidence of this run and step');
      }
    }
    context.workflowId ??= runtime.workflowId;
    context.workflowType ??= runtime.workflowType;
    // Kept once its signature verified, as the history checker keeps claims: a binding or
    // period finding is already reported, and the chain and receipts are still judged on it.
    context.artifacts.push({ logged, claims, digest: sha256Digest(token) });
  }
}

import { sha256Digest } from '../../canonical/digest';
import { isWritError } from '../../errors/writError';
import { intentDigest } from '../../artifact/intentDigest';
import type { ArtifactClaims } from '../../artifact/claims';
import { checkSignature } from '../../artifact/verify/checkSignature';
import { checkWindow } from '../../artifact/verify/checkWindow';
import { decodeArtifact } from '../../artifact/verify/decodeArtifact';
import { parseClaims } from '../../artifact/verify/parseClaims';
import type { FindingCode } from '../types';
import type { GovernedStep, RecordedPermit } from './pairGovernedSteps';
import { report, type RunContext } from './runContext';

/**
 * Step: the artifact of every permit, on its own. It must verify exactly as at the
 * enforcement point (shape, pinned alg and typ, signature by a key in the set, strict
 * claims, bounded lifetime); its key must have been the active signer when it was issued;
 * it must cite a policy set in the evidence; it must be issued while its authorize activity
 * ran, for this run, from the request that activity received (the action, its arguments,
 * step, activity id, task queue and lineage); and the summary the workflow
 * acted on must say what the artifact says.
 */
export async function checkAuthorization(context: RunContext, step: GovernedStep): Promise<void> {
  const permit = step.permit;
  if (permit === null || step.authorization.end.status !== 'completed') return;
  const at = step.authorization.end.at.eventId;
  const claims = await verifyAuthenticity(context, permit.artifact, at);
  if (claims === null) return;
  step.claims = claims;
  checkKeyPeriod(context, permit.artifact, claims, at);
  checkPolicySet(context, claims, at);
  checkIssuedDuringAuthorize(context, step, claims);
  checkRunBindings(context, step, claims, at);
  checkRequest(context, step, claims);
  checkSummary(context, permit, claims, at);
}

async function verifyAuthenticity(context: RunContext, token: string, at: number): Promise<ArtifactClaims | null> {
  try {
    const header = decodeArtifact(token);
    const payload = await checkSignature(token, header, context.keys, context.signatures);
    const claims = parseClaims(payload);
    // Judged at its own nbf, the window step checks only what the artifact itself states:
    // iat <= nbf < exp and a lifetime within the maximum. When it was used is judged later,
    // against the moment its action started.
    checkWindow(claims, { now: new Date(claims.nbf * 1000), clockSkewSeconds: context.settings.clockSkewSeconds, maxLifetimeSeconds: context.settings.maxLifetimeSeconds });
    context.keysUsed.add(header.kid);
    return claims;
  } catch (error) {
    if (!isWritError(error)) throw error;
    if (error.code === 'ARTIFACT_KEY_PURPOSE_INVALID') {
      report(context, 'ARTIFACT_KEY_PURPOSE_INVALID', at, 'an artifact signed by an authorization key', `${error.code}: ${error.message}`, 'the authorization artifact is signed by a receipt key');
      return null;
    }
    report(context, 'ARTIFACT_INVALID', at, 'an artifact that verifies with a key in the evidence key set', `${error.code}: ${error.message}`, 'the authorization artifact does not verify');
    return null;
  }
}

function checkKeyPeriod(context: RunContext, token: string, claims: ArtifactClaims, at: number): void {
  const kid = decodeArtifact(token).kid;
  const judged = context.keys.judgeIssueTime(kid, claims.iat, context.settings.clockSkewSeconds, context.settings.keyRotationGraceSeconds);
  if (!judged.valid) report(context, 'ARTIFACT_KEY_NOT_VALID_AT_TIME', at, judged.expected, judged.found, `artifact ${claims.jti} was signed by key ${kid} outside the period in which that key signed`);
}

function checkPolicySet(context: RunContext, claims: ArtifactClaims, at: number): void {
  const cited = claims.writ.policy;
  const set = context.policySets.get(cited.digest);
  if (set === undefined) {
    report(context, 'POLICY_SET_UNKNOWN', at, `a policy set in the evidence (${[...context.policySets.values()].map((s) => `${s.id}@${s.version}`).join(', ') || 'none'})`, `${cited.setId}@${cited.version} with digest ${cited.digest}`, 'the artifact was decided under a policy set the evidence does not hold');
  } else if (set.id !== cited.setId || set.version !== cited.version) {
    report(context, 'POLICY_SET_UNKNOWN', at, `${set.id}@${set.version} for digest ${cited.digest}`, `${cited.setId}@${cited.version}`, 'the artifact names its policy set inconsistently');
  }
}

function checkIssuedDuringAuthorize(context: RunContext, step: GovernedStep, claims: ArtifactClaims): void {
  const end = step.authorization.end;
  const started = step.authorization.started?.time;
  if (end.status === 'pending' || !started || !end.at.time) return;
  const ended = end.at.time;
  const skew = context.settings.clockSkewSeconds;
  const from = Math.floor(started.getTime() / 1000) - skew;
  const until = Math.ceil(ended.getTime() / 1000) + skew;
  if (claims.iat < from || claims.iat > until) {
    mismatch(context, step, 'iat', end.at.eventId, `issued while the authorize activity ran (${started.toISOString()} to ${ended.toISOString()})`, `issued at ${new Date(claims.iat * 1000).toISOString()}`, 'the artifact was not minted by this authorization');
  }
}

function checkRunBindings(context: RunContext, step: GovernedStep, claims: ArtifactClaims, at: number): void {
  const runtime = claims.writ.runtime;
  const run = context.run;
  const pairs: [string, string, string][] = [
    ['namespace', context.namespace, runtime.namespace],
    ['workflowId', run.workflowId, runtime.workflowId],
    ['runId', run.runId, runtime.runId],
    ['workflowType', run.workflowType, runtime.workflowType],
  ];
  for (const [field, expected, found] of pairs) {
    if (expected !== found) mismatch(context, step, field, at, `${field} ${expected}`, `${field} ${found}`, `artifact ${claims.jti} was issued for another ${field}`);
  }
  const identity = context.record.start?.identityToken;
  if (identity?.ok === true && typeof identity.value === 'string') {
    const expected = sha256Digest(identity.value);
    if (claims.writ.principal.tokenDigest !== expected) {
      mismatch(context, step, 'principal.tokenDigest', at, `principal.tokenDigest ${expected} (the run's identity token, event ${context.record.start?.at.eventId})`, `principal.tokenDigest ${claims.writ.principal.tokenDigest}`, `artifact ${claims.jti} names an identity other than the run's`);
    }
  }
}

function checkRequest(context: RunContext, step: GovernedStep, claims: ArtifactClaims): void {
  const request = step.request;
  if (request === null) return;
  const at = step.authorization.scheduled.eventId;
  const { intent, runtime, lineage, principal } = claims.writ;
  const pairs: [string, string, string][] = [
    ['intent.action', request.action, intent.action],
    ['intent.argsDigest', safeIntentDigest(request.action, request.args), intent.argsDigest],
    ['runtime.stepId', request.stepId, runtime.stepId],
    ['runtime.activityId', request.activityId, runtime.activityId],
    ['lineage', linkText(request.lineage), linkText(lineage)],
  ];
  // Carried by requests recorded before the run's identity was registered in the store.
  if (request.identityToken !== undefined) pairs.push(['principal.tokenDigest', sha256Digest(request.identityToken), principal.tokenDigest]);
  // Named by requests since authorization may run on another task queue than the action's.
  if (request.taskQueue !== undefined) pairs.push(['runtime.taskQueue', request.taskQueue, runtime.taskQueue]);
  for (const [field, expected, found] of pairs) {
    if (expected !== found) mismatch(context, step, `request.${field}`, at, `${field} ${expected} (from the authorization request)`, `${field} ${found}`, `artifact ${claims.jti} does not answer the request recorded at event ${at}`);
  }
}

function checkSummary(context: RunContext, permit: RecordedPermit, claims: ArtifactClaims, at: number): void {
  const approval = (claims.writ as { approval?: { approvers?: readonly { approver: string }[] } }).approval;
  const pairs: [string, unknown, unknown][] = [
    ['artifactDigest', sha256Digest(permit.artifact), permit.artifactDigest],
    ['artifactId', claims.jti, permit.artifactId],
    ['principal', claims.sub, permit.principal],
    ['policySetId', claims.writ.policy.setId, permit.policySetId],
    ['policyVersion', claims.writ.policy.version, permit.policyVersion],
    ['determiningPolicies', claims.writ.policy.determiningPolicies, permit.determiningPolicies],
    ['maxAttempts', claims.writ.runtime.maxAttempts, permit.maxAttempts],
    ['expiresAt', new Date(claims.exp * 1000).toISOString(), permit.expiresAt],
  ];
  if (permit.approvers !== undefined) pairs.push(['approvers', (approval?.approvers ?? []).map((a) => a.approver), permit.approvers]);
  for (const [field, expected, found] of pairs) {
    const e = JSON.stringify(expected);
    const f = JSON.stringify(found);
    if (e !== f) report(context, 'AUTHORIZATION_RESULT_MISMATCH', at, `${field} ${e} (from the artifact)`, `${field} ${f}`, `the authorization result disagrees with its artifact ${claims.jti}`);
  }
}

/** Reports a binding mismatch once per field and step, whichever check sees it first. */
export function mismatch(context: RunContext, step: GovernedStep, field: string, at: number, expected: string, found: string, message: string, code: FindingCode = 'ARTIFACT_BINDING_MISMATCH'): void {
  if (step.reportedBindings.has(field)) return;
  step.reportedBindings.add(field);
  report(context, code, at, expected, found, message);
}

function linkText(link: { sequence: number; previous: string | null; parent: string | null }): string {
  return `sequence ${link.sequence}, previous ${link.previous ?? 'none'}, parent ${link.parent ?? 'none'}`;
}

function safeIntentDigest(action: string, args: readonly unknown[]): string {
  try {
    return intentDigest(action, args);
  } catch (error) {
    return isWritError(error) ? `(not digestible: ${error.code})` : '(not digestible)';
  }
}

import { Context } from '@temporalio/activity';
import { intentDigest } from '../core/artifact/intentDigest';
import { isWritError, type WritError } from '../core/errors/writError';
import type { DenialClaims } from '../core/log/entries/denialClaims';
import { mintDenialRecord } from '../core/log/entries/mintDenialRecord';
import type { RunIdentity } from '../core/governance/runRegistry';
import type { AuthorizeRequest } from '../core/protocol/authorizeContract';
import { appendEvidence } from './appendEvidence';
import type { GovernanceDeps } from './governanceDeps';
import type { AuthorizingRun } from './mintAuthorization';

/** Refusals no denial record is made for: the log or the key it would need is what failed. */
export const UNRECORDABLE_DENIALS: ReadonlySet<string> = new Set<string>(['EVIDENCE_LOG_UNAVAILABLE', 'SIGNER_UNAVAILABLE']);

/** What writ.authorize knew when it refused: the run always, the identity once read. */
export interface RefusedAuthorization {
  readonly run: AuthorizingRun;
  readonly request: AuthorizeRequest;
  readonly identity: RunIdentity | undefined;
}

/**
 * Logs the signed denial record of a step writ.authorize refused with `error`, signed
 * with the authorization key: who asked (null before the run's identity was read), the
 * action and its argument digest, the policy (from the refusal's facts, when a policy
 * decided) and the code. The refusal stands whatever happens here: a record that cannot
 * be signed or logged is a warning in the worker's log, and the step fails with its own
 * code as it would have (its failure is in history either way). Nothing is recorded for
 * an error that is not a Writ refusal, nor for a request with no step or action to name.
 */
export async function logAuthorizeDenial(deps: GovernanceDeps, refused: RefusedAuthorization, error: unknown): Promise<void> {
  if (!deps.evidenceLog.enabled || !isWritError(error) || UNRECORDABLE_DENIALS.has(error.code)) return;
  const { run, request, identity } = refused;
  if (!isName(request.stepId) || !isName(request.action)) return;
  try {
    const record = await mintDenialRecord(
      {
        stage: 'authorize',
        code: error.code,
        principal: identity === undefined ? null : { id: identity.principal, issuer: identity.issuer, tokenDigest: identity.tokenDigest },
        runtime: { namespace: run.namespace, taskQueue: run.taskQueue, workflowId: run.workflowId, runId: run.runId, stepId: request.stepId, activityId: isName(request.activityId) ? request.activityId : null },
        intent: { action: request.action, argsDigest: argsDigestOf(request) },
        policy: policyOf(error),
      },
      await deps.signer(),
      deps.clock(),
    );
    await appendEvidence(deps, { v: 1, kind: 'denial', runId: run.runId, stepId: request.stepId, evidence: record });
  } catch (failure) {
    Context.current().log.warn('the denial record of a refused step was not logged', { code: error.code, runId: run.runId, stepId: request.stepId, error: String(failure) });
  }
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 256;
}

/** The argument digest, or null when the arguments have no canonical form. */
function argsDigestOf(request: AuthorizeRequest): string | null {
  try {
    return intentDigest(request.action, request.args);
  } catch {
    return null;
  }
}

/** The policy a refusal names in its facts (policy denials and evaluation errors do), else null. */
function policyOf(error: WritError): DenialClaims['writ']['policy'] {
  const { policySetId, policyVersion, policyDigest, determiningPolicies } = error.facts as Record<string, unknown>;
  if (typeof policySetId !== 'string' || typeof policyVersion !== 'string' || typeof policyDigest !== 'string') return null;
  const ids = Array.isArray(determiningPolicies) ? determiningPolicies.filter((id): id is string => typeof id === 'string') : [];
  return { setId: policySetId, version: policyVersion, digest: policyDigest, determiningPolicies: ids };
}

import { z } from 'zod';
import { AUTHORIZE_ACTIVITY, HAND_OFF_ACTIVITY, VERIFY_IDENTITY_ACTIVITY } from '../../protocol/authorizeContract';
import { RECORD_APPROVAL_TIMEOUT_ACTIVITY } from '../../protocol/approvalTimeoutContract';
import { APPLY_KILL_SWITCH_ACTIVITY, APPLY_REVOCATION_ACTIVITY, VERIFY_APPROVAL_ACTIVITY } from '../../protocol/operatorContract';
import type { ArtifactClaims } from '../../artifact/claims';
import type { ActivityRecord } from '../history/runRecord';
import type { Decoded } from '../history/decodePayload';
import { report, type RunContext } from './runContext';

// What the checker needs of writ.authorize's input and result. Not strict: the contract may
// grow (approvals add members), and every member read here is checked against the signed
// artifact anyway.
const AuthorizeRequestSchema = z.object({
  action: z.string(),
  args: z.array(z.unknown()),
  stepId: z.string(),
  activityId: z.string(),
  // Absent from requests recorded before authorization could run on a task queue of its own.
  taskQueue: z.string().optional(),
  identityToken: z.string().optional(),
  lineage: z.object({ sequence: z.number(), previous: z.string().nullable(), parent: z.string().nullable() }),
});

const PermitSchema = z.object({
  decision: z.literal('permit'),
  artifact: z.string(),
  artifactDigest: z.string(),
  artifactId: z.string(),
  principal: z.string(),
  policySetId: z.string(),
  policyVersion: z.string(),
  determiningPolicies: z.array(z.string()),
  expiresAt: z.string(),
  maxAttempts: z.number(),
  approvers: z.array(z.string()).optional(),
});

/**
 * Writ's own activities, which need no authorization. Only these: any other activity type,
 * even one named `writ.something`, is a governed action as far as the auditor is concerned.
 */
const WRIT_ACTIVITIES: ReadonlySet<string> = new Set([VERIFY_IDENTITY_ACTIVITY, HAND_OFF_ACTIVITY, VERIFY_APPROVAL_ACTIVITY, APPLY_REVOCATION_ACTIVITY, APPLY_KILL_SWITCH_ACTIVITY, RECORD_APPROVAL_TIMEOUT_ACTIVITY]);

/** The input of a `writ.authorize` as recorded. */
export type RecordedAuthorizeRequest = z.infer<typeof AuthorizeRequestSchema>;
/** A permit as recorded: the artifact and the summary the workflow acted on. */
export type RecordedPermit = z.infer<typeof PermitSchema>;

/** One authorization and the action paired with it, filled in as the checks run. */
export interface GovernedStep {
  readonly authorization: ActivityRecord;
  readonly request: RecordedAuthorizeRequest | null;
  /** The permit, when the authorization completed with one. */
  readonly permit: RecordedPermit | null;
  /** A completed authorization that is not a permit yet (it asks for approval). */
  readonly awaitingApproval: boolean;
  action: ActivityRecord | null;
  /** The claims, once the artifact's signature and shape verified. */
  claims: ArtifactClaims | null;
  /** Fields already reported as binding mismatches, so a later check does not repeat them. */
  readonly reportedBindings: Set<string>;
}

/**
 * Step: pair every action with the authorization that must precede it. Every activity that
 * is neither one of Writ's own nor declared exempt is a governed action and needs a
 * completed `writ.authorize` for its activity id before it was scheduled; an authorization
 * is single use, so a second action under the same one is unauthorized too.
 */
export function pairGovernedSteps(context: RunContext): GovernedStep[] {
  const steps: GovernedStep[] = [];
  for (const activity of context.record.activities) {
    if (activity.activityType === AUTHORIZE_ACTIVITY) {
      steps.push(readAuthorization(context, activity));
      continue;
    }
    if (WRIT_ACTIVITIES.has(activity.activityType)) continue;
    if (context.exemptActivities.has(activity.activityType)) {
      context.notes.push(`event ${activity.scheduled.eventId}: ${activity.activityType} is exempt by configuration and was not checked`);
      continue;
    }
    pairAction(context, steps, activity);
  }
  return steps;
}

function readAuthorization(context: RunContext, activity: ActivityRecord): GovernedStep {
  const input = activity.local ? echoedRequest(activity) : activity.args[0];
  const request = input?.ok === true ? AuthorizeRequestSchema.safeParse(input.value) : undefined;
  // A local authorization that failed without an answer (a timeout) echoed nothing; no action may follow it anyway.
  const unanswered = activity.local && input === undefined && activity.end.status !== 'completed';
  if ((request === undefined || !request.success) && !unanswered) {
    const what = activity.local ? 'a local writ.authorize that echoes its request (action, args, stepId, activityId, lineage)' : 'a writ.authorize input (action, args, stepId, activityId, lineage)';
    report(context, 'HISTORY_MALFORMED', activity.scheduled.eventId, what, input?.ok === false ? input.reason : 'another shape', 'the authorization request cannot be read');
  }
  let permit: RecordedPermit | null = null;
  let awaitingApproval = false;
  if (activity.end.status === 'completed') {
    const result = activity.end.result;
    const parsed = result.ok ? PermitSchema.safeParse(result.value) : undefined;
    if (parsed?.success) permit = parsed.data;
    else if (result.ok && (result.value as { decision?: unknown } | null)?.decision === 'approval-required') awaitingApproval = true;
    else {
      report(context, 'AUTHORIZATION_RESULT_MISMATCH', activity.end.at.eventId, 'a permit with its artifact, or an approval request', result.ok ? 'another shape' : result.reason, 'the authorization result cannot be read');
    }
  }
  return {
    authorization: activity,
    request: request?.success ? request.data : null,
    permit,
    awaitingApproval,
    action: null,
    claims: null,
    reportedBindings: new Set(),
  };
}

/**
 * The request a local authorization answered: its marker records no input, so the
 * authorize activity echoes the request, as `authorized` in its result or in the last
 * detail of its failure. Undefined when there is none to read.
 */
function echoedRequest(activity: ActivityRecord): Decoded | undefined {
  const end = activity.end;
  let carrier: Decoded | undefined;
  if (end.status === 'completed') carrier = end.result;
  else if (end.status === 'failed') carrier = end.details[end.details.length - 1];
  if (carrier === undefined) return undefined;
  if (!carrier.ok) return carrier;
  const echoed = (carrier.value as { authorized?: unknown } | null | undefined)?.authorized;
  return echoed === undefined ? undefined : { ok: true, value: echoed };
}

function pairAction(context: RunContext, steps: GovernedStep[], action: ActivityRecord): void {
  const at = action.scheduled.eventId;
  const candidates = steps.filter((step) => step.request?.activityId === action.activityId);
  const step = candidates[candidates.length - 1];
  if (step === undefined) {
    report(context, 'ACTION_WITHOUT_AUTHORIZATION', at, `a completed writ.authorize for ${action.activityType} (activity id ${action.activityId}) before event ${at}`, 'no authorization for this activity id', `${action.activityType} was scheduled without any authorization`);
    return;
  }
  if (step.action !== null) {
    report(context, 'ACTION_WITHOUT_AUTHORIZATION', at, `a fresh authorization for ${action.activityType} (activity id ${action.activityId})`, `the authorization at event ${step.authorization.scheduled.eventId}, already used by event ${step.action.scheduled.eventId}`, 'an authorization is single use');
    return;
  }
  step.action = action;
  const end = step.authorization.end;
  const where = `the authorization at event ${step.authorization.scheduled.eventId}`;
  if (end.status === 'pending') {
    report(context, 'AUTHORIZATION_NOT_COMPLETED', at, `${where} to complete before event ${at}`, 'it never completed', `${action.activityType} was scheduled before its authorization completed`);
  } else if (end.at.eventId > at) {
    report(context, 'AUTHORIZATION_NOT_COMPLETED', at, `${where} to complete before event ${at}`, `it ended (${end.status}) at event ${end.at.eventId}, after the action was scheduled`, `${action.activityType} was scheduled before its authorization completed`);
  } else if (end.status !== 'completed') {
    report(context, 'AUTHORIZATION_NOT_COMPLETED', at, `${where} to complete with a permit`, `it ended ${end.status}${end.status === 'failed' && end.code ? ` (${end.code})` : ''} at event ${end.at.eventId}`, `${action.activityType} was scheduled although its authorization did not permit it`);
  } else if (step.permit === null) {
    report(context, 'AUTHORIZATION_NOT_COMPLETED', at, `${where} to complete with a permit`, step.awaitingApproval ? 'it asked for approval' : 'a result that is not a permit', `${action.activityType} was scheduled without a permit`);
  }
}

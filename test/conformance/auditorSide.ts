import { defaultPayloadConverter } from '@temporalio/common';
import { checkAuthorization } from '../../core/audit/checks/checkAuthorization';
import { checkExecution } from '../../core/audit/checks/checkExecution';
import type { GovernedStep, RecordedPermit } from '../../core/audit/checks/pairGovernedSteps';
import type { RunContext } from '../../core/audit/checks/runContext';
import type { PolicySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import { decodePayload } from '../../core/audit/history/decodePayload';
import type { ActivityRecord, RunRecord } from '../../core/audit/history/runRecord';
import { AuditKeySet } from '../../core/audit/keys/auditKeySet';
import type { Finding } from '../../core/audit/types';
import { sha256Digest } from '../../core/canonical/digest';
import { AUTHORIZE_ACTIVITY } from '../../core/protocol/authorizeContract';
import { ARTIFACT_HEADER } from '../../core/protocol/headers';
import { keyRecordsOf, type ConformanceCase } from './conformanceCase';

/** What the auditor made of a case: no finding, findings, or a crash. */
export type AuditorOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly findings: readonly Finding[] }
  | { readonly crashed: unknown };

// Without signing periods in the case, every key is placed as the active signer since the
// epoch: the case then says nothing about when keys signed, and neither side judges it.
const EPOCH = '1970-01-01T00:00:00.000Z';

/**
 * Runs a case through the auditor's per-artifact checks, `checkAuthorization` (the artifact
 * on its own: shape, signature, claims, lifetime, key period, policy set) and
 * `checkExecution` (the artifact against the execution: bindings recomputed from the
 * recorded input and activity, and the window at the moment the action started).
 *
 * The auditor has no entry point that takes one artifact with facts, keys and a clock, so
 * this adapter builds the minimal history record those two checks read: a completed
 * `writ.authorize` whose result carries the case's token, followed by the action, scheduled
 * with that token in its header and the case's args as payloads, started at the case's
 * `now` with the case's attempt, and completed (it ran, so it must have been entitled to).
 *
 * Auditor-only comparisons that an enforcement vector has no facts for are made neutral,
 * never skipped by editing the checks:
 * - the authorize activity is placed from `now - maxLifetimeSeconds` to `now`, which holds
 *   every `iat` the enforcement point would accept at `now`;
 * - the run's workflow type, and the policy set's id and version, are the ones the artifact
 *   names (the enforcement point binds neither; they are read only after the signature
 *   verified);
 * - the evidence policy set is the case's active policy digest (absent: the one the
 *   artifact cites), so a stale policy is a set the evidence does not hold;
 * - there is no identity token and no readable authorize request in the record.
 * Signing periods, when the case has them, are the auditor's key evidence as
 * `AuditKeySet.fromKeyRecords` builds it, with the case's rotation grace.
 */
export async function auditCase(conformanceCase: ConformanceCase): Promise<AuditorOutcome> {
  try {
    const cited = unverifiedClaims(conformanceCase.token);
    const context = runContext(conformanceCase, cited);
    const step = governedStep(conformanceCase, cited);
    await checkAuthorization(context, step);
    checkExecution(context, step);
    return context.findings.length === 0 ? { ok: true } : { ok: false, findings: [...context.findings] };
  } catch (error) {
    return { crashed: error };
  }
}

/** What the artifact says about itself, read without any check: only to fill in neutral evidence. */
interface CitedClaims {
  readonly jti: string;
  readonly sub: string;
  readonly exp: number;
  readonly workflowType: string;
  readonly policy: { readonly setId: string; readonly version: string; readonly digest: string; readonly determiningPolicies: readonly string[] };
  readonly maxAttempts: number;
}

function unverifiedClaims(token: string): CitedClaims {
  let claims: Record<string, unknown> = {};
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    if (typeof payload === 'object' && payload !== null) claims = payload as Record<string, unknown>;
  } catch {
    // Unreadable: the auditor refuses the artifact before any of this is used.
  }
  const writ = (claims['writ'] ?? {}) as { runtime?: { workflowType?: unknown; maxAttempts?: unknown }; policy?: Record<string, unknown> };
  const policy = writ.policy ?? {};
  return {
    jti: String(claims['jti'] ?? ''),
    sub: String(claims['sub'] ?? ''),
    exp: typeof claims['exp'] === 'number' ? claims['exp'] : 0,
    workflowType: String(writ.runtime?.workflowType ?? ''),
    policy: {
      setId: String(policy['setId'] ?? 'unknown'),
      version: String(policy['version'] ?? 'unknown'),
      digest: String(policy['digest'] ?? ''),
      determiningPolicies: Array.isArray(policy['determiningPolicies']) ? policy['determiningPolicies'].map(String) : [],
    },
    maxAttempts: typeof writ.runtime?.maxAttempts === 'number' ? writ.runtime.maxAttempts : 1,
  };
}

function runContext(conformanceCase: ConformanceCase, cited: CitedClaims): RunContext {
  const records = keyRecordsOf(conformanceCase);
  const keys =
    records === null
      ? AuditKeySet.fromEvidence({
          keys: conformanceCase.keys.keys.map((jwk) => ({ ...jwk, writ: { createdAt: EPOCH, status: 'active', activeFrom: EPOCH, activeUntil: null } })),
        })
      : AuditKeySet.fromKeyRecords(records);
  const digest = conformanceCase.activePolicyDigest ?? cited.policy.digest;
  const policySet: PolicySetEvidence = {
    id: cited.policy.setId,
    version: cited.policy.version,
    digest,
    schemaText: '',
    policies: [{ id: 'conformance', file: 'conformance.cedar', text: '' }],
  };
  const record: RunRecord = { start: null, activities: [], children: [], operatorEvents: [], end: null, eventCount: 0, reset: false, malformed: [] };
  return {
    run: { workflowId: conformanceCase.facts.workflowId, runId: conformanceCase.facts.runId, workflowType: cited.workflowType, history: { events: [] } },
    namespace: conformanceCase.facts.namespace,
    record,
    keys,
    policySets: new Map([[digest, policySet]]),
    settings: {
      clockSkewSeconds: conformanceCase.clockSkewSeconds,
      maxLifetimeSeconds: conformanceCase.maxLifetimeSeconds,
      keyRotationGraceSeconds: conformanceCase.signingPeriods?.keyRotationGraceSeconds ?? 0,
      statementMaxAgeSeconds: 300,
    },
    exemptActivities: new Set(),
    findings: [],
    notes: [],
    keysUsed: new Set(),
  };
}

function governedStep(conformanceCase: ConformanceCase, cited: CitedClaims): GovernedStep {
  const { facts, token } = conformanceCase;
  const now = new Date(conformanceCase.now);
  const authorizeFrom = new Date(now.getTime() - conformanceCase.maxLifetimeSeconds * 1000);
  const permit: RecordedPermit = {
    decision: 'permit',
    artifact: token,
    artifactDigest: sha256Digest(token),
    artifactId: cited.jti,
    principal: cited.sub,
    policySetId: cited.policy.setId,
    policyVersion: cited.policy.version,
    determiningPolicies: [...cited.policy.determiningPolicies],
    expiresAt: isoOrPlaceholder(cited.exp),
    maxAttempts: cited.maxAttempts,
  };
  const authorization: ActivityRecord = {
    scheduled: { eventId: 5, time: authorizeFrom },
    local: false,
    activityId: `${facts.activityId}.authorize`,
    activityType: AUTHORIZE_ACTIVITY,
    taskQueue: facts.taskQueue,
    args: [],
    headers: {},
    started: { eventId: 6, time: authorizeFrom, attempt: 1 },
    end: { status: 'completed', at: { eventId: 7, time: now }, result: { ok: true, value: permit } },
  };
  const action: ActivityRecord = {
    scheduled: { eventId: 11, time: now },
    local: false,
    activityId: facts.activityId,
    activityType: facts.activityType,
    taskQueue: facts.taskQueue,
    args: facts.args.map((arg) => decodePayload(defaultPayloadConverter.toPayload(arg))),
    headers: { [ARTIFACT_HEADER]: defaultPayloadConverter.toPayload(token) },
    started: { eventId: 12, time: now, attempt: facts.attempt },
    end: { status: 'completed', at: { eventId: 13, time: now }, result: { ok: true, value: { result: null, writReceipt: 'not judged here' } } },
  };
  return { authorization, request: null, permit, awaitingApproval: false, action, claims: null, reportedBindings: new Set() };
}

// The summary's expiry is compared with the artifact's only after the artifact verified;
// an exp no Date can hold must not crash the adapter before the auditor has looked at it.
function isoOrPlaceholder(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? 'not a date' : date.toISOString();
}

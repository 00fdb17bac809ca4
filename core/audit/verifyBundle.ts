import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { Client } from '@temporalio/client';
import { AuditError } from './auditError';
import type { AuditRun } from './checks/runContext';
import type { EvidenceBundle } from './evidence/evidenceBundle';
import type { IdentityEvidence } from './evidence/identityEvidence';
import type { PasskeyEvidence } from './evidence/passkeyEvidence';
import type { PolicySetEvidence } from './evidence/policySetEvidence';
import { AuditKeySet } from './keys/auditKeySet';
import { fetchRuns, type RunSelection } from './live/fetchRuns';
import { auditCheckpointVerifier, type AuditLogTrust } from './log/auditLogTrust';
import { checkBundleLogProofs, type BundleLogCheck } from './log/checkBundleLogProofs';
import type { AuditVerdict } from './types';
import { verifyHistories } from './verifyHistories';
import type { VerifyOptions } from './verifyOptions';

/** Options of `verifyBundle`: anything the bundle provides may be replaced by the auditor's own. */
export interface VerifyBundleOptions extends Omit<VerifyOptions, 'keys' | 'policySets' | 'namespace' | 'exemptActivities' | 'identity' | 'passkeys'> {
  /** The keys the auditor trusts, instead of the bundle's own key set. */
  readonly keys?: AuditKeySet;
  /** The policy sets the auditor accepts, instead of the bundle's. */
  readonly policySets?: readonly PolicySetEvidence[];
  /** Exempt activities, instead of the bundle's. */
  readonly exemptActivities?: readonly string[];
  /** The identity provider the auditor trusts, instead of the bundle's. */
  readonly identity?: IdentityEvidence;
  /** The operators' passkey evidence the auditor trusts, instead of the bundle's. */
  readonly passkeys?: PasskeyEvidence;
  /**
   * The evidence log as the auditor trusts it (its log key, witnesses and quorum): given, the
   * bundle's log proofs are checked and every artifact, approval and receipt in its histories
   * must be proven in the log (`checkBundleLogProofs`).
   */
  readonly log?: AuditLogTrust;
}

/**
 * Verifies an evidence bundle with no server: its histories, against its key set, policy
 * sets and identity provider keys unless the auditor gives their own (a bundle can only vouch for itself as far
 * as its keys are the ones the auditor trusts; the verdict lists the kids it relied on).
 */
export async function verifyBundle(bundle: EvidenceBundle, options: VerifyBundleOptions): Promise<AuditVerdict> {
  const runs: AuditRun[] = bundle.runs.map((run, index) => {
    try {
      return { workflowId: run.workflowId, runId: run.runId, workflowType: run.workflowType, history: historyFromJSON(run.history) };
    } catch (cause) {
      throw new AuditError('EVIDENCE_INVALID', `run ${index} (${run.workflowId}) does not hold Temporal history JSON: ${(cause as Error).message}`, { cause });
    }
  });
  const exempt = options.exemptActivities ?? bundle.exemptActivities;
  const identity = options.identity ?? bundle.identity;
  const passkeys = options.passkeys ?? bundle.passkeys;
  const { log, ...verify } = options;
  const logFindings = log === undefined ? null : checkBundleLogProofs(runs, bundle.log, auditCheckpointVerifier(log));
  const verdict = await verifyHistories(runs, {
    ...verify,
    keys: options.keys ?? AuditKeySet.fromEvidence(bundle.keys),
    policySets: options.policySets ?? bundle.policySets,
    namespace: bundle.namespace,
    ...(exempt === undefined ? {} : { exemptActivities: exempt }),
    ...(identity === undefined ? {} : { identity }),
    ...(passkeys === undefined ? {} : { passkeys }),
  });
  return logFindings === null ? verdict : withLogCheck(verdict, logFindings);
}

/**
 * The verdict with the log check's findings on its runs, in event order, each permitted
 * step marked with its artifact's log index (null: not in the log), and totals recounted.
 */
function withLogCheck(verdict: AuditVerdict, check: BundleLogCheck): AuditVerdict {
  const runs = verdict.runs.map((run) => {
    const added = check.findings.get(run.runId) ?? [];
    const steps = run.steps.map((step) => (step.artifactDigest === null ? step : { ...step, logIndex: check.artifacts.get(step.artifactDigest) ?? null }));
    const findings = [...run.findings, ...added].sort((a, b) => (a.eventId ?? Number.MAX_SAFE_INTEGER) - (b.eventId ?? Number.MAX_SAFE_INTEGER));
    return { ...run, steps, findings };
  });
  const findings = runs.reduce((total, run) => total + run.findings.length, 0);
  return { ...verdict, runs, findings, passed: findings === 0 };
}

/** Options of `verifyLive`: the server, the runs, and what `verifyHistories` needs. */
export interface VerifyLiveOptions extends VerifyOptions {
  /** A client of the namespace the runs ran in. */
  readonly client: Client;
  /** Which runs to fetch and verify. */
  readonly selection: RunSelection;
}

/** Verifies runs fetched from a live server by workflow id or visibility query. */
export async function verifyLive(options: VerifyLiveOptions): Promise<AuditVerdict> {
  const { client, selection, ...verify } = options;
  return verifyHistories(await fetchRuns(client, selection), verify);
}

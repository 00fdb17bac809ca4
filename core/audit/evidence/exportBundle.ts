import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { writeFileAtomicSync } from '../../keys/writeFileAtomic';
import { AuditError } from '../auditError';
import type { AuditRun } from '../checks/runContext';
import { fetchRuns, type RunSelection } from '../live/fetchRuns';
import type { AuditKeySet } from '../keys/auditKeySet';
import { auditLogReader, type AuditLogSource } from '../log/auditLogTrust';
import { EVIDENCE_FORMAT, type EvidenceBundle } from './evidenceBundle';
import { withLogProofs } from './logProofs';
import { parseBundle } from './readBundle';
import type { IdentityEvidence } from './identityEvidence';
import type { PasskeyEvidence } from './passkeyEvidence';
import type { PolicySetEvidence } from './policySetEvidence';

/** What goes into a bundle besides the runs. */
export interface BundleContents {
  /** The namespace the runs ran in; artifacts bind it, so the auditor checks it. */
  readonly namespace: string;
  /** The public keys with their signing periods (a key store's records, or evidence). */
  readonly keys: AuditKeySet;
  /** The policy sets the artifacts may cite: the current set and any earlier ones kept. */
  readonly policySets: readonly PolicySetEvidence[];
  /** Ungoverned activities the configuration allows, so the auditor does not count them as unauthorized. */
  readonly exemptActivities?: readonly string[];
  /** The identity provider's issuer and public keys, so operator statements verify offline. */
  readonly identity?: IdentityEvidence;
  /** Operators' passkeys (trust, sign-in provider, bindings with their evidence), so statements made with them verify offline. */
  readonly passkeys?: PasskeyEvidence;
  /** The export time; tests inject it. */
  readonly now?: () => Date;
  /** The evidence log, as the exporter trusts it: given, the bundle carries the inclusion proof of every entry of its runs (`withLogProofs`). */
  readonly log?: AuditLogSource;
}

/**
 * Builds an evidence bundle from runs already fetched: each history as Temporal's standard
 * history JSON, with the key set, policy sets and identity provider keys. The result is validated like a bundle
 * read from disk, so Writ never writes evidence it would itself refuse.
 */
export function buildBundle(runs: readonly AuditRun[], contents: BundleContents): EvidenceBundle {
  if (runs.length === 0) throw new AuditError('AUDIT_SOURCE_UNAVAILABLE', 'there is no run to export');
  return parseBundle({
    format: EVIDENCE_FORMAT,
    version: 1,
    exportedAt: (contents.now ?? (() => new Date()))().toISOString(),
    namespace: contents.namespace,
    keys: contents.keys.toEvidence(),
    policySets: contents.policySets,
    ...(contents.identity === undefined ? {} : { identity: contents.identity }),
    ...(contents.passkeys === undefined ? {} : { passkeys: contents.passkeys }),
    ...(contents.exemptActivities === undefined || contents.exemptActivities.length === 0 ? {} : { exemptActivities: [...contents.exemptActivities] }),
    runs: runs.map((run) => ({
      workflowId: run.workflowId,
      runId: run.runId,
      workflowType: run.workflowType,
      history: JSON.parse(historyToJSON(run.history)) as unknown,
    })),
  });
}

/**
 * Exports evidence from a live server: fetches the selected runs (and, by default, their
 * parents, children and continued runs) and bundles them with the key set and policy sets.
 * Temporal deletes histories after the namespace's retention period; a bundle outlives it.
 */
export async function exportBundle(client: Client, selection: RunSelection, contents: BundleContents): Promise<EvidenceBundle> {
  const bundle = buildBundle(await fetchRuns(client, selection), contents);
  return contents.log === undefined ? bundle : withLogProofs(bundle, auditLogReader(contents.log));
}

/** Writes a bundle to a file atomically (readers never see half a bundle). */
export function writeBundle(file: string, bundle: EvidenceBundle): void {
  writeFileAtomicSync(file, `${JSON.stringify(bundle, null, 2)}\n`, 0o644);
}

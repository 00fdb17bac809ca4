import { resolve } from 'node:path';
import { readBundle, type AuditVerdict, type EvidenceBundle } from '../../../../core/audit';
import type { IdentityEvidence } from '../../../../core/audit/evidence/identityEvidence';
import type { JsonEvent, JsonHistory, JsonPayload } from '../../../fixtures/audit/generate/tamper';
import { attributesOf, readPayload, writePayload } from '../../../fixtures/audit/generate/tamper';

// Reading and editing the operator conformance cases in memory, for checks the cases do not
// isolate. Replay is left to test/audit/fixtures.test.ts: these are about the checker.

const FIXTURES = resolve(__dirname, '../../../fixtures/audit');

/** A fresh copy of a conformance case's bundle. */
export function bundleOf(name: string): EvidenceBundle {
  return readBundle(resolve(FIXTURES, name, 'bundle.json'));
}

/** The history of a bundle's run, as editable JSON. */
export function historyOf(bundle: EvidenceBundle, index = 0): JsonHistory {
  return bundle.runs[index]!.history as unknown as JsonHistory;
}

/** Every finding of a verdict as `event:CODE`, in order. */
export function findingsOf(verdict: AuditVerdict): string[] {
  return verdict.runs.flatMap((run) => run.findings.map((finding) => `${finding.eventId}:${finding.code}`));
}

/** The event with this id. */
export function eventAt(h: JsonHistory, id: number): JsonEvent {
  const event = h.events.find((e) => Number(e.eventId) === id);
  if (event === undefined) throw new Error(`no event ${id}`);
  return event;
}

/** The event ids of every event of a type (`WORKFLOW_EXECUTION_UPDATE_ACCEPTED`, ...). */
export function idsOf(h: JsonHistory, type: string): number[] {
  return h.events.filter((e) => e.eventType === `EVENT_TYPE_${type}`).map((e) => Number(e.eventId));
}

/** Rewrites a JSON payload's value. */
export function edit<T>(payload: JsonPayload, change: (value: T) => T): void {
  writePayload(payload, change(readPayload(payload) as T));
}

/** The outcome of an UpdateCompleted event. */
export function outcomeOf(event: JsonEvent): { success?: { payloads: JsonPayload[] }; failure?: unknown } {
  return attributesOf(event)['outcome'] as { success?: { payloads: JsonPayload[] }; failure?: unknown };
}

/** The bundle's identity provider with another key set (a provider that never signed these). */
export function withKeys(identity: IdentityEvidence, jwks: { keys: readonly object[] }): IdentityEvidence {
  return { ...identity, jwks: { keys: jwks.keys.map((key) => ({ ...key }) as IdentityEvidence['jwks']['keys'][number]) } };
}

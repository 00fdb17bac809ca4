import type { EvidenceEntry } from '../../../../core/log/entries/evidenceEntry';

/** A well-formed evidence entry for tests: its "JWS" is shaped like one and names `label`. */
export function testEntry(label: string | number, kind: 'artifact' | 'receipt' = 'artifact'): EvidenceEntry {
  const part = (text: string) => Buffer.from(text).toString('base64url');
  return { v: 1, kind, runId: 'run-1', stepId: `writ-step-${label}`, evidence: `${part('{"alg":"EdDSA"}')}.${part(JSON.stringify({ label }))}.${part('signature')}` };
}

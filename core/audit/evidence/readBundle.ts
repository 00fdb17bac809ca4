import { readFileSync } from 'node:fs';
import { jsonPathOf } from '../../canonical/jsonPath';
import { parseStrictJson } from '../../canonical/parseStrictJson';
import { isWritError } from '../../errors/writError';
import { AuditError } from '../auditError';
import { EvidenceBundleSchema, type EvidenceBundle } from './evidenceBundle';

/**
 * Reads an evidence bundle file: strict JSON (a duplicate key, which two readers could
 * resolve differently, is refused) validated against the bundle format, strict at every
 * level it defines. EVIDENCE_UNREADABLE or EVIDENCE_INVALID, listing every issue.
 */
export function readBundle(file: string): EvidenceBundle {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AuditError('EVIDENCE_UNREADABLE', `cannot read evidence bundle ${file}: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = parseStrictJson(text);
  } catch (cause) {
    throw new AuditError('EVIDENCE_UNREADABLE', `evidence bundle ${file} is not valid JSON${isWritError(cause) ? `: ${cause.message}` : ''}`, {
      issues: isWritError(cause) ? cause.issues : [],
      cause,
    });
  }
  return parseBundle(json, file);
}

/** Validates a parsed bundle (from a file, a store or a request). */
export function parseBundle(json: unknown, source = 'evidence bundle'): EvidenceBundle {
  const parsed = EvidenceBundleSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
    const shown = issues.slice(0, 10).map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new AuditError('EVIDENCE_INVALID', `${source} is not a Writ evidence bundle: ${shown}${issues.length > 10 ? `; and ${issues.length - 10} more` : ''}`, { issues });
  }
  return parsed.data;
}

import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { verifyEd25519Jws } from '../../artifact/verify/verifyEd25519Jws';
import { WritError, isWritError } from '../../errors/writError';
import { DenialClaimsSchema, DENIAL_TYP, type DenialClaims } from '../../log/entries/denialClaims';
import type { AuditKeySet } from '../keys/auditKeySet';
import { reportLogged, type LoggedRunContext } from './loggedRunContext';

const DENIAL_HEADER_MEMBERS: ReadonlySet<string> = new Set(['alg', 'typ', 'kid']);

/**
 * Step: every denial entry of the run. A signed denial record must have exactly the header
 * Writ signs (EdDSA, `writ-denial+jwt`, a kid), verify with an authorization key of the set
 * (a receipt key refuses nothing) that was the active signer when it was issued, and hold
 * strict denial claims (DENIAL_INVALID, ARTIFACT_KEY_NOT_VALID_AT_TIME); it must name this
 * run and the entry's step (LOG_ENTRY_MISMATCH).
 */
export function checkLoggedDenials(context: LoggedRunContext): void {
  for (const logged of context.entries) {
    if (logged.entry.kind !== 'denial') continue;
    let claims: DenialClaims;
    let kid: string;
    try {
      ({ claims, kid } = verifyDenialRecord(logged.entry.evidence, context.keys));
    } catch (error) {
      if (!isWritError(error)) throw error;
      reportLogged(context, 'DENIAL_INVALID', logged.index, 'a denial record signed by an authorization key in the key set', `${error.code}: ${error.message}`, 'a logged denial record does not verify');
      continue;
    }
    context.keysUsed.add(kid);
    const judged = context.keys.judgeIssueTime(kid, claims.iat, context.settings.clockSkewSeconds, context.settings.keyRotationGraceSeconds);
    if (!judged.valid) reportLogged(context, 'ARTIFACT_KEY_NOT_VALID_AT_TIME', logged.index, judged.expected, judged.found, `denial record ${claims.jti} was signed by key ${kid} outside the period in which that key signed`);
    const runtime = claims.writ.runtime;
    const bindings: [string, string | null, string][] = [
      ['runId', context.runId, runtime.runId],
      ['stepId', logged.entry.stepId, runtime.stepId],
      ['workflowId', context.workflowId, runtime.workflowId],
      ['namespace', context.namespace, runtime.namespace],
    ];
    for (const [field, expected, found] of bindings) {
      if (expected !== null && expected !== found) {
        reportLogged(context, 'LOG_ENTRY_MISMATCH', logged.index, `${field} ${expected}`, `${field} ${found} in denial record ${claims.jti}`, 'the logged denial record is not evidence of this run and step');
      }
    }
    context.workflowId ??= runtime.workflowId;
    context.denials.push({ logged, claims });
  }
}

/** Verifies a signed denial record's header, signature and claims, with the artifact's codes for what fails (ARTIFACT_MALFORMED, ARTIFACT_KEY_UNKNOWN, ARTIFACT_KEY_PURPOSE_INVALID, ARTIFACT_SIGNATURE_INVALID, ARTIFACT_CLAIMS_INVALID). */
function verifyDenialRecord(token: string, keys: AuditKeySet): { claims: DenialClaims; kid: string } {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new WritError('ARTIFACT_MALFORMED', 'the denial record is not a compact JWS');
  }
  if (Object.keys(header).some((member) => !DENIAL_HEADER_MEMBERS.has(member)) || header.alg !== 'EdDSA' || header.typ !== DENIAL_TYP || typeof header.kid !== 'string') {
    throw new WritError('ARTIFACT_MALFORMED', `the denial record's header is not exactly { alg: EdDSA, typ: ${DENIAL_TYP}, kid }`);
  }
  const kid = header.kid;
  const key: KeyObject = keys.get(kid);
  if (keys.purposeOf(kid) === 'receipt') throw new WritError('ARTIFACT_KEY_PURPOSE_INVALID', `key "${kid}" is a receipt key: it signs receipts, never denials`);
  let payload: Buffer;
  try {
    payload = verifyEd25519Jws(token, key);
  } catch {
    throw new WritError('ARTIFACT_SIGNATURE_INVALID', `the denial record's signature does not verify with key "${kid}"`);
  }
  const parsed = DenialClaimsSchema.safeParse(safeJson(payload));
  if (!parsed.success) throw new WritError('ARTIFACT_CLAIMS_INVALID', `the denial record's claims are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { claims: parsed.data, kid };
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

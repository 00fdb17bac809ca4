import { WritError } from '../../errors/writError';
import { parseStrictJson } from '../../canonical/parseStrictJson';
import { ArtifactClaimsSchema, type ArtifactClaims } from '../claims';

// One decoder for every artifact: a non-streaming decode() keeps no state between calls.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Step 3: claims. The verified payload must be JSON matching the strict claims schema. */
export function parseClaims(payload: Uint8Array): ArtifactClaims {
  let raw: unknown;
  try {
    // Strict: a duplicate member is refused, never resolved last-wins, so every reader
    // (in any language) sees the same claims the signer meant.
    raw = parseStrictJson(UTF8.decode(payload));
  } catch {
    throw new WritError('ARTIFACT_CLAIMS_INVALID', 'artifact payload is not strict JSON (duplicate members are refused)');
  }
  const parsed = ArtifactClaimsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WritError('ARTIFACT_CLAIMS_INVALID', 'artifact claims are invalid', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

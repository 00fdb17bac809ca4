import { WritError } from '../../errors/writError';
import { ArtifactClaimsSchema, type ArtifactClaims } from '../claims';

// One decoder for every artifact: a non-streaming decode() keeps no state between calls.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Step 3: claims. The verified payload must be JSON matching the strict claims schema. */
export function parseClaims(payload: Uint8Array): ArtifactClaims {
  let raw: unknown;
  try {
    raw = JSON.parse(UTF8.decode(payload));
  } catch {
    throw new WritError('ARTIFACT_CLAIMS_INVALID', 'artifact payload is not JSON');
  }
  const parsed = ArtifactClaimsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WritError('ARTIFACT_CLAIMS_INVALID', 'artifact claims are invalid', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

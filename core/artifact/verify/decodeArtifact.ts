import { z } from 'zod';
import { WritError } from '../../errors/writError';
import { parseStrictJson } from '../../canonical/parseStrictJson';
import { ARTIFACT_ALG, ARTIFACT_TYP } from '../claims';

/** Artifacts are small; anything larger is refused before any parsing. */
export const MAX_ARTIFACT_BYTES = 16 * 1024;

// An empty signature part is let through to fail as alg-not-allowed or bad signature.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

// Exactly these members: no `jwk`, `jku`, `x5c`, `crit` or anything else that could
// steer key selection or processing.
const ProtectedHeaderSchema = z.strictObject({
  alg: z.string(),
  typ: z.string().optional(),
  kid: z.string().min(1).max(128),
});

// Headers already found allowed, by their exact base64url text: every artifact of one
// signer carries the same header, and the checks below depend on that text alone. Only
// allowed headers are kept; the cap bounds what many kids (or an attacker) can add.
const allowedHeaders = new Map<string, ArtifactHeader>();
const MAX_ALLOWED_HEADERS = 256;

/** The protected header of an artifact that passed the shape checks. */
export type ArtifactHeader = { readonly alg: typeof ARTIFACT_ALG; readonly typ: typeof ARTIFACT_TYP; readonly kid: string };

/**
 * Step 1: shape. A string of bounded size in compact serialisation whose protected
 * header names only `alg`, `typ` and `kid`, with the pinned algorithm and type.
 */
export function decodeArtifact(token: unknown): ArtifactHeader {
  if (token === undefined || token === null || token === '') throw new WritError('ARTIFACT_MISSING', 'no authorization artifact');
  if (typeof token !== 'string') throw new WritError('ARTIFACT_MALFORMED', 'artifact is not a string');
  if (token.length > MAX_ARTIFACT_BYTES) throw new WritError('ARTIFACT_MALFORMED', `artifact exceeds ${MAX_ARTIFACT_BYTES} bytes`);
  if (!COMPACT_JWS.test(token)) throw new WritError('ARTIFACT_MALFORMED', 'artifact is not a compact JWS');
  const encoded = token.slice(0, token.indexOf('.'));
  const known = allowedHeaders.get(encoded);
  if (known !== undefined) return known;
  const allowed = checkHeader(encoded);
  if (allowedHeaders.size >= MAX_ALLOWED_HEADERS) allowedHeaders.clear();
  allowedHeaders.set(encoded, allowed);
  return allowed;
}

function checkHeader(encoded: string): ArtifactHeader {
  let header: unknown;
  try {
    // Strict: a header naming a member twice (say `alg`) is malformed, not last-wins.
    header = parseStrictJson(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new WritError('ARTIFACT_MALFORMED', 'artifact header is not JSON');
  }
  const parsed = ProtectedHeaderSchema.safeParse(header);
  if (!parsed.success) throw new WritError('ARTIFACT_MALFORMED', `artifact header is not allowed: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  if (parsed.data.alg !== ARTIFACT_ALG) throw new WritError('ARTIFACT_ALG_NOT_ALLOWED', `artifact alg "${parsed.data.alg}" is not ${ARTIFACT_ALG}`);
  if (parsed.data.typ !== ARTIFACT_TYP) throw new WritError('ARTIFACT_TYP_INVALID', `artifact typ must be "${ARTIFACT_TYP}"`);
  return Object.freeze({ alg: ARTIFACT_ALG, typ: ARTIFACT_TYP, kid: parsed.data.kid });
}

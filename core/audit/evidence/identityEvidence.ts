import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { jsonPathOf } from '../../canonical/jsonPath';
import { parseStrictJson } from '../../canonical/parseStrictJson';
import { IDENTITY_ALGORITHMS, type IdentityAlgorithm } from '../../identity/identityVerifier';
import { hasPrivateJwkMember } from '../../keys/ed25519Jwk';
import type { Assert, SameType } from '../../types/sameType';
import { AuditError } from '../auditError';

/** The largest identity provider key set read from a file or URL, in bytes. */
const MAX_JWKS_BYTES = 1024 * 1024;
/** How long fetching a provider's key set may take at export. */
const JWKS_FETCH_TIMEOUT_MS = 10_000;

// A real provider's keys may be RSA, EC or OKP with members Writ does not define (n, e,
// x5c, ...): the members are kept as published, and jose decides whether a key is usable.
// Only private material is refused outright.
const PublicJwkSchema = z
  .looseObject({ kty: z.string().min(1), kid: z.string().min(1).max(256).optional() })
  .refine((jwk) => !hasPrivateJwkMember(jwk), { message: 'holds private key material; evidence carries public keys only' });

/**
 * The identity provider as evidence: its issuer, the audience of its identity tokens, the
 * algorithms and clock tolerance the workers accepted, and its public key set. With it an
 * auditor verifies operator statements (approvals, revocations, the kill switch) and the
 * runs' identity tokens offline; without it those stay unverified (a finding, never a pass).
 */
export const IdentityEvidenceSchema = z.strictObject({
  issuer: z.string().min(1),
  /** The `aud` of identity tokens (start headers); without it the tokens are not re-verified. */
  audience: z.string().min(1).optional(),
  /** Accepted JWS algorithms (default EdDSA), as in the identity verifier's configuration. */
  algorithms: z.array(z.enum(IDENTITY_ALGORITHMS)).min(1).optional(),
  /** Clock tolerance in seconds (default 30), as in the identity verifier's configuration. */
  clockToleranceSeconds: z.number().int().min(0).max(300).optional(),
  jwks: z.strictObject({ keys: z.array(PublicJwkSchema).min(1, 'the identity key set has no keys') }),
});

/**
 * The identity provider's public material in evidence: with it an auditor verifies operator
 * statements and identity tokens offline; without it those stay unverified (a finding).
 * (The type `IdentityEvidenceSchema` checks, written out.)
 */
export interface IdentityEvidence {
  /** The `iss` of the provider's tokens and statements. */
  issuer: string;
  /** The `aud` of identity tokens (start headers); without it the tokens are not re-verified. */
  audience?: string | undefined;
  /** Accepted JWS algorithms (default EdDSA), as in the identity verifier's configuration. */
  algorithms?: IdentityAlgorithm[] | undefined;
  /** Clock tolerance in seconds (default 30), as in the identity verifier's configuration. */
  clockToleranceSeconds?: number | undefined;
  /** The provider's public key set, each key as published (no private members). */
  jwks: { keys: { [member: string]: unknown; kty: string; kid?: string | undefined }[] };
}
type _IdentityEvidenceIsTheSchemas = Assert<SameType<IdentityEvidence, z.output<typeof IdentityEvidenceSchema>>>;

/** Where an identity provider's keys come from when evidence is exported: a file or a URL. */
export interface IdentitySource {
  readonly issuer: string;
  readonly audience?: string;
  readonly algorithms?: readonly IdentityAlgorithm[];
  readonly clockToleranceSeconds?: number;
  readonly jwksPath?: string;
  readonly jwksUrl?: string;
}

/** Validates identity evidence; anything else is EVIDENCE_INVALID listing every issue. */
export function parseIdentityEvidence(json: unknown, source = 'identity evidence'): IdentityEvidence {
  const parsed = IdentityEvidenceSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
    throw new AuditError('EVIDENCE_INVALID', `${source} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return parsed.data;
}

/**
 * Reads the identity provider's public key set for a bundle: from a JWKS file (the
 * development provider's `<dataDir>/idp/jwks.json`, or a configured `jwksPath`), or fetched
 * once from a configured `jwksUrl`. A file that cannot be read is AUDIT_OPTIONS_INVALID, a
 * URL that cannot be fetched AUDIT_SOURCE_UNAVAILABLE, a key set that is not a public JWKS
 * EVIDENCE_INVALID.
 */
export async function loadIdentityEvidence(source: IdentitySource): Promise<IdentityEvidence> {
  if ((source.jwksPath === undefined) === (source.jwksUrl === undefined)) {
    throw new AuditError('AUDIT_OPTIONS_INVALID', 'the identity provider needs exactly one of jwksPath and jwksUrl');
  }
  const text = source.jwksPath !== undefined ? readJwksFile(source.jwksPath) : await fetchJwks(source.jwksUrl!);
  let jwks: unknown;
  try {
    jwks = parseStrictJson(text);
  } catch (cause) {
    throw new AuditError('EVIDENCE_INVALID', `the identity key set from ${source.jwksPath ?? source.jwksUrl} is not valid JSON`, { cause });
  }
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  return parseIdentityEvidence(
    {
      issuer: source.issuer,
      ...(source.audience === undefined ? {} : { audience: source.audience }),
      ...(source.algorithms === undefined ? {} : { algorithms: [...source.algorithms] }),
      ...(source.clockToleranceSeconds === undefined ? {} : { clockToleranceSeconds: source.clockToleranceSeconds }),
      jwks: { keys },
    },
    `the identity key set from ${source.jwksPath ?? source.jwksUrl}`,
  );
}

function readJwksFile(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_JWKS_BYTES) throw new Error(`larger than ${MAX_JWKS_BYTES} bytes`);
    return text;
  } catch (cause) {
    throw new AuditError('AUDIT_OPTIONS_INVALID', `cannot read the identity key set ${file}: ${(cause as Error).message}`, { cause });
  }
}

async function fetchJwks(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error(`larger than ${MAX_JWKS_BYTES} bytes`);
    return text;
  } catch (cause) {
    throw new AuditError('AUDIT_SOURCE_UNAVAILABLE', `cannot fetch the identity key set from ${url}: ${(cause as Error).message}`, { cause });
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WRIT_ERROR_CODES } from '../../core/errors/writError';
import type { KeyRecord } from '../../core/keys/keyStore';
import { KEY_PURPOSES } from '../../core/keys/keyPurpose';

/** Where the committed vectors live: one folder per case. */
export const VECTORS_DIR = path.join(__dirname, 'vectors');

/** A case whose folder name ends in this must be refused. */
export const FAIL_SUFFIX = '_fail';

const FactsSchema = z.strictObject({
  namespace: z.string(),
  taskQueue: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  activityId: z.string(),
  activityType: z.string(),
  attempt: z.number().int().min(1),
  args: z.array(z.unknown()).readonly(),
});

// Public keys only: a case that carried a private member would be refused here, before the
// key set itself refuses it.
const PublicJwkSchema = z.strictObject({
  kty: z.string(),
  crv: z.string(),
  x: z.string(),
  kid: z.string(),
  alg: z.string().optional(),
  use: z.string().optional(),
  writ_purpose: z.enum(KEY_PURPOSES).optional(),
});

/**
 * When each key was the active signer, as the key store's manifest records it: with these
 * the enforcement point judges keys through `KeyStoreTrust` (as a worker does) and the
 * auditor through `AuditKeySet.fromKeyRecords`; without them, through a plain key set.
 */
const SigningPeriodsSchema = z.strictObject({
  /** How long after a rotation the previous key may still sign (the signer's cache). */
  keyRotationGraceSeconds: z.number().int().min(0),
  keys: z.array(
    z.strictObject({
      kid: z.string(),
      createdAt: z.iso.datetime(),
      status: z.enum(['active', 'verify-only']),
      activatedAt: z.iso.datetime().nullable(),
      deactivatedAt: z.iso.datetime().nullable(),
    }),
  ),
});

/**
 * One conformance case as `case.json` holds it: the artifact as presented (`token`), the
 * execution it is presented for (`facts`), the public key set the verifier trusts (and,
 * optionally, when each key signed), the verifier's clock and window settings, the policy digest in force (absent: not judged,
 * as by an auditor reading history), and the outcome both verifiers must reach.
 */
export const ConformanceCaseSchema = z.strictObject({
  token: z.string(),
  facts: FactsSchema,
  keys: z.strictObject({ keys: z.array(PublicJwkSchema) }),
  signingPeriods: SigningPeriodsSchema.optional(),
  now: z.iso.datetime(),
  clockSkewSeconds: z.number().int().min(0),
  maxLifetimeSeconds: z.number().int().min(1),
  activePolicyDigest: z.string().optional(),
  expected: z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true) }),
    z.strictObject({ ok: z.literal(false), code: z.enum(WRIT_ERROR_CODES) }),
  ]),
});

/** The signing periods of a case's keys. */
export type SigningPeriods = z.infer<typeof SigningPeriodsSchema>;

/** A parsed `case.json`. */
export type ConformanceCase = z.infer<typeof ConformanceCaseSchema>;

/** A case folder: its name, its parsed case and the text of its README (null when absent). */
export interface LoadedCase {
  readonly name: string;
  readonly conformanceCase: ConformanceCase;
  readonly readme: string | null;
}

/** The case folder names under `dir`, sorted. */
export function caseNames(dir = VECTORS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Reads and validates one case folder; a malformed `case.json` throws with the zod issues. */
export function loadCase(name: string, dir = VECTORS_DIR): LoadedCase {
  const folder = path.join(dir, name);
  const conformanceCase = ConformanceCaseSchema.parse(JSON.parse(fs.readFileSync(path.join(folder, 'case.json'), 'utf8')));
  const readmePath = path.join(folder, 'README.md');
  const readme = fs.existsSync(readmePath) ? fs.readFileSync(readmePath, 'utf8') : null;
  return { name, conformanceCase, readme };
}

/**
 * The key store records a case's signing periods describe (public halves from the case's
 * key set), or null when the case gives none. Both verifiers build their key trust from
 * these, so they judge the same periods.
 */
export function keyRecordsOf(conformanceCase: ConformanceCase): KeyRecord[] | null {
  const periods = conformanceCase.signingPeriods;
  if (periods === undefined) return null;
  return periods.keys.map((period) => {
    const jwk = conformanceCase.keys.keys.find((key) => key.kid === period.kid);
    if (jwk === undefined) throw new Error(`signing period for kid ${period.kid}, which is not in the case's key set`);
    return { ...period, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: jwk.kid, alg: 'EdDSA', use: 'sig', ...(jwk.writ_purpose === undefined ? {} : { writ_purpose: jwk.writ_purpose }) } };
  });
}

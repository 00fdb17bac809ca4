import fs from 'node:fs';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { jsonPathOf } from '../canonical/jsonPath';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError, type WritIssue } from '../errors/writError';
import { writeFileAtomicSync } from '../keys/writeFileAtomic';
import type { BoundCredential } from './devIdentityProvider';
import { MAX_IDENTITY_TOKEN_LENGTH } from './identityVerifier';
import { exportProofKey, importProofKey, ProofKeyJwkSchema } from './proofKey';

/** The `format` of a credentials file; a later layout gets another. */
export const BOUND_CREDENTIAL_FORMAT = 'writ-bound-credential/v1';

/** Owner read and write only: the file holds a private key. */
const CREDENTIAL_FILE_MODE = 0o600;

/**
 * A credentials file (`writ token --bind <file>`): an identity token bound to a key and
 * that key's private JWK, so one holder can start many workflows, each with its own start
 * proof. Unknown members are refused.
 */
export const BoundCredentialFileSchema = z.strictObject({
  format: z.literal(BOUND_CREDENTIAL_FORMAT),
  identityToken: z.string().min(1).max(MAX_IDENTITY_TOKEN_LENGTH),
  proofKey: ProofKeyJwkSchema,
});

/** A credentials file's contents, as `BoundCredentialFileSchema` reads it. */
export type BoundCredentialFile = z.infer<typeof BoundCredentialFileSchema>;

/**
 * Writes `credential` to `filePath` with mode 0600, atomically (a reader sees the old
 * file or the whole new one). The token and the private key are written; nothing is
 * printed.
 */
export function writeBoundCredentialFile(filePath: string, credential: BoundCredential): void {
  const contents: BoundCredentialFile = { format: BOUND_CREDENTIAL_FORMAT, identityToken: credential.identityToken, proofKey: exportProofKey(credential.proofKey) };
  writeFileAtomicSync(filePath, `${JSON.stringify(contents, null, 2)}\n`, CREDENTIAL_FILE_MODE);
}

/**
 * Reads a credentials file: it must be readable by its owner alone (on POSIX systems), be
 * strict JSON of `BoundCredentialFileSchema`, hold a valid proof key, and its token must
 * name that key in `cnf.jkt` (read unverified: this can only refuse, the worker verifies).
 * Anything else is `CONFIG_INVALID`, listing the problems and never the key material.
 */
export async function readBoundCredentialFile(filePath: string): Promise<BoundCredential> {
  let text: string;
  try {
    if (process.platform !== 'win32' && (fs.statSync(filePath).mode & 0o077) !== 0) {
      throw invalid(filePath, [{ path: '(file)', message: 'is readable by others than its owner: chmod 600 it' }]);
    }
    text = fs.readFileSync(filePath, 'utf8');
  } catch (cause) {
    if (cause instanceof WritError) throw cause;
    throw new WritError('CONFIG_INVALID', `cannot read the credentials file ${filePath}`, { cause });
  }
  let json: unknown;
  try {
    json = parseStrictJson(text);
  } catch {
    throw invalid(filePath, [{ path: '(root)', message: 'is not valid JSON' }]);
  }
  const parsed = BoundCredentialFileSchema.safeParse(json);
  if (!parsed.success) throw invalid(filePath, parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message })));
  let proofKey;
  try {
    proofKey = await importProofKey(parsed.data.proofKey);
  } catch (error) {
    throw invalid(filePath, error instanceof WritError ? error.issues.map((issue) => ({ path: `$.proofKey${issue.path.replace(/^\$/, '')}`, message: issue.message })) : []);
  }
  let confirmed: unknown;
  try {
    confirmed = (decodeJwt(parsed.data.identityToken).cnf as { jkt?: unknown } | undefined)?.jkt;
  } catch {
    throw invalid(filePath, [{ path: '$.identityToken', message: 'is not a JWT' }]);
  }
  if (confirmed !== proofKey.thumbprint) throw invalid(filePath, [{ path: '$.identityToken', message: "is not bound to the file's proof key (cnf.jkt)" }]);
  return { identityToken: parsed.data.identityToken, proofKey };
}

function invalid(filePath: string, issues: WritIssue[]): WritError {
  return new WritError('CONFIG_INVALID', `credentials file ${filePath} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

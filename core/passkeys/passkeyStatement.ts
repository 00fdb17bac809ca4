import { createHash } from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { canonicalJson } from '../canonical/canonicalJson';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError, type WritErrorCode } from '../errors/writError';
import { PASSKEY_STATEMENT_PREFIX } from '../protocol/operatorContract';

export { PASSKEY_STATEMENT_PREFIX };

/** The longest passkey statement accepted, in characters: an assertion is well under 4 KiB. */
export const MAX_PASSKEY_STATEMENT_LENGTH = 16_384;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/).max(8192);

/**
 * An operator's statement made with their passkey: its audience (which kind of statement
 * it is), its content (exactly what a signed statement's `writ_statement` holds), and the
 * WebAuthn assertion over both.
 */
export const PasskeyStatementSchema = z.strictObject({
  v: z.literal(1),
  kind: z.literal('passkey-statement'),
  audience: z.string().min(1).max(64),
  statement: z.record(z.string(), z.unknown()),
  assertion: z.strictObject({
    id: base64url,
    rawId: base64url,
    type: z.literal('public-key'),
    response: z.strictObject({
      clientDataJSON: base64url,
      authenticatorData: base64url,
      signature: base64url,
      userHandle: base64url.optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  }),
});

/** A passkey statement, decoded. */
export type PasskeyStatement = z.infer<typeof PasskeyStatementSchema> & { assertion: AuthenticationResponseJSON };

/** Whether `statement` is a passkey statement (by its prefix), rather than a JWT its identity provider signed. */
export function isPasskeyStatement(statement: string): boolean {
  return statement.startsWith(PASSKEY_STATEMENT_PREFIX);
}

/** Encodes a passkey statement as the string the operator updates carry. */
export function encodePasskeyStatement(statement: PasskeyStatement): string {
  return `${PASSKEY_STATEMENT_PREFIX}${Buffer.from(canonicalJson(statement)).toString('base64url')}`;
}

/** Decodes a passkey statement strictly (every problem at once): `invalidCode` for anything else. */
export function decodePasskeyStatement(statement: string, invalidCode: WritErrorCode): PasskeyStatement {
  const body = statement.slice(PASSKEY_STATEMENT_PREFIX.length);
  if (statement.length > MAX_PASSKEY_STATEMENT_LENGTH || !/^[A-Za-z0-9_-]+$/.test(body)) throw new WritError(invalidCode, 'a passkey statement is its prefix and base64url JSON, at most 16 KiB');
  let json: unknown;
  try {
    json = parseStrictJson(Buffer.from(body, 'base64url').toString('utf8'));
  } catch (error) {
    throw new WritError(invalidCode, `a passkey statement holds strict JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = PasskeyStatementSchema.safeParse(json);
  if (!parsed.success) {
    throw new WritError(invalidCode, `the passkey statement is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data as PasskeyStatement;
}

/**
 * A passkey statement's id: `passkey:` and the SHA-256 of its assertion's signature,
 * base64url. The workers and the auditor name it alike, so the same assertion presented
 * twice is one statement to the single-use registry and to the audit.
 */
export function passkeyStatementId(statement: PasskeyStatement): string {
  return `passkey:${createHash('sha256').update(Buffer.from(statement.assertion.response.signature, 'base64url')).digest('base64url')}`;
}

import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { canonicalJson } from '../canonical/canonicalJson';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError } from '../errors/writError';
import { PASSKEY_STATEMENT_PREFIX } from '../protocol/operatorContract';

export { PASSKEY_STATEMENT_PREFIX };

/** The longest passkey statement accepted, in characters: an assertion is well under 4 KiB. */
export const MAX_PASSKEY_STATEMENT_LENGTH = 16_384;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/).max(8192);

/** An approval or denial made with an operator's passkey: the request it binds, the decision, and the WebAuthn assertion over them. */
export const PasskeyStatementSchema = z.strictObject({
  v: z.literal(1),
  kind: z.literal('passkey-approval'),
  decision: z.enum(['approve', 'deny']),
  reason: z.string().max(500).nullable(),
  requestDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  workflowId: z.string().min(1).max(1000),
  runId: z.string().min(1).max(200),
  stepId: z.string().min(1).max(200),
  action: z.string().min(1).max(200),
  argsDigest: z.string().min(1).max(200),
  policyVersion: z.string().min(1).max(200),
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

/** A passkey approval or denial, decoded. */
export type PasskeyStatement = z.infer<typeof PasskeyStatementSchema> & { assertion: AuthenticationResponseJSON };

/** Whether `statement` is a passkey statement (by its prefix), rather than a signed JWT. */
export function isPasskeyStatement(statement: string): boolean {
  return statement.startsWith(PASSKEY_STATEMENT_PREFIX);
}

/** Encodes a passkey approval as the string `writ.approve` carries. */
export function encodePasskeyStatement(statement: PasskeyStatement): string {
  return `${PASSKEY_STATEMENT_PREFIX}${Buffer.from(canonicalJson(statement)).toString('base64url')}`;
}

/** Decodes a passkey statement strictly (every problem at once): APPROVAL_INVALID for anything else. */
export function decodePasskeyStatement(statement: string): PasskeyStatement {
  const body = statement.slice(PASSKEY_STATEMENT_PREFIX.length);
  if (statement.length > MAX_PASSKEY_STATEMENT_LENGTH || !/^[A-Za-z0-9_-]+$/.test(body)) throw new WritError('APPROVAL_INVALID', 'a passkey statement is its prefix and base64url JSON, at most 16 KiB');
  let json: unknown;
  try {
    json = parseStrictJson(Buffer.from(body, 'base64url').toString('utf8'));
  } catch (error) {
    throw new WritError('APPROVAL_INVALID', `a passkey statement holds strict JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = PasskeyStatementSchema.safeParse(json);
  if (!parsed.success) {
    throw new WritError('APPROVAL_INVALID', `the passkey statement is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data as PasskeyStatement;
}

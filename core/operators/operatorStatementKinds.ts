import { z } from 'zod';
import { WritError } from '../errors/writError';
import { isPasskeyStatement } from '../passkeys/passkeyStatement';

/**
 * A kind of operator statement a worker can verify: `passkey`, made with the operator's
 * own passkey in the console (a WebAuthn assertion over the statement); `identity-provider`,
 * a JWT the identity provider signed for the operator (what `writ approve` sends in
 * development, where the local provider signs on the operator's behalf).
 */
export type OperatorStatementKind = 'passkey' | 'identity-provider';

/** Every `OperatorStatementKind`, for the schemas that read one. */
export const OPERATOR_STATEMENT_KINDS = ['passkey', 'identity-provider'] as const satisfies readonly OperatorStatementKind[];

/**
 * Which kinds of operator statement a worker accepts for approvals, denials, revocations
 * and the kill switch: at least one, each once. The default accepts both, so development
 * (`writ approve` with the local provider) keeps working; production sets `["passkey"]` so
 * that only an operator's own key can approve, revoke or halt.
 */
export const OperatorStatementKindsSchema = z
  .array(z.enum(OPERATOR_STATEMENT_KINDS))
  .min(1, 'accept at least one kind of operator statement')
  .refine((kinds) => new Set(kinds).size === kinds.length, 'name each kind once');

/** Both kinds: the development default. */
export const DEFAULT_OPERATOR_STATEMENT_KINDS: readonly OperatorStatementKind[] = OPERATOR_STATEMENT_KINDS;

/** The kind of `statement`: a `writ-passkey.` statement is `passkey`, anything else is taken as an identity provider's JWT. */
export function operatorStatementKind(statement: string): OperatorStatementKind {
  return isPasskeyStatement(statement) ? 'passkey' : 'identity-provider';
}

/**
 * Throws STATEMENT_KIND_REFUSED unless `statement` is of a kind in `accepted`: checked
 * before anything else about it, so a refused kind is never verified, used or recorded.
 */
export function requireAcceptedStatementKind(statement: string, accepted: readonly OperatorStatementKind[]): void {
  const kind = operatorStatementKind(statement);
  if (!accepted.includes(kind)) {
    throw new WritError('STATEMENT_KIND_REFUSED', `this worker accepts operator statements of kind ${accepted.join(', ')} only (operators.statements), not ${kind}`, { facts: { kind } });
  }
}

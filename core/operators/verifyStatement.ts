import type { z } from 'zod';
import { sha256Digest } from '../canonical/digest';
import { WritError, isWritError, type WritErrorCode } from '../errors/writError';
import type { VerifiedStatement } from '../identity/identityVerifier';
import { isPasskeyStatement } from '../passkeys/passkeyStatement';
import { verifyPasskeyStatement, type PasskeyStatementDeps } from '../passkeys/verifyPasskeyStatement';
import { DEFAULT_OPERATOR_STATEMENT_KINDS, requireAcceptedStatementKind, type OperatorStatementKind } from './operatorStatementKinds';

/** What verifies operator statements: the identity provider's verifier. */
export interface StatementVerifier {
  /** Verifies a signed statement for `audience`; a refusal is a WritError with an `IDENTITY_*` code. */
  verifyStatement(token: string | undefined, audience: string): Promise<VerifiedStatement>;
}

/** A statement whose signature, audience, window and content all verified. */
export interface VerifiedOperatorStatement<T> {
  readonly signer: string;
  readonly groups: readonly string[];
  readonly statement: T;
  readonly statementId: string;
  readonly statementDigest: string;
  readonly issuedAt: number;
}

/**
 * Verifies an operator statement for `audience` and parses its content with `schema`: a JWT
 * the identity provider signed (its `writ_statement` claim), or one the operator made with
 * their own passkey (see verifyPasskeyStatement; refused with `invalidCode` where
 * `passkeys` is not given). A statement of a kind not in `accepted` (default both) is
 * STATEMENT_KIND_REFUSED before anything else is checked. An expired JWT is `expiredCode`;
 * any other failure (signature, issuer, audience, content) is `invalidCode`.
 */
export async function verifyOperatorStatement<S extends z.ZodType>(
  token: string,
  audience: string,
  schema: S,
  verifier: StatementVerifier,
  codes: { invalidCode: WritErrorCode; expiredCode: WritErrorCode },
  passkeys?: PasskeyStatementDeps,
  accepted: readonly OperatorStatementKind[] = DEFAULT_OPERATOR_STATEMENT_KINDS,
): Promise<VerifiedOperatorStatement<z.infer<S>>> {
  requireAcceptedStatementKind(token, accepted);
  if (isPasskeyStatement(token)) {
    if (passkeys === undefined) throw new WritError(codes.invalidCode, 'passkey statements are not verified here: no governance store holds passkey bindings');
    return verifyPasskeyStatement(token, audience, schema, passkeys, codes.invalidCode);
  }
  let verified: VerifiedStatement;
  try {
    verified = await verifier.verifyStatement(token, audience);
  } catch (error) {
    const code = isWritError(error, 'IDENTITY_EXPIRED') ? codes.expiredCode : codes.invalidCode;
    throw new WritError(code, `operator statement rejected: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(verified.payload['writ_statement']);
  if (!parsed.success) {
    throw new WritError(codes.invalidCode, 'operator statement content is invalid', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  if (verified.jti === '') throw new WritError(codes.invalidCode, 'operator statement has no jti');
  return {
    signer: verified.principal,
    groups: verified.groups,
    statement: parsed.data,
    statementId: verified.jti,
    statementDigest: sha256Digest(token),
    issuedAt: verified.issuedAt,
  };
}

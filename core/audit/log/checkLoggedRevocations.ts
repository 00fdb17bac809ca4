import { decodeJwt } from 'jose';
import { isWritError } from '../../errors/writError';
import { RevocationStatementSchema, REVOCATION_AUDIENCE } from '../../operators/statements';
import { reportLogged, type LoggedRunContext } from './loggedRunContext';

/**
 * Step: the run's revocations. Each is an operator's signed statement, logged once the
 * governance store recorded it: it must verify with the identity provider's keys (audience
 * `writ-revocation`) as it was when issued, and name this run and its workflow
 * (REVOCATION_UNVERIFIED; OPERATOR_EVENT_UNVERIFIED without the provider's keys). After a
 * revocation that verified the store refuses the run every authorization, so an artifact
 * of the run logged after it is ACTION_AFTER_REVOCATION. Whether the signer had the
 * authority to revoke is a policy question the log alone does not answer; it is noted.
 */
export async function checkLoggedRevocations(context: LoggedRunContext): Promise<void> {
  for (const logged of context.entries) {
    if (logged.entry.kind !== 'revocation') continue;
    if (context.identity === null) {
      reportLogged(context, 'OPERATOR_EVENT_UNVERIFIED', logged.index, "the revocation statement checked with the identity provider's keys", 'no identity provider keys given', 'a logged revocation cannot be verified without the keys that signed it');
      continue;
    }
    let signer: string;
    try {
      const verified = await context.identity.verifyStatement(logged.entry.evidence, REVOCATION_AUDIENCE, RevocationStatementSchema, new Date(1000 * issuedAt(logged.entry.evidence)));
      signer = verified.signer;
      const statement = verified.statement;
      const wrong = ([['runId', context.runId, statement.runId], ['workflowId', context.workflowId, statement.workflowId]] as const).filter(([, expected, found]) => expected !== null && expected !== found);
      for (const [field, expected, found] of wrong) {
        reportLogged(context, 'REVOCATION_UNVERIFIED', logged.index, `${field} ${String(expected)}`, `${field} ${found} in the revocation by ${signer}`, 'the logged revocation is not of this run');
      }
      if (wrong.length > 0) continue;
    } catch (error) {
      if (!isWritError(error)) throw error;
      reportLogged(context, 'REVOCATION_UNVERIFIED', logged.index, "a revocation statement that verifies with the identity provider's keys", `${error.code}: ${error.message}`, 'a logged revocation does not verify');
      continue;
    }
    context.notes.push(`log entry ${logged.index}: run revoked by ${signer}; whether the policy let ${signer} revoke is not judged from the log`);
    for (const artifact of context.artifacts.filter((candidate) => candidate.logged.index > logged.index)) {
      reportLogged(context, 'ACTION_AFTER_REVOCATION', artifact.logged.index, `no authorization of the run after its revocation (log entry ${logged.index})`, `artifact ${artifact.claims.jti} for ${artifact.claims.writ.intent.action}`, 'the run was authorized again after its authority was revoked');
    }
  }
}

function issuedAt(token: string): number {
  try {
    const iat = decodeJwt(token).iat;
    return typeof iat === 'number' ? iat : 0;
  } catch {
    return 0;
  }
}

import { Context } from '@temporalio/activity';
import { sha256Digest } from '../core/canonical/digest';
import { isWritError, WritError } from '../core/errors/writError';
import type { StatementUse } from '../core/governance/governanceStore';
import type { VerifiedIdentity } from '../core/identity/identityVerifier';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import type { RegisteredRun } from '../core/governance/runRegistry';
import type { VerifiedPrincipal, VerifyIdentityRequest } from '../core/protocol/authorizeContract';
import type { GovernanceDeps } from './governanceDeps';
import { currentRun, type CurrentRun } from './currentRun';

/**
 * Builds `writ.verifyIdentity`, the first step of every governed workflow. A run started by
 * a client presents the initiator's token, verified against the identity provider's keys;
 * a child or continued run presents the hand-off its parent or predecessor offered. Either
 * way the run is registered in the governance store with who it acts for, which is what
 * `writ.authorize` reads later: no later request carries a credential. The verdict
 * (principal or denial code) is recorded in history. An executor adds the task queue its
 * authorizer serves `writ.authorize` on, and a worker set to authorize locally says so: the
 * workflow cannot read configuration, and read from this recorded result its choice
 * replays the same.
 */
export function createVerifyIdentity(deps: Pick<GovernanceDeps, 'identity' | 'governance' | 'clock' | 'authorizerTaskQueue' | 'authorization'>): (request: VerifyIdentityRequest) => Promise<VerifiedPrincipal> {
  return async function verifyIdentity(request) {
    try {
      const run = currentRun(Context.current().info);
      const claimedParent = request.parent ?? null;
      // A client's start has no parent link; one claimed is refused before anything is registered.
      if (request.handoff === undefined) requireParentLink(run.runId, null, claimedParent);
      const registered = request.handoff !== undefined ? await takeUpHandoff(deps, run, request.handoff) : await registerStart(deps, run, request);
      requireParentLink(run.runId, registered.parent, claimedParent);
      const routing = {
        ...(deps.authorizerTaskQueue === undefined ? {} : { authorizerTaskQueue: deps.authorizerTaskQueue }),
        ...(deps.authorization === 'local' ? { authorization: 'local' as const } : {}),
      };
      const { principal, groups, issuer, expiresAt } = registered.identity;
      return { principal, groups, issuer, expiresAt, origin: registered.origin, ...routing };
    } catch (error) {
      throw toApplicationFailure(error, 'IDENTITY_INVALID');
    }
  };
}

/**
 * A run started by a client: its token verified and bound to this start, the run
 * registered as its principal.
 */
async function registerStart(deps: Pick<GovernanceDeps, 'identity' | 'governance' | 'clock'>, run: CurrentRun, request: VerifyIdentityRequest): Promise<RegisteredRun> {
  const identity = await deps.identity.verify(request.identityToken);
  await bindToThisStart(deps, run, request.identityToken!, request.startProof, identity);
  const { principal, groups, issuer, expiresAt } = identity;
  return deps.governance.registerRun({
    namespace: run.namespace,
    workflowId: run.workflowId,
    runId: run.runId,
    identity: { principal, groups: [...groups], issuer, expiresAt, tokenDigest: sha256Digest(request.identityToken!) },
    origin: 'start',
    parent: null,
    registeredAt: deps.clock().toISOString(),
  });
}

/**
 * A token read from a history must start nothing. A token bound to a key (`cnf.jkt`) needs
 * the client's proof of possession made for this very start (workflow id, type and token),
 * and each proof starts one run; a token bound to no key starts one run itself, by its
 * `jti` (IDENTITY_UNBOUND when it has none). Both are recorded in the governance store's
 * single-use registry for the whole fleet, consumed by this run, so the identity check
 * retried passes and any other run is IDENTITY_REPLAYED.
 */
async function bindToThisStart(
  deps: Pick<GovernanceDeps, 'identity' | 'governance' | 'clock'>,
  run: CurrentRun,
  identityToken: string,
  startProof: string | undefined,
  identity: VerifiedIdentity,
): Promise<void> {
  const now = deps.clock().toISOString();
  let use: StatementUse;
  if (identity.confirmation !== null) {
    const proof = await deps.identity.verifyStartProof(startProof, { identity, identityToken, workflowId: run.workflowId, workflowType: run.workflowType });
    use = { statementId: `start-proof/${proof.jti}`, kind: 'start-proof', consumer: `${run.workflowId}/${run.runId}`, statementDigest: sha256Digest(startProof!), usedAt: now, issuedAt: new Date(proof.iat * 1000).toISOString(), freshSince: UNBOUNDED_AGE };
  } else {
    if (identity.tokenId === null) {
      throw new WritError('IDENTITY_UNBOUND', `the identity token of ${identity.principal} is bound to no key (cnf) and has no jti: it could start any number of runs, so it starts none`);
    }
    use = { statementId: `identity-token/${identity.tokenId}`, kind: 'identity-token', consumer: `${run.workflowId}/${run.runId}`, statementDigest: identity.tokenDigest, usedAt: now, issuedAt: now, freshSince: UNBOUNDED_AGE };
  }
  try {
    await deps.governance.useStatement(use);
  } catch (error) {
    if (isWritError(error) && error.code === 'STATEMENT_REPLAYED') {
      throw new WritError('IDENTITY_REPLAYED', `${use.kind === 'start-proof' ? 'this start proof' : 'this identity token'} already started another run: ${error.message}`, { facts: error.facts, cause: error });
    }
    throw error;
  }
}

/** A start is bound by its workflow id and single use; its age is bounded by the token's expiry alone. */
const UNBOUNDED_AGE = new Date(0).toISOString();

/** A child or continued run: the identity its parent or predecessor handed to this workflow id. */
async function takeUpHandoff(deps: Pick<GovernanceDeps, 'governance' | 'clock'>, run: CurrentRun, handoff: string): Promise<RegisteredRun> {
  return deps.governance.claimHandoff({ handoffId: handoff, namespace: run.namespace, workflowId: run.workflowId, runId: run.runId, claimedAt: deps.clock().toISOString() });
}

/**
 * The parent link the run started with (its `writ-lineage` header) must be the one the
 * store recorded at the hand-off (none for a client's start): every authorization of the
 * run will name it, and a forged one would graft the run onto another chain.
 */
function requireParentLink(runId: string, parent: string | null, claimed: string | null): void {
  if (claimed !== parent) {
    throw new WritError('LINEAGE_HEAD_MISMATCH', `run ${runId} started with parent link ${claimed ?? 'none'}, but its identity was established with ${parent ?? 'none'}`, {
      facts: { runId, parent, claimedParent: claimed },
    });
  }
}

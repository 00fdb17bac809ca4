import { WritError } from '../errors/writError';
import type { ChainAdvance, ChainHead, HandoffClaim, RegisteredRun, RunRegistration } from './runRegistry';

// The refusals of the run registry, written once so both backends say the same thing with
// the same code.

/** What a backend read of a hand-off holds. */
export interface StoredHandoff {
  readonly namespace: string;
  readonly toWorkflowId: string;
  readonly claimedBy: string | null;
}

/** Throws RUN_NOT_VERIFIED: the run never passed Writ's identity check (or its registration expired and was pruned). */
export function refuseUnregistered(namespace: string, runId: string): never {
  throw new WritError('RUN_NOT_VERIFIED', `run ${runId} in namespace ${namespace} never passed Writ's identity check: nothing is authorized for it`, {
    facts: { namespace, runId },
  });
}

/** Throws RUN_ALREADY_VERIFIED when `registration` would give a registered run another identity. */
export function refuseReregistration(registration: RunRegistration, existing: RegisteredRun): void {
  const same =
    existing.workflowId === registration.workflowId &&
    existing.identity.tokenDigest === registration.identity.tokenDigest &&
    existing.identity.principal === registration.identity.principal &&
    existing.origin === registration.origin;
  if (!same) {
    throw new WritError('RUN_ALREADY_VERIFIED', `run ${registration.runId} already acts for ${existing.identity.principal}: a run's identity is established once`, {
      facts: { runId: registration.runId, principal: existing.identity.principal },
    });
  }
}

/** Throws LINEAGE_HEAD_MISMATCH: the claimed link does not follow the run's chain head. */
export function refuseChainClaim(advance: ChainAdvance, head: ChainHead): never {
  throw new WritError(
    'LINEAGE_HEAD_MISMATCH',
    `run ${advance.runId} is at link ${head.sequence} (head ${head.head ?? 'none'}); an authorization claiming link ${advance.claimed.sequence} after ${advance.claimed.previous ?? 'none'} does not follow it`,
    { facts: { runId: advance.runId, sequence: head.sequence, head: head.head, claimedSequence: advance.claimed.sequence, claimedPrevious: advance.claimed.previous } },
  );
}

/** Throws HANDOFF_INVALID or HANDOFF_REPLAYED when `claim` cannot take up `handoff`. */
export function refuseHandoffClaim(claim: HandoffClaim, handoff: StoredHandoff | undefined): void {
  if (handoff === undefined || handoff.namespace !== claim.namespace || handoff.toWorkflowId !== claim.workflowId) {
    throw new WritError('HANDOFF_INVALID', `no identity was handed to workflow ${claim.workflowId} as ${claim.handoffId}`, { facts: { handoffId: claim.handoffId } });
  }
  if (handoff.claimedBy !== null && handoff.claimedBy !== claim.runId) {
    throw new WritError('HANDOFF_REPLAYED', `hand-off ${claim.handoffId} was taken up by run ${handoff.claimedBy}; an identity is handed to one run`, {
      facts: { handoffId: claim.handoffId, claimedBy: handoff.claimedBy },
    });
  }
}

/** True when `advance` follows `head` directly. */
export function followsHead(advance: ChainAdvance, head: ChainHead): boolean {
  return advance.claimed.sequence === head.sequence + 1 && advance.claimed.previous === head.head;
}

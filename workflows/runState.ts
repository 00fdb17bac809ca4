// Per-run governance state of a workflow. The Temporal workflow sandbox gives every
// workflow execution its own copy of module state, so these are per run.
import { patched } from '@temporalio/workflow';
import type { LineageLink, VerifiedPrincipal } from '../core/protocol/authorizeContract';

/**
 * Temporal patch ids (`patched`) of changes to the commands a governed run issues, so that
 * histories recorded before each change still replay: the auditor replays them, and runs in
 * flight during an upgrade continue on the new workers.
 */
export const CHAIN_TURNS_PATCH = 'writ-chain-turns-1';
export const IDENTITY_HANDOFF_PATCH = 'writ-identity-handoff-1';
import type { OperatorActReceipt, PendingApproval } from '../core/protocol/operatorContract';

/** A request waiting for approvers, with the statements gathered so far. */
export interface PendingState extends PendingApproval {
  approvers: string[];
  /** The verified approval statements, presented to the re-authorization as evidence. */
  statements: string[];
  deniedBy: { approver: string; reason: string | null } | undefined;
}

interface RunState {
  /**
   * The token the run was started with, if any. Used only to replay a run recorded before
   * hand-offs existed, whose child and continued runs were started with the token copied.
   */
  identityToken: string | undefined;
  principal: VerifiedPrincipal | undefined;
  /** Next authorization's link in the chain. */
  lineage: LineageLink;
  /** Settles when the run's latest authorization has answered: the next one waits for it. */
  chainTurn: Promise<void>;
  /** Governed steps started so far; names the next step deterministically. */
  steps: number;
  /** Artifacts waiting to be attached to the action they authorize, by activity id. */
  readonly pendingArtifacts: Map<string, string>;
  /** The request awaiting approval, if any. */
  pending: PendingState | undefined;
  /** Approval statements presented in this run (by jti): a replay is refused. */
  readonly seenStatementIds: string[];
  /** Set once an operator's revocation of this run was verified and recorded. */
  revoked: OperatorActReceipt | undefined;
}

const state: RunState = {
  identityToken: undefined,
  principal: undefined,
  lineage: { sequence: 1, previous: null, parent: null },
  chainTurn: Promise.resolve(),
  steps: 0,
  pendingArtifacts: new Map(),
  pending: undefined,
  seenStatementIds: [],
  revoked: undefined,
};

/** The governance state of the current run. */
export function runState(): RunState {
  return state;
}

/**
 * Runs `step` (an authorization, or a hand-off that reads the chain head) after every such
 * step the run started before it has answered: the turns form one promise chain in the
 * run's state, which replays the same, being workflow code.
 */
export async function inChainTurn<R>(step: () => Promise<R>): Promise<R> {
  // Histories recorded before turns existed ran concurrent authorizations side by side.
  if (!patched(CHAIN_TURNS_PATCH)) return step();
  const turn = state.chainTurn.then(step);
  state.chainTurn = turn.then(
    () => undefined,
    () => undefined,
  );
  return turn;
}

// Per-run governance state of a workflow. The Temporal workflow sandbox gives every
// workflow execution its own copy of module state, so these are per run.
import type { LineageLink, VerifiedPrincipal } from '../../protocol/authorizeContract';

interface RunState {
  identityToken: string | undefined;
  principal: VerifiedPrincipal | undefined;
  /** Next authorization's link in the chain. */
  lineage: LineageLink;
  /** Governed steps started so far; names the next step deterministically. */
  steps: number;
  /** Artifacts waiting to be attached to the action they authorize, by activity id. */
  readonly pendingArtifacts: Map<string, string>;
}

const state: RunState = {
  identityToken: undefined,
  principal: undefined,
  lineage: { sequence: 1, previous: null, parent: null },
  steps: 0,
  pendingArtifacts: new Map(),
};

/** The governance state of the current run. */
export function runState(): RunState {
  return state;
}

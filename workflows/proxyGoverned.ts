import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { GovernedActions, GovernedProxy } from '../core/actions/types';
import type { Duration } from '@temporalio/common';
import {
  AUTHORIZE_ACTIVITY,
  REAUTHORIZE_ON,
  type ActionOutcome,
  type AuthorizeOutcome,
  type AuthorizeRequest,
} from '../core/protocol/authorizeContract';
import { awaitApprovals } from './awaitApprovals';
import { WRIT_ERROR_CODES, type WritErrorCode } from '../core/errors/writError';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import { requireBoundedInput, resolveMaxInputBytes } from '../core/protocol/inputBounds';
import { inChainTurn, runState } from './runState';

/**
 * How many authorizations one step may make: the first, one after approvals arrive, and
 * re-authorizations after a stale or expired decision.
 */
const MAX_AUTHORIZATION_ROUNDS = 4;

/** Activity options for the actions, plus how long a step may wait for approvals. */
export type GovernedOptions = ActivityOptions & {
  /** Overrides the policy's `@approvalTimeoutSeconds` for steps that need approval. */
  readonly approvalTimeout?: Duration;
  /**
   * The longest a step waits for approvals, whatever the policy (or `approvalTimeout`)
   * allows: the wait is the shorter of the two. For callers that answer someone waiting
   * (an agent's tool call) and must not leave a step able to run after they gave up.
   */
  readonly maxApprovalWait?: Duration;
  /**
   * The largest argument a step may take, in bytes as the payload converter encodes it
   * (default `DEFAULT_MAX_INPUT_BYTES`, 256 KiB; at most `MAX_INPUT_BYTES_CEILING`, 1 MiB).
   * A larger argument fails the step with INPUT_TOO_LARGE before anything is scheduled.
   */
  readonly maxInputBytes?: number;
};

type AnyActivity = (...args: unknown[]) => Promise<unknown>;

/**
 * The workflow-side face of governed actions: `proxyGoverned<typeof actions>(options)`
 * returns functions that look like activities. Each call is a governed step:
 * authorize (a recorded activity), then the action with its artifact attached, then the
 * receipt, which the enforcement point signs and returns with the result.
 */
export function proxyGoverned<T extends GovernedActions>(governedOptions: GovernedOptions): GovernedProxy<T> {
  return proxyGovernedUntil<T>(governedOptions, undefined);
}

/**
 * `proxyGoverned` for a caller that may withdraw its call (an agent's cancelled tool call):
 * once `withdrawn()` is true, a step that has not scheduled its action fails CALL_CANCELLED
 * and schedules nothing more (an approval wait ends at once); an action already scheduled
 * runs to its end and its step answers as usual. Checked before each authorization, in
 * the approval wait and before the action is scheduled; never true in a run that was not
 * withdrawn from, so such a run issues the same commands as under `proxyGoverned`.
 */
export function proxyGovernedUntil<T extends GovernedActions>(governedOptions: GovernedOptions, withdrawn: (() => boolean) | undefined): GovernedProxy<T> {
  const { approvalTimeout, maxApprovalWait, maxInputBytes, ...options } = governedOptions;
  // Validated at each step, not here: proxies are often made at module scope, where a throw
  // would fail every workflow task instead of failing the run with its code.
  const bound = () => asFailure(() => resolveMaxInputBytes(maxInputBytes), 'CONFIG_INVALID');
  return new Proxy({} as GovernedProxy<T>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      return (input: unknown) => governedStep(name, input, options, { approvalTimeout, maxApprovalWait, withdrawn }, bound);
    },
  });
}

/** Runs a check of Writ's, its WritError becoming a non-retryable failure typed by its code. */
function asFailure<R>(check: () => R, fallbackCode: WritErrorCode): R {
  try {
    return check();
  } catch (error) {
    throw toApplicationFailure(error, fallbackCode);
  }
}

async function governedStep(
  action: string,
  input: unknown,
  options: ActivityOptions,
  approvalWait: { approvalTimeout: Duration | undefined; maxApprovalWait: Duration | undefined; withdrawn: (() => boolean) | undefined },
  maxInputBytes: () => number,
): Promise<unknown> {
  const state = runState();
  if (state.principal === undefined) {
    throw ApplicationFailure.create({ type: 'IDENTITY_MISSING', message: 'governed step without an identity', nonRetryable: true });
  }
  // Before anything is scheduled: an argument over the bound would fail the workflow task
  // on Temporal's payload limit again and again; refused here, the run fails with a reason.
  const bound = maxInputBytes();
  asFailure(() => requireBoundedInput(action, [input], bound), 'INPUT_INVALID');
  state.steps += 1;
  const stepId = `writ-step-${state.steps}`;
  // The action's task queue, which the artifact binds; authorization runs where the run's
  // identity check said the authorizer is (recorded in history), else beside the action.
  const actionTaskQueue = options.taskQueue ?? workflowInfo().taskQueue;
  const authorizeTaskQueue = state.principal?.authorizerTaskQueue ?? options.taskQueue;
  const authorizeOn = proxyActivities<Record<string, (request: AuthorizeRequest) => Promise<AuthorizeOutcome>>>({
    startToCloseTimeout: '15s',
    ...(authorizeTaskQueue === undefined ? {} : { taskQueue: authorizeTaskQueue }),
    // Every decision is final: each failure authorize raises is non-retryable on its own
    // (toApplicationFailure), so only an attempt whose worker was lost before answering is
    // tried again. The codes are not repeated as nonRetryableErrorTypes: that list would
    // be written into history with every step for no added safety.
    retry: { maximumAttempts: 3 },
  });

  let approvals: string[] = [];
  for (let round = 1; round <= MAX_AUTHORIZATION_ROUNDS; round += 1) {
    if (state.revoked !== undefined) {
      throw ApplicationFailure.create({ type: 'AUTHORITY_REVOKED', message: `revoked by ${state.revoked.by}: ${state.revoked.reason}`, nonRetryable: true });
    }
    requireNotWithdrawn(action, approvalWait.withdrawn);
    const activityId = `${stepId}.${round}`;
    const args = [input];
    // One authorization of the run at a time: each takes the next link of the run's chain,
    // which the governance store hands out once, so concurrent steps queue here (their
    // actions still run side by side).
    const outcome = await inChainTurn(async () => {
      const decided = await rethrowDenial(() =>
        authorizeOn[AUTHORIZE_ACTIVITY]!({
          action,
          args,
          stepId,
          activityId,
          taskQueue: actionTaskQueue,
          lineage: state.lineage,
          ...(approvals.length === 0 ? {} : { approvals }),
        }),
      );
      if (decided.decision === 'permit') {
        state.lineage = { sequence: state.lineage.sequence + 1, previous: decided.artifactDigest, parent: state.lineage.parent };
      }
      return decided;
    });
    if (outcome.decision === 'approval-required') {
      // Wait for approvers, then authorize again with their statements as evidence.
      approvals = await awaitApprovals(outcome.request, approvalWait.approvalTimeout, approvalWait.maxApprovalWait, approvalWait.withdrawn);
      continue;
    }
    const authorization = outcome;
    // Withdrawn while it was authorized: the artifact, never presented, authorizes nothing.
    requireNotWithdrawn(action, approvalWait.withdrawn);

    const act = proxyActivities<Record<string, AnyActivity>>({
      ...options,
      activityId,
      // The enforcement point's refusals are non-retryable failures in themselves.
      retry: { ...options.retry, maximumAttempts: authorization.maxAttempts },
    });
    state.pendingArtifacts.set(activityId, authorization.artifact);
    try {
      const outcome = (await act[action]!(...args)) as ActionOutcome;
      return outcome.result;
    } catch (error) {
      const code = writCode(error);
      if (code !== undefined && (REAUTHORIZE_ON as readonly string[]).includes(code) && round < MAX_AUTHORIZATION_ROUNDS) continue;
      throw code === undefined ? error : denial(error as ActivityFailure, code);
    } finally {
      state.pendingArtifacts.delete(activityId);
    }
  }
  throw ApplicationFailure.create({ type: 'REAUTHORIZATION_EXHAUSTED', message: `${action}: no current authorization after ${MAX_AUTHORIZATION_ROUNDS} rounds`, nonRetryable: true });
}

/** CALL_CANCELLED once the caller has withdrawn the call: nothing more is scheduled for it. */
function requireNotWithdrawn(action: string, withdrawn: (() => boolean) | undefined): void {
  if (withdrawn?.() === true) throw ApplicationFailure.create({ type: 'CALL_CANCELLED', message: `${action}: the caller withdrew the call before it ran`, nonRetryable: true });
}

async function rethrowDenial<R>(call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    const code = writCode(error);
    throw code === undefined ? error : denial(error as ActivityFailure, code);
  }
}

/** The Writ code of an activity failure, if Writ raised it. */
function writCode(error: unknown): string | undefined {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return undefined;
  const type = error.cause.type;
  return type !== undefined && type !== null && (WRIT_ERROR_CODES as readonly string[]).includes(type) ? type : undefined;
}

/** A denial surfaces in the workflow as a non-retryable failure typed by its code. */
function denial(error: ActivityFailure, code: string): ApplicationFailure {
  const cause = error.cause as ApplicationFailure;
  return ApplicationFailure.create({ type: code, message: cause.message, nonRetryable: true, details: cause.details ?? [], cause: error });
}

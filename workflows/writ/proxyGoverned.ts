import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { GovernedActions, GovernedProxy } from '../../actions/types';
import {
  AUTHORIZE_ACTIVITY,
  REAUTHORIZE_ON,
  type ActionOutcome,
  type AuthorizeRequest,
  type AuthorizeResult,
} from '../../protocol/authorizeContract';
import { WRIT_ERROR_CODES } from '../../errors/writError';
import { runState } from './runState';

/** How often one step may authorize again after a stale or expired decision. */
const MAX_AUTHORIZATION_ROUNDS = 3;

type AnyActivity = (...args: unknown[]) => Promise<unknown>;

/**
 * The workflow-side face of governed actions: `proxyGoverned<typeof actions>(options)`
 * returns functions that look like activities. Each call is a governed step:
 * authorize (a recorded activity), then the action with its artifact attached, then the
 * receipt, which the enforcement point signs and returns with the result.
 */
export function proxyGoverned<T extends GovernedActions>(options: ActivityOptions): GovernedProxy<T> {
  return new Proxy({} as GovernedProxy<T>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      return (input: unknown) => governedStep(name, input, options);
    },
  });
}

async function governedStep(action: string, input: unknown, options: ActivityOptions): Promise<unknown> {
  const state = runState();
  if (state.identityToken === undefined) {
    throw ApplicationFailure.create({ type: 'IDENTITY_MISSING', message: 'governed step without an identity', nonRetryable: true });
  }
  state.steps += 1;
  const stepId = `writ-step-${state.steps}`;
  const authorizeOn = proxyActivities<Record<string, (request: AuthorizeRequest) => Promise<AuthorizeResult>>>({
    startToCloseTimeout: '15s',
    ...(options.taskQueue === undefined ? {} : { taskQueue: options.taskQueue }),
    // Every decision is final (non-retryable); only an attempt whose worker was lost
    // before answering is tried again.
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...WRIT_ERROR_CODES] },
  });

  for (let round = 1; round <= MAX_AUTHORIZATION_ROUNDS; round += 1) {
    const activityId = `${stepId}.${round}`;
    const args = [input];
    const authorization = await rethrowDenial(() =>
      authorizeOn[AUTHORIZE_ACTIVITY]!({ action, args, stepId, activityId, identityToken: state.identityToken!, lineage: state.lineage }),
    );
    state.lineage = { sequence: state.lineage.sequence + 1, previous: authorization.artifactDigest, parent: state.lineage.parent };

    const act = proxyActivities<Record<string, AnyActivity>>({
      ...options,
      activityId,
      retry: { ...options.retry, maximumAttempts: authorization.maxAttempts, nonRetryableErrorTypes: [...(options.retry?.nonRetryableErrorTypes ?? []), ...WRIT_ERROR_CODES] },
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

// The benchmark's four workflow variants. Each runs K steps of the same action one after
// another and returns how long each step took as the workflow saw it: workflow time is
// the time of the workflow task that scheduled the step and of the one that received its
// result, so a step's latency includes every activity and workflow task in between.
// Workflow code: deterministic, activity types only.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import { proxyGoverned } from '../../workflows';
import type { BaselineActivities, BenchActions, BenchRecordInput, SameBytesActivities, SameBytesSizes } from './benchActions';

/** What the client asks one benchmark workflow to do. */
export interface BenchWorkflowRequest {
  readonly steps: number;
  /** `two-activity-same-bytes` only: the governed step's sizes to carry (absent for the other variants). */
  readonly sameBytes?: SameBytesSizes;
}

/** What one benchmark workflow reports: each step's latency, in milliseconds. */
export interface BenchWorkflowResult {
  readonly stepLatenciesMs: number[];
}

const ACTIVITY_OPTIONS = { startToCloseTimeout: '30s' } as const;

/** `ungoverned`: the action activity alone. */
export async function ungovernedSteps(request: BenchWorkflowRequest): Promise<BenchWorkflowResult> {
  const { benchRecord } = proxyActivities<BaselineActivities>(ACTIVITY_OPTIONS);
  return timeSteps(request, (input) => benchRecord(input));
}

/**
 * `two-activity`: a recorded no-op before each action, with no policy and no crypto: the
 * floor of any design that records authorization as an activity of its own.
 */
export async function twoActivitySteps(request: BenchWorkflowRequest): Promise<BenchWorkflowResult> {
  const { benchPreflight, benchRecord } = proxyActivities<BaselineActivities>(ACTIVITY_OPTIONS);
  return timeSteps(request, async (input) => {
    await benchPreflight({ action: 'benchRecord', args: [input] });
    return benchRecord(input);
  });
}

/**
 * `two-activity-same-bytes`: the two-activity step carrying as many bytes through history
 * as a governed step: a string as long as the authorize request's other members in the preflight request, a preflight
 * result as long as an authorize result, an artifact-long string to the action and a
 * receipt-long string in its result (the two results are padded by the activities). The
 * floor of any design that records an authorization artifact of Writ's size.
 */
export async function twoActivitySameBytesSteps(request: BenchWorkflowRequest): Promise<BenchWorkflowResult> {
  const sizes = request.sameBytes;
  if (sizes === undefined) throw ApplicationFailure.nonRetryable('twoActivitySameBytesSteps needs the sizes to carry (request.sameBytes)', 'BENCH_REQUEST_INVALID');
  const { benchPreflight, benchRecord } = proxyActivities<SameBytesActivities>(ACTIVITY_OPTIONS);
  const padding = 'x'.repeat(sizes.authorizeRequestExtra);
  // Stands in for the artifact header; as an argument instead, the server stores the bytes either way.
  const artifact = 'x'.repeat(sizes.artifact);
  return timeSteps(request, async (input) => {
    await benchPreflight({ action: 'benchRecord', args: [input], padding });
    return benchRecord(input, artifact);
  });
}

/** `governed`: Writ's governed step (authorize, enforce, act, receipt), permit path. */
export async function governedSteps(request: BenchWorkflowRequest): Promise<BenchWorkflowResult> {
  const { benchRecord } = proxyGoverned<BenchActions>(ACTIVITY_OPTIONS);
  return timeSteps(request, (input) => benchRecord(input));
}

async function timeSteps(request: BenchWorkflowRequest, step: (input: BenchRecordInput) => Promise<unknown>): Promise<BenchWorkflowResult> {
  const stepLatenciesMs: number[] = [];
  for (let sequence = 1; sequence <= request.steps; sequence += 1) {
    const started = Date.now();
    await step({ sequence, amountCents: 100 + sequence, note: 'benchmark step' });
    stepLatenciesMs.push(Date.now() - started);
  }
  return { stepLatenciesMs };
}

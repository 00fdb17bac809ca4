import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { GovernanceDeps } from '../../activities/governanceDeps';
import { createVerifyIdentity } from '../../activities/verifyIdentity';
import type { LineageLink } from '../../core/protocol/authorizeContract';
import { quietMockOptions } from '../activities/realGovernanceDeps';

/**
 * Makes `info`'s run one that passed Writ's identity check with `identityToken`, through the
 * real `writ.verifyIdentity`, as a governed run's first step does; a run already registered
 * is left as it is. Activity-level tests of authorize and enforcement start here.
 */
export async function registerRun(deps: GovernanceDeps, info: Partial<Info>, identityToken: string): Promise<void> {
  const { activityNamespace, workflowExecution } = info;
  if (activityNamespace === undefined || workflowExecution === undefined) throw new Error('registerRun needs a namespace and a workflow execution');
  if ((await deps.governance.registeredRun(activityNamespace, workflowExecution.runId)) !== undefined) return;
  await new MockActivityEnvironment({ ...info, activityType: 'writ.verifyIdentity', activityId: '1' }, quietMockOptions()).run(createVerifyIdentity(deps), { identityToken });
}

/** The link the next authorization of `info`'s run takes, as the governed step tracks it. */
export async function nextLink(deps: GovernanceDeps, info: Partial<Info>): Promise<LineageLink> {
  const run = await deps.governance.registeredRun(info.activityNamespace!, info.workflowExecution!.runId);
  if (run === undefined) throw new Error('nextLink: the run is not registered');
  return { sequence: run.chain.sequence + 1, previous: run.chain.head, parent: run.parent };
}

import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { sha256Digest } from '../core/canonical/digest';
import { WritPlugin } from '../core/plugin/writPlugin';
import { quietBundlerLogger } from './quietBundlerLogger';

/** A workflow bundle with Writ's interceptors in it, and the digest artifacts cite. */
export interface GovernedBundle {
  /** The bundle, as `Worker.create({ workflowBundle })` and `Worker.runReplayHistories` take it. */
  readonly bundle: WorkflowBundleOption;
  /** `sha256:<hex>` of the bundle's code, which artifacts cite as the code that ran. */
  readonly codeDigest: string;
}

/**
 * Bundles workflow code as `bundleWorkflowCode({ workflowsPath, plugins: [new WritPlugin()] })`
 * does, quietly. Bundling takes seconds: do it once per process (or test run) and share
 * the result between workers.
 */
export async function bundleGovernedWorkflows(workflowsPath: string): Promise<GovernedBundle> {
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger, plugins: [new WritPlugin()] });
  return { bundle, codeDigest: sha256Digest(bundle.code) };
}

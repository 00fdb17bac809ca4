import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { sha256Digest } from '../core/canonical/digest';

/** Path of Writ's workflow interceptor module, resolved for source (tests) and build. */
export const WORKFLOW_INTERCEPTORS_MODULE = require.resolve('../workflows/interceptors');

/** A workflow bundle with Writ's interceptors in it, and the digest artifacts cite. */
export interface GovernedBundle {
  readonly bundle: WorkflowBundleOption;
  readonly codeDigest: string;
}

/**
 * Bundles workflow code with Writ's workflow interceptors. Bundling takes seconds: do
 * it once per process (or test run) and share the result between workers.
 */
export async function bundleGovernedWorkflows(workflowsPath: string): Promise<GovernedBundle> {
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_MODULE],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  return { bundle, codeDigest: sha256Digest(bundle.code) };
}

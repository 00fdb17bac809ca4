import { readFileSync } from 'node:fs';
import { sha256Digest } from '../../core/canonical/digest';
import { bundleGovernedWorkflows, type GovernedBundle } from '../../worker/bundleGovernedWorkflows';

/** Path of the test workflows the run bundles once. */
export const TEST_WORKFLOWS = require.resolve('../fixtures/workflows');

/**
 * The workflow bundle for this test run. globalSetup bundles once and publishes the file
 * in WRIT_TEST_BUNDLE; a test file run on its own bundles itself.
 */
export async function sharedBundle(): Promise<GovernedBundle> {
  const path = process.env['WRIT_TEST_BUNDLE'];
  if (path === undefined) return bundleGovernedWorkflows(TEST_WORKFLOWS);
  const code = readFileSync(path, 'utf8');
  return { bundle: { code }, codeDigest: sha256Digest(code) };
}

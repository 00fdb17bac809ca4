import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The policy set the three example projects share (`examples/policies`: one schema, id
 * `writ-examples`), found above this module whether it runs from source or from the build
 * (`dist/examples/`, where tsc copies no `.cedar` files).
 */
export const EXAMPLE_POLICIES_DIR = findExamplePolicies(__dirname);

/** The examples' workflows module: what their worker bundles and what their histories replay against. */
export const EXAMPLE_WORKFLOWS = require.resolve('./workflows');

function findExamplePolicies(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'examples', 'policies');
    if (existsSync(join(candidate, 'policy-set.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find examples/policies above ${from}`);
  }
}

/** The environment the examples read configuration from: WRIT_POLICIES_DIR defaults to their policy set. */
export function exampleEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, WRIT_POLICIES_DIR: env['WRIT_POLICIES_DIR'] || EXAMPLE_POLICIES_DIR };
}

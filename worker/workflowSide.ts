import type { BundleOptions } from '@temporalio/worker';

/** The package name users install Writ under; its `/workflow` entry is what workflow code imports. */
export const WRIT_PACKAGE_NAME = 'writ-governance';

/**
 * Path of Writ's workflow interceptor module, resolved from this file: the same tree
 * (the build's, or the sources' in Writ's own tests) as the `/workflow` entry the alias
 * below points at, so a bundle holds one copy of Writ's workflow side.
 */
export const WORKFLOW_INTERCEPTORS_MODULE = require.resolve('../workflows/interceptors');

/**
 * A string Writ's interceptor module carries (`WRIT_WORKFLOW_INTERCEPTORS` in
 * workflows/interceptors.ts), so a prebuilt bundle can be checked for it: a bundle made
 * without the plugin would run governed steps with no identity check and no artifacts.
 */
export const WORKFLOW_INTERCEPTORS_MARK = 'writ:workflow-interceptors/1';

/** The workflow-side entry points, resolved in this file's tree. */
const WORKFLOW_ENTRIES: Record<string, string> = {
  [`${WRIT_PACKAGE_NAME}/workflow$`]: require.resolve('../exports/workflow'),
  [`${WRIT_PACKAGE_NAME}/workflow-interceptors$`]: require.resolve('../exports/workflowInterceptors'),
};

/**
 * Makes the bundler resolve `writ-governance/workflow` to the same tree as the interceptor
 * module. Run state (identity, lineage, pending artifacts) is module state shared by the
 * interceptors and `proxyGoverned`: two copies of the workflow side in one bundle (a
 * linked checkout, a second installed copy) would each see half of it. Runs after any
 * hook the caller already set.
 */
export function aliasWritWorkflowSide(hook: NonNullable<BundleOptions['webpackConfigHook']> | undefined): NonNullable<BundleOptions['webpackConfigHook']> {
  return (config) => {
    const configured = hook === undefined ? config : hook(config);
    const resolve = configured.resolve ?? {};
    // Temporal's bundler sets an object of aliases; a hook may have turned it into webpack's list form.
    const alias = Array.isArray(resolve.alias)
      ? [...resolve.alias, ...Object.entries(WORKFLOW_ENTRIES).map(([name, target]) => ({ name: name.slice(0, -1), alias: target, onlyModule: true }))]
      : { ...(resolve.alias ?? {}), ...WORKFLOW_ENTRIES };
    return { ...configured, resolve: { ...resolve, alias } };
  };
}

/**
 * `writ-governance/workflow-interceptors`: Writ's workflow interceptor module, for a
 * bundle made without the plugin (`bundleWorkflowCode({ workflowInterceptorModules:
 * [require.resolve('writ-governance/workflow-interceptors')] })`). With `WritPlugin` given
 * to the bundler or the worker, it is added for you.
 *
 * @packageDocumentation
 */
export { interceptors } from '../workflows/interceptors';

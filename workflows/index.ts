// Writ's workflow-side API: what workflow authors import.
export { proxyGoverned } from './proxyGoverned';
export type { GovernedActions, GovernedProxy } from '../core/actions/types';

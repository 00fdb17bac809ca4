import { AsyncLocalStorage } from 'node:async_hooks';
import type { ActionContext } from '../core/actions/types';

/**
 * Carries the verified action context from the enforcement interceptor to the action.
 * A governed action body reads it and refuses to run without it, so an action cannot
 * execute on a worker where the enforcement point was not installed.
 */
export const actionContextStore = new AsyncLocalStorage<ActionContext>();

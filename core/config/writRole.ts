import type { Assert, SameType } from '../types/sameType';

/**
 * What a governed worker does. An `authorizer` holds the authorization signing key, the
 * policies and the action declarations, and serves `writ.authorize` on its own task queue;
 * an `executor` holds only the authorization keys' public set and its own receipt key, and
 * runs the workflows, the enforcement point and the action bodies; `all` is both in one
 * worker, the development default.
 */
export type WritRole = 'all' | 'authorizer' | 'executor';

/** Every `WritRole`, for the schemas and flags that read one. */
export const WRIT_ROLES = ['all', 'authorizer', 'executor'] as const satisfies readonly WritRole[];
type _EveryRoleListed = Assert<SameType<WritRole, (typeof WRIT_ROLES)[number]>>;

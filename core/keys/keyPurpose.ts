import type { Assert, SameType } from '../types/sameType';

/**
 * What a Writ key may sign. An `authorization` key signs authorization artifacts and is
 * held by the authorizer; a `receipt` key signs execution receipts and is held by an
 * executor. A verifier refuses an artifact signed by a receipt key and a receipt signed
 * by an authorization key, so an executor cannot authorize and an authorizer cannot
 * attest to an execution.
 */
export type KeyPurpose = 'authorization' | 'receipt';

/** Every `KeyPurpose`, for the schemas that read one. */
export const KEY_PURPOSES = ['authorization', 'receipt'] as const satisfies readonly KeyPurpose[];
type _EveryKeyPurposeListed = Assert<SameType<KeyPurpose, (typeof KEY_PURPOSES)[number]>>;

/**
 * The JWK member, Writ's own, that says what a published key may sign. A key published
 * without it was made before keys had purposes, when one key signed artifacts and
 * receipts alike: verifiers accept both from it, within its signing period.
 */
export const KEY_PURPOSE_MEMBER = 'writ_purpose';

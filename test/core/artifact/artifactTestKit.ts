import { sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256Digest } from '../../../core/canonical/digest';
import type { Signer } from '../../../core/artifact/mintArtifact';
import type { ExecutionFacts } from '../../../core/artifact/verify/executionFacts';
import type { VerificationContext } from '../../../core/artifact/verifyArtifact';
import { isWritError } from '../../../core/errors/writError';
import { KeyStore, type SigningKey } from '../../../core/keys/keyStore';
import type { KeyPurpose } from '../../../core/keys/keyPurpose';
import type { PublicSigningJwk } from '../../../core/keys/ed25519Jwk';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';
import type { ForgeTarget } from '../../support/forgeArtifact';

/**
 * A real key store in a temporary directory, its active signer and the trusted key set a
 * verifier would build from the store's published JWKS. Nothing here is mocked.
 */
export interface RealKeys {
  readonly signer: Signer;
  /** The same key as a KeyObject, for tests that sign what Writ's signer never would. */
  readonly signingKey: SigningKey;
  readonly trusted: TrustedKeySet;
  /** The store's published key set, as a verifier would be given it. */
  readonly published: readonly PublicSigningJwk[];
  /** Removes the temporary directory. */
  readonly dispose: () => void;
}

/** Creates a key store of `purpose` (default authorization) in a fresh temporary directory with one active Ed25519 key. */
export async function createRealKeys(purpose: KeyPurpose = 'authorization'): Promise<RealKeys> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-artifact-keys-'));
  const store = KeyStore.open(path.join(dir, 'keys'), { purpose });
  await store.ensureActive();
  const signer = await store.loadSigner();
  const signingKey = await store.loadSigningKey();
  const published = store.exportPublicJwks().keys;
  const trusted = TrustedKeySet.fromJwks({ keys: published });
  return { signer, signingKey, trusted, published, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The policy digest the example artifacts are minted under. */
export const ACTIVE_POLICY_DIGEST = sha256Digest('policy set in force');

/** The execution every artifact in these tests is minted for, unless a test spoils it. */
export const TARGET: ForgeTarget = {
  namespace: 'writ',
  taskQueue: 'writ-governed',
  workflowId: 'transfer-42',
  runId: '5b1c1b8e-6f8c-4d1e-9a3e-1f2a3b4c5d6e',
  activityId: 'writ-step-1.1',
  action: 'transferFunds',
  args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 777 }],
  policyDigest: ACTIVE_POLICY_DIGEST,
};

/** The facts of the execution `TARGET` describes, on its first attempt. */
export function factsFor(target: ForgeTarget, changes: Partial<ExecutionFacts> = {}): ExecutionFacts {
  return {
    namespace: target.namespace,
    taskQueue: target.taskQueue,
    workflowId: target.workflowId,
    runId: target.runId,
    activityId: target.activityId,
    activityType: target.action,
    attempt: 1,
    args: target.args,
    ...changes,
  };
}

/** A verification context at `now` with zero skew and the configured maximum lifetime. */
export function contextAt(trusted: TrustedKeySet, now: Date, changes: Partial<VerificationContext> = {}): VerificationContext {
  return { keys: trusted, now, clockSkewSeconds: 0, maxLifetimeSeconds: 900, activePolicyDigest: ACTIVE_POLICY_DIGEST, ...changes };
}

/** base64url of the UTF-8 JSON text of `value`. */
export function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The JSON payload of a compact JWS, decoded without any check. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Signs `header.payload` with an Ed25519 key directly through node:crypto, so headers jose
 * would refuse to produce (`b64: false` without `crit`, embedded `jwk`) still carry a
 * genuine signature and only the header itself is wrong.
 */
export function signCompactEd25519(header: Record<string, unknown>, payload: unknown, key: KeyObject): string {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput, 'ascii'), key).toString('base64url')}`;
}

/**
 * The WritError code `action` rejects with, 'NO_ERROR' when it resolves, or the thrown
 * value itself when it is not a WritError (so jest prints what really happened).
 */
export async function rejectionCode(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
    return 'NO_ERROR';
  } catch (error) {
    return isWritError(error) ? error.code : error;
  }
}

/** The thrown value of `action`, or undefined when it resolves. */
export async function rejectionOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
    return undefined;
  } catch (error) {
    return error;
  }
}

import { CompactSign } from 'jose';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { canonicalDigest } from '../../core/canonical/digest';
import { intentDigest } from '../../core/artifact/intentDigest';
import { mintArtifact, type ArtifactContent, type Signer } from '../../core/artifact/mintArtifact';
import { localSigner } from '../../core/keys/localSigner';

/** The execution an artifact is forged for. */
export interface ForgeTarget {
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly activityId: string;
  readonly action: string;
  readonly args: readonly unknown[];
  readonly policyDigest: string;
}

/** Content of an artifact that would be valid for `target`, to be spoiled one way. */
export function validContent(target: ForgeTarget): ArtifactContent {
  return {
    principal: { id: 'alice', groups: ['treasury'], issuer: 'writ-dev-idp', tokenDigest: canonicalDigest('token') },
    runtime: {
      namespace: target.namespace,
      taskQueue: target.taskQueue,
      workflowId: target.workflowId,
      runId: target.runId,
      workflowType: 'scheduleWithArtifact',
      stepId: 'writ-step-1',
      activityId: target.activityId,
      maxAttempts: 1,
    },
    policy: { setId: 'writ-examples', version: 'test', digest: target.policyDigest, determiningPolicies: ['transfers-permit-treasury'] },
    intent: { action: target.action, argsDigest: intentDigest(target.action, target.args) },
    environment: { workerBuildId: 'test', codeDigest: canonicalDigest('code'), policyInputsDigest: canonicalDigest('inputs') },
    lineage: { sequence: 1, previous: null, parent: null },
  };
}

/** Mints with `signer` at `now` for `ttlSeconds`. */
export async function forge(content: ArtifactContent, signer: Signer, now = new Date(), ttlSeconds = 60): Promise<string> {
  return (await mintArtifact(content, signer, now, ttlSeconds)).token;
}

/** Signs an arbitrary header and payload, bypassing Writ's minting checks. */
export async function signRaw(header: Record<string, unknown>, payload: unknown, key: KeyObject): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as never).sign(key);
}

/** A fresh Ed25519 key nobody trusts. */
export function foreignSigner(kid: string): Signer {
  return localSigner(kid, generateKeyPairSync('ed25519').privateKey);
}

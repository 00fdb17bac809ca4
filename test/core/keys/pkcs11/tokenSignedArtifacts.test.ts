import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { compactVerify, importJWK } from 'jose';
import { createAuthorize } from '../../../../activities/authorize';
import { verifyArtifact } from '../../../../core/artifact/verifyArtifact';
import { sha256Digest } from '../../../../core/canonical/digest';
import { KeyStore } from '../../../../core/keys/keyStore';
import { KeyStoreTrust } from '../../../../core/keys/keyStoreTrust';
import { createTokenKey } from '../../../../core/keys/pkcs11/createTokenKey';
import { Pkcs11Signer } from '../../../../core/keys/pkcs11/pkcs11Signer';
import { TrustedKeySet } from '../../../../core/keys/trustedKeySet';
import type { AuthorizeResult } from '../../../../core/protocol/authorizeContract';
import { mintReceipt } from '../../../../core/receipt/mintReceipt';
import { verifyReceipt } from '../../../../core/receipt/verifyReceipt';
import { openRealGovernance, quietMockOptions } from '../../../activities/realGovernanceDeps';
import { forge, validContent } from '../../../support/forgeArtifact';
import { startSoftHsm, type SoftHsm } from '../../../support/softhsmToken';
import { TARGET, contextAt, factsFor, rejectionCode } from '../../artifact/artifactTestKit';
import { registerRun } from '../../../support/registeredRun';

const TOKEN = 'writ-artifacts';
const NOW = new Date('2031-03-04T05:06:07.000Z');

let hsm: SoftHsm;
let signer: Pkcs11Signer;
let trusted: TrustedKeySet;
const directories: string[] = [];

beforeAll(async () => {
  hsm = startSoftHsm([TOKEN]);
  await createTokenKey(hsm.config(TOKEN, 'writ-authz'), { env: hsm.env });
  signer = await Pkcs11Signer.open(hsm.config(TOKEN, 'writ-authz'), { env: hsm.env });
  // What `writ keys pkcs11 export` publishes: the public key, read from the token.
  trusted = TrustedKeySet.fromJwks({ keys: [signer.publicJwk] });
});

afterAll(async () => {
  await signer?.close();
  hsm?.dispose();
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

function freshKeyStore(clock: () => Date): KeyStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-token-trust-'));
  directories.push(dir);
  return KeyStore.open(path.join(dir, 'keys'), { clock });
}

describe('artifacts signed in a PKCS#11 token', () => {
  describe('when verified against the public key exported from the token', () => {
    it("pass the enforcement point's verification", async () => {
      const token = await forge(validContent(TARGET), signer, NOW);
      const claims = await verifyArtifact(token, factsFor(TARGET), contextAt(trusted, NOW));
      expect(claims.writ.intent.action).toBe(TARGET.action);
    });

    it('verify with jose too, under the pinned header', async () => {
      const { protectedHeader } = await compactVerify(await forge(validContent(TARGET), signer, NOW), await importJWK(signer.publicJwk, 'EdDSA'));
      expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'writ-authz+jwt', kid: signer.kid });
    });

    it('are still refused when presented for another execution (ARTIFACT_ARGS_MISMATCH)', async () => {
      const token = await forge(validContent(TARGET), signer, NOW);
      expect(await rejectionCode(() => verifyArtifact(token, factsFor(TARGET, { args: [{ amountCents: 1 }] }), contextAt(trusted, NOW)))).toBe('ARTIFACT_ARGS_MISMATCH');
    });

    it('make receipts that verify', async () => {
      const artifact = await forge(validContent(TARGET), signer, NOW);
      const content = { artifactId: 'artifact-1', artifactDigest: sha256Digest(artifact), runId: TARGET.runId, activityId: TARGET.activityId, attempt: 1, outcome: 'completed' as const, resultDigest: sha256Digest('{}') };
      const receipt = await mintReceipt(content, signer, NOW);
      expect((await verifyReceipt(receipt, { artifactDigest: content.artifactDigest, resultDigest: content.resultDigest }, trusted)).writ.artifactId).toBe('artifact-1');
    });
  });

  describe('when the key store publishes the token key as its active signer', () => {
    it('pass the trust a worker builds from the key store, and are refused once the store has rotated away (ARTIFACT_KEY_NOT_ACTIVE)', async () => {
      let now = NOW;
      const store = freshKeyStore(() => now);
      await store.create();
      await store.activateTokenKey(signer.publicJwk);
      const trust = new KeyStoreTrust(store, 0, 0, () => now.getTime());
      const judgedNow = (token: string) => rejectionCode(() => verifyArtifact(token, factsFor(TARGET), { ...contextAt(trusted, now), keys: trust }));
      expect(await judgedNow(await forge(validContent(TARGET), signer, now))).toBe('NO_ERROR');
      now = new Date(NOW.getTime() + 60_000);
      await store.rotate();
      now = new Date(now.getTime() + 1_000);
      expect(await judgedNow(await forge(validContent(TARGET), signer, now))).toBe('ARTIFACT_KEY_NOT_ACTIVE');
    });
  });

  describe('when writ.authorize signs with the token key', () => {
    it('mints an artifact the enforcement point verifies for the action it authorizes', async () => {
      const governance = await openRealGovernance({ signer: async () => signer, clock: () => NOW });
      try {
        const info: Partial<Info> = {
          activityNamespace: 'writ',
          taskQueue: 'writ-governed',
          workflowExecution: { workflowId: 'wf-token-1', runId: 'run-token-1' },
          workflowType: 'transferFunds',
          activityType: 'writ.authorize',
          activityId: 'writ-authorize-1',
        };
        const args = [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 2_500 }];
        await registerRun(governance.deps, info, await governance.idp.mintToken({ principal: 'alice', groups: ['treasury'] }));
        const request = { action: 'transferFunds', args, stepId: 'writ-step-1', activityId: 'writ-step-1.1', lineage: { sequence: 1, previous: null, parent: null } };
        const outcome: unknown = await new MockActivityEnvironment(info, quietMockOptions()).run(createAuthorize(governance.deps), request);
        const result = outcome as AuthorizeResult;
        expect(result.decision).toBe('permit');
        const facts = { namespace: 'writ', taskQueue: 'writ-governed', workflowId: 'wf-token-1', runId: 'run-token-1', activityId: 'writ-step-1.1', activityType: 'transferFunds', attempt: 1, args };
        const claims = await verifyArtifact(result.artifact, facts, {
          keys: trusted,
          now: NOW,
          clockSkewSeconds: 5,
          maxLifetimeSeconds: 900,
          activePolicyDigest: governance.policies.current().policySet.digest,
        });
        expect(claims.sub).toBe('alice');
      } finally {
        governance.close();
      }
    });
  });
});

import { join } from 'node:path';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHandOff } from '../../activities/handOff';
import { createVerifyIdentity } from '../../activities/verifyIdentity';
import { SignJWT } from 'jose';
import { sha256Digest } from '../../core/canonical/digest';
import { DEV_IDENTITY_ISSUER } from '../../core/identity/devIdentityProvider';
import { createStartProof } from '../../core/identity/startProof';
import { KeyStore } from '../../core/keys/keyStore';
import type { HandOffRequest, HandOffResult, VerifiedPrincipal, VerifyIdentityRequest } from '../../core/protocol/authorizeContract';
import { expectFailure, openRealGovernance, quietMockOptions, type RealGovernance } from './realGovernanceDeps';

const PARENT: Partial<Info> = {
  activityNamespace: 'writ-identity-ns',
  taskQueue: 'writ-identity-queue',
  workflowExecution: { workflowId: 'wf-parent', runId: 'run-parent' },
  workflowType: 'payrollRun',
  activityType: 'writ.verifyIdentity',
  activityId: '1',
};
const CHILD: Partial<Info> = { ...PARENT, workflowExecution: { workflowId: 'wf-child', runId: 'run-child' }, workflowType: 'payrollChild' };
const TREASURER = { principal: 'alice', groups: ['treasury'] };

const opened: RealGovernance[] = [];
afterEach(() => {
  for (const governance of opened.splice(0)) governance.close();
});

async function governanceForTest(): Promise<RealGovernance> {
  const governance = await openRealGovernance();
  opened.push(governance);
  return governance;
}

/** Runs writ.verifyIdentity as the activity of `info`'s run. */
function verifyIn(governance: RealGovernance, info: Partial<Info>, request: VerifyIdentityRequest): Promise<VerifiedPrincipal> {
  return new MockActivityEnvironment(info, quietMockOptions()).run(createVerifyIdentity(governance.deps), request);
}

/** Runs writ.handOff as activity `activityId` of `info`'s run. */
function handOffIn(governance: RealGovernance, info: Partial<Info>, request: HandOffRequest, activityId = '7'): Promise<HandOffResult> {
  return new MockActivityEnvironment({ ...info, activityType: 'writ.handOff', activityId }, quietMockOptions()).run(createHandOff(governance.deps), request);
}

describe('writ.verifyIdentity', () => {
  describe('when a client started the run with a valid token', () => {
    it('registers the run as the token\'s principal, bound to the token by digest', async () => {
      const governance = await governanceForTest();
      const identityToken = await governance.idp.mintToken(TREASURER);
      await expect(verifyIn(governance, PARENT, { identityToken, parent: null })).resolves.toMatchObject({ principal: 'alice', groups: ['treasury'], origin: 'start' });
      await expect(governance.deps.governance.registeredRun('writ-identity-ns', 'run-parent')).resolves.toMatchObject({
        workflowId: 'wf-parent',
        identity: { principal: 'alice', groups: ['treasury'], tokenDigest: sha256Digest(identityToken) },
        origin: 'start',
        parent: null,
        chain: { sequence: 0, head: null },
      });
    });

    it('refuses a second identity for the same run (RUN_ALREADY_VERIFIED), keeping the first', async () => {
      const governance = await governanceForTest();
      await verifyIn(governance, PARENT, { identityToken: await governance.idp.mintToken(TREASURER) });
      const mallory = await governance.idp.mintToken({ principal: 'mallory', groups: ['treasury'] });
      await expectFailure(() => verifyIn(governance, PARENT, { identityToken: mallory }), 'RUN_ALREADY_VERIFIED');
      await expect(governance.deps.governance.registeredRun('writ-identity-ns', 'run-parent')).resolves.toMatchObject({ identity: { principal: 'alice' } });
    });

    it('refuses a parent link the start was not handed (LINEAGE_HEAD_MISMATCH), registering nothing', async () => {
      const governance = await governanceForTest();
      const identityToken = await governance.idp.mintToken(TREASURER);
      await expectFailure(() => verifyIn(governance, PARENT, { identityToken, parent: sha256Digest('someone else\'s chain') }), 'LINEAGE_HEAD_MISMATCH');
      await expect(governance.deps.governance.registeredRun('writ-identity-ns', 'run-parent')).resolves.toBeUndefined();
    });
  });

  describe('when a client starts a run with a token bound to no key', () => {
    it('lets the token start one run, and refuses it for another (IDENTITY_REPLAYED)', async () => {
      const governance = await governanceForTest();
      const identityToken = await governance.idp.mintToken(TREASURER);
      await verifyIn(governance, PARENT, { identityToken });
      // The identity check retried in the same run is the same use.
      await expect(verifyIn(governance, PARENT, { identityToken })).resolves.toMatchObject({ principal: 'alice' });
      const other = { ...PARENT, workflowExecution: { workflowId: 'wf-other', runId: 'run-other' } };
      await expectFailure(() => verifyIn(governance, other, { identityToken }), 'IDENTITY_REPLAYED');
      await expect(governance.deps.governance.registeredRun('writ-identity-ns', 'run-other')).resolves.toBeUndefined();
    });

    it('refuses one without a jti, which could start any number of runs (IDENTITY_UNBOUND)', async () => {
      const governance = await governanceForTest();
      // Signed by the provider's own key, as a provider that issues no jti would.
      const { kid, key } = await KeyStore.open(join(governance.dir, 'idp')).loadSigningKey();
      const identityToken = await new SignJWT({ groups: ['treasury'] })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
        .setIssuer(DEV_IDENTITY_ISSUER)
        .setAudience('writ')
        .setSubject('alice')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(key);
      await expectFailure(() => verifyIn(governance, PARENT, { identityToken }), 'IDENTITY_UNBOUND');
      await expect(governance.deps.governance.registeredRun('writ-identity-ns', 'run-parent')).resolves.toBeUndefined();
    });
  });

  describe('when a client starts a run with a token bound to a key', () => {
    it('needs a start proof for this run (START_PROOF_MISSING without), and each proof starts one run', async () => {
      const governance = await governanceForTest();
      const { identityToken, proofKey } = await governance.idp.mintBoundCredential(TREASURER);
      await expectFailure(() => verifyIn(governance, PARENT, { identityToken }), 'START_PROOF_MISSING');
      const startProof = await createStartProof(proofKey, { workflowId: 'wf-parent', workflowType: 'payrollRun', identityToken });
      await expectFailure(() => verifyIn(governance, { ...PARENT, workflowType: 'otherType' }, { identityToken, startProof }), 'START_PROOF_BINDING_MISMATCH');
      await expect(verifyIn(governance, PARENT, { identityToken, startProof })).resolves.toMatchObject({ principal: 'alice', origin: 'start' });
      // The same workflow id started again (a new run) with the proof read from the first run's history.
      const again = { ...PARENT, workflowExecution: { workflowId: 'wf-parent', runId: 'run-parent-2' } };
      await expectFailure(() => verifyIn(governance, again, { identityToken, startProof }), 'IDENTITY_REPLAYED');
      // A fresh proof by the key's holder starts it.
      const fresh = await createStartProof(proofKey, { workflowId: 'wf-parent', workflowType: 'payrollRun', identityToken });
      await expect(verifyIn(governance, again, { identityToken, startProof: fresh })).resolves.toMatchObject({ principal: 'alice' });
    });
  });

  describe('when the token is bad', () => {
    it.each([
      ['IDENTITY_MISSING', 'an empty token', async () => ''],
      ['IDENTITY_INVALID', 'a token that is not a JWT', async () => 'not.a.jwt'],
      [
        'IDENTITY_INVALID',
        'a token whose payload was edited to add a group',
        async (governance: RealGovernance) => {
          const [header, payload, signature] = (await governance.idp.mintToken({ principal: 'bob', groups: [] })).split('.');
          const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
          return [header, Buffer.from(JSON.stringify({ ...claims, groups: ['treasury'] })).toString('base64url'), signature].join('.');
        },
      ],
    ] as const)('fails %s for %s and registers nothing', async (code, _what, token) => {
      const governance = await governanceForTest();
      await expectFailure(async () => verifyIn(governance, PARENT, { identityToken: await token(governance) }), code);
      await expect(governance.deps.governance.registeredRun('writ-identity-ns', 'run-parent')).resolves.toBeUndefined();
    });
  });

  describe('when a registered run hands its identity to a child', () => {
    it('registers the child as the same principal, with the parent\'s chain head as its parent link', async () => {
      const governance = await governanceForTest();
      const identityToken = await governance.idp.mintToken(TREASURER);
      await verifyIn(governance, PARENT, { identityToken });
      await governance.deps.governance.advanceChain({ namespace: 'writ-identity-ns', runId: 'run-parent', claimed: { sequence: 1, previous: null }, next: 'sha256:a1', by: 'writ-step-1.1' });
      const offered = await handOffIn(governance, PARENT, { toWorkflowId: 'wf-child', kind: 'child' });
      expect(offered).toEqual({ handoffId: 'run-parent:7', parent: 'sha256:a1' });
      await expect(verifyIn(governance, CHILD, { handoff: offered.handoffId, parent: 'sha256:a1' })).resolves.toMatchObject({ principal: 'alice', origin: 'child' });
      await expect(governance.deps.governance.registeredRun('writ-identity-ns', 'run-child')).resolves.toMatchObject({
        identity: { principal: 'alice', tokenDigest: sha256Digest(identityToken) },
        origin: 'child',
        parent: 'sha256:a1',
      });
    });

    it('refuses the hand-off to another workflow (HANDOFF_INVALID) and to a second run (HANDOFF_REPLAYED)', async () => {
      const governance = await governanceForTest();
      await verifyIn(governance, PARENT, { identityToken: await governance.idp.mintToken(TREASURER) });
      const offered = await handOffIn(governance, PARENT, { toWorkflowId: 'wf-child', kind: 'child' });
      const elsewhere = { ...CHILD, workflowExecution: { workflowId: 'wf-other', runId: 'run-other' } };
      await expectFailure(() => verifyIn(governance, elsewhere, { handoff: offered.handoffId, parent: null }), 'HANDOFF_INVALID');
      await verifyIn(governance, CHILD, { handoff: offered.handoffId, parent: null });
      const again = { ...CHILD, workflowExecution: { workflowId: 'wf-child', runId: 'run-child-2' } };
      await expectFailure(() => verifyIn(governance, again, { handoff: offered.handoffId, parent: null }), 'HANDOFF_REPLAYED');
      for (const runId of ['run-other', 'run-child-2']) await expect(governance.deps.governance.registeredRun('writ-identity-ns', runId)).resolves.toBeUndefined();
    });

    it('refuses a parent link other than the one recorded at the hand-off (LINEAGE_HEAD_MISMATCH)', async () => {
      const governance = await governanceForTest();
      await verifyIn(governance, PARENT, { identityToken: await governance.idp.mintToken(TREASURER) });
      const offered = await handOffIn(governance, PARENT, { toWorkflowId: 'wf-child', kind: 'child' });
      await expectFailure(() => verifyIn(governance, CHILD, { handoff: offered.handoffId, parent: sha256Digest('forged') }), 'LINEAGE_HEAD_MISMATCH');
    });
  });

  describe('when writ.handOff is asked by a run that cannot hand anything on', () => {
    it('fails RUN_NOT_VERIFIED for a run that never passed the identity check', async () => {
      const governance = await governanceForTest();
      await expectFailure(() => handOffIn(governance, PARENT, { toWorkflowId: 'wf-child', kind: 'child' }), 'RUN_NOT_VERIFIED');
    });

    it('fails INPUT_INVALID for a continue-as-new to another workflow id, or no workflow id', async () => {
      const governance = await governanceForTest();
      await verifyIn(governance, PARENT, { identityToken: await governance.idp.mintToken(TREASURER) });
      await expectFailure(() => handOffIn(governance, PARENT, { toWorkflowId: 'wf-someone-else', kind: 'continue' }), 'INPUT_INVALID');
      await expectFailure(() => handOffIn(governance, PARENT, { toWorkflowId: '', kind: 'child' }), 'INPUT_INVALID');
    });
  });
});

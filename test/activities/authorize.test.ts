import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Info } from '@temporalio/activity';
import type { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import { createAuthorize } from '../../activities/authorize';
import { registerRun } from '../support/registeredRun';
import { DEV_IDENTITY_ISSUER } from '../../core/identity/devIdentityProvider';
import { IdentityVerifier } from '../../core/identity/identityVerifier';
import { intentDigest } from '../../core/artifact/intentDigest';
import type { ArtifactClaims } from '../../core/artifact/claims';
import { sha256Digest } from '../../core/canonical/digest';
import { KeyStore } from '../../core/keys/keyStore';
import { localSigner } from '../../core/keys/localSigner';
import type { AuthorizeRequest, AuthorizeResult } from '../../core/protocol/authorizeContract';
import { copyPolicies, expectFailure, loggedEntries, openRealGovernance, quietMockOptions, type RealGovernance } from './realGovernanceDeps';
import { DenialClaimsSchema, DENIAL_TYP } from '../../core/log/entries/denialClaims';
import { BatchingEvidenceLog } from '../../core/log/evidence/batchingEvidenceLog';
import { ensureLogKey } from '../../core/log/storage/logKeyFile';
import { LogDirectory } from '../../core/log/storage/logDirectory';

const INFO: Partial<Info> = {
  activityNamespace: 'writ-authz-ns',
  taskQueue: 'writ-authz-queue',
  workflowExecution: { workflowId: 'wf-authz-1', runId: 'run-authz-1' },
  workflowType: 'transferFunds',
  activityType: 'writ.authorize',
  activityId: 'writ-authorize-7',
};
const NOW = new Date('2031-03-04T05:06:07.000Z');
const TREASURER = { principal: 'alice', groups: ['treasury'] };
const LINEAGE = { sequence: 2, previous: sha256Digest('previous artifact'), parent: null };

const opened: RealGovernance[] = [];
const policyCopies: string[] = [];
afterEach(() => {
  for (const governance of opened.splice(0)) governance.close();
  for (const dir of policyCopies.splice(0)) rmSync(dirname(dir), { recursive: true, force: true });
});

/** A writable copy of the repository's policy set, removed after the test. */
function policyCopy(): string {
  const dir = copyPolicies();
  policyCopies.push(dir);
  return dir;
}

async function governanceWith(options: Parameters<typeof openRealGovernance>[0] = {}): Promise<RealGovernance> {
  const governance = await openRealGovernance({ clock: () => NOW, ...options });
  opened.push(governance);
  return governance;
}

/** The identity token each governance's run (INFO's) was registered with. */
const runTokens = new Map<RealGovernance, string>();

/**
 * A transfer request from `who`, as the governed step would send it, in INFO's run: the run
 * is first registered as `who` by the real `writ.verifyIdentity`, as the run's first step does.
 */
async function transferRequest(
  governance: RealGovernance,
  args: unknown,
  who: { principal: string; groups: string[] } = TREASURER,
): Promise<AuthorizeRequest> {
  if (!runTokens.has(governance)) {
    const token = await governance.idp.mintToken(who);
    await registerRun(governance.deps, INFO, token);
    runTokens.set(governance, token);
  }
  return { action: 'transferFunds', args: [args], stepId: 'step-transfer', activityId: 'transfer-activity-3', lineage: LINEAGE };
}

/**
 * Runs writ.authorize as the activity of INFO's workflow run. The request's link is the
 * one the run's chain has reached, as the governed step tracks it: LINEAGE for the first
 * authorization (the chain is first brought to LINEAGE's previous link), the next link after.
 */
async function authorizeIn(
  governance: RealGovernance,
  request: AuthorizeRequest | Promise<AuthorizeRequest>,
  info: Partial<Info> = INFO,
): Promise<AuthorizeResult> {
  const asked = await request;
  const store = governance.deps.governance;
  const registered = await store.registeredRun(INFO.activityNamespace!, INFO.workflowExecution!.runId);
  let lineage = asked.lineage;
  if (registered !== undefined) {
    if (registered.chain.sequence === 0) {
      await store.advanceChain({ namespace: registered.namespace, runId: registered.runId, claimed: { sequence: 1, previous: null }, next: LINEAGE.previous, by: 'writ-authorize-earlier' });
    } else {
      lineage = { sequence: registered.chain.sequence + 1, previous: registered.chain.head, parent: null };
    }
  }
  const env = new MockActivityEnvironment(info, quietMockOptions());
  // These requests need no approval, so the outcome is a permit or a failure.
  const outcome: unknown = await env.run(createAuthorize(governance.deps), { ...asked, lineage });
  return outcome as AuthorizeResult;
}

/** The facts a refusal records with its failure (details[0]). */
function factsOf(failure: ApplicationFailure): Record<string, unknown> {
  return (failure.details?.[0] ?? {}) as Record<string, unknown>;
}

/** A transfer request in INFO's run, its link left to the caller. */
const LINEAGE_REQUEST = (args: unknown): AuthorizeRequest => ({ action: 'transferFunds', args: [args], stepId: 'step-transfer', activityId: 'transfer-activity-3', lineage: LINEAGE });

describe('writ.authorize', () => {
  describe('when a treasurer asks for a transfer the policy permits', () => {
    it('returns a permit and an artifact bound to this run, step, action, policy and lineage', async () => {
      const governance = await governanceWith();
      const args = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 12_345, memo: 'invoice 42' };
      const request = await transferRequest(governance, args);
      const result = await authorizeIn(governance, request);
      const policySet = governance.policies.current().policySet;

      const claims = decodeJwt(result.artifact) as unknown as ArtifactClaims;
      expect(claims.sub).toBe('alice');
      expect(claims.writ.principal).toEqual({ id: 'alice', groups: ['treasury'], issuer: 'writ-dev-idp', tokenDigest: sha256Digest(runTokens.get(governance)!) });
      expect(claims.writ.runtime).toEqual({
        namespace: 'writ-authz-ns',
        taskQueue: 'writ-authz-queue',
        workflowId: 'wf-authz-1',
        runId: 'run-authz-1',
        workflowType: 'transferFunds',
        stepId: 'step-transfer',
        activityId: 'transfer-activity-3',
        maxAttempts: governance.deps.registry.get('transferFunds').maxAttempts,
      });
      expect(claims.writ.intent).toEqual({ action: 'transferFunds', argsDigest: intentDigest('transferFunds', [args]) });
      expect(claims.writ.policy).toEqual({
        setId: 'writ-examples',
        version: policySet.version,
        digest: policySet.digest,
        determiningPolicies: ['transfers-permit-treasury'],
      });
      expect(claims.writ.lineage).toEqual(LINEAGE);
      expect(claims.iat).toBe(NOW.getTime() / 1000);
      expect(claims.exp - claims.iat).toBe(governance.deps.window.ttlSeconds);

      expect(result).toEqual({
        decision: 'permit',
        approvers: [],
        artifact: expect.any(String),
        artifactDigest: sha256Digest(result.artifact),
        artifactId: claims.jti,
        principal: 'alice',
        policySetId: 'writ-examples',
        policyVersion: policySet.version,
        determiningPolicies: ['transfers-permit-treasury'],
        expiresAt: new Date(claims.exp * 1000).toISOString(),
        maxAttempts: claims.writ.runtime.maxAttempts,
        logIndex: 0,
      });
    });

    it('returns the permit only once the log holds the artifact, at the index the permit names', async () => {
      const governance = await governanceWith();
      const result = await authorizeIn(governance, await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 }));
      const entries = await loggedEntries(governance.logDir);
      expect(entries[result.logIndex!]).toEqual({ v: 1, kind: 'artifact', runId: 'run-authz-1', stepId: 'step-transfer', evidence: result.artifact });
      expect(entries.filter((entry) => entry.kind === 'artifact')).toHaveLength(1);
    });

    it('binds the task queue the request names for the action when authorization runs on another (an authorizer\'s)', async () => {
      const governance = await governanceWith();
      const request = { ...(await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 })), taskQueue: 'executor-queue' };
      const result = await authorizeIn(governance, request);
      expect((decodeJwt(result.artifact) as unknown as ArtifactClaims).writ.runtime.taskQueue).toBe('executor-queue');
    });

    it('refuses a request naming a task queue that is not a name (INPUT_INVALID)', async () => {
      const governance = await governanceWith();
      const request = { ...(await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 })), taskQueue: '' };
      await expectFailure(() => authorizeIn(governance, request), 'INPUT_INVALID');
    });

    it('signs the artifact with the active key', async () => {
      const governance = await governanceWith();
      const result = await authorizeIn(governance, await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 }));
      expect(decodeProtectedHeader(result.artifact)).toMatchObject({ alg: 'EdDSA', kid: governance.signer.kid });
      await expect(compactVerify(result.artifact, createLocalJWKSet(governance.keyStore.exportPublicJwks()))).resolves.toBeDefined();
    });
  });

  describe('when the policy denies', () => {
    it.each([
      ['the amount is over the limit', { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 1_000_001 }, ['transfers-forbid-over-limit', 'transfers-require-two-approvals']],
      ['the destination account is frozen', { fromAccount: 'acct-alice', toAccount: 'acct-mallory', amountCents: 100 }, ['transfers-forbid-frozen']],
      ['the source account is frozen', { fromAccount: 'acct-mallory', toAccount: 'acct-alice', amountCents: 100 }, ['transfers-forbid-frozen']],
    ])('fails POLICY_DENIED when %s, recording who, under which policy and why', async (_case, args, determining) => {
      const governance = await governanceWith();
      const failure = await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'POLICY_DENIED');
      const policySet = governance.policies.current().policySet;
      expect(factsOf(failure)).toMatchObject({
        principal: 'alice',
        policySetId: 'writ-examples',
        policyVersion: policySet.version,
        policyDigest: policySet.digest,
        determiningPolicies: determining,
      });
    });

    it('logs a signed denial record, verifiable with the authorization key, naming who, what, the policy and the code', async () => {
      const governance = await governanceWith();
      const args = { fromAccount: 'acct-alice', toAccount: 'acct-mallory', amountCents: 100 };
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'POLICY_DENIED');
      const entries = await loggedEntries(governance.logDir);
      expect(entries.map((entry) => [entry.kind, entry.runId, entry.stepId])).toEqual([['denial', 'run-authz-1', 'step-transfer']]);
      const record = entries[0]!.evidence;
      const { payload, protectedHeader } = await compactVerify(record, createLocalJWKSet(governance.keyStore.exportPublicJwks()));
      expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: DENIAL_TYP, kid: governance.signer.kid });
      const claims = DenialClaimsSchema.parse(JSON.parse(Buffer.from(payload).toString('utf8')));
      const policySet = governance.policies.current().policySet;
      expect(claims.writ).toEqual({
        v: 1,
        stage: 'authorize',
        code: 'POLICY_DENIED',
        principal: { id: 'alice', issuer: DEV_IDENTITY_ISSUER, tokenDigest: sha256Digest(runTokens.get(governance)!) },
        runtime: { namespace: 'writ-authz-ns', taskQueue: 'writ-authz-queue', workflowId: 'wf-authz-1', runId: 'run-authz-1', stepId: 'step-transfer', activityId: 'transfer-activity-3' },
        intent: { action: 'transferFunds', argsDigest: intentDigest('transferFunds', [args]) },
        policy: { setId: 'writ-examples', version: policySet.version, digest: policySet.digest, determiningPolicies: ['transfers-forbid-frozen'] },
      });
    });

    it('fails POLICY_DENIED with no determining policy when no permit applies', async () => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 }, { principal: 'bob', groups: ['ops'] });
      const failure = await expectFailure(() => authorizeIn(governance, request), 'POLICY_DENIED');
      expect(factsOf(failure)).toMatchObject({ principal: 'bob', determiningPolicies: [] });
    });
  });

  describe('when it runs as a local activity (its marker records no input)', () => {
    const LOCAL: Partial<Info> = { ...INFO, isLocal: true, activityId: '5' };

    it('echoes the request it answered in the permit; as an activity it does not', async () => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 });
      const result = await authorizeIn(governance, request, LOCAL);
      expect(result.decision).toBe('permit');
      expect(result.authorized).toEqual({ ...request, lineage: result.authorized!.lineage });
      expect(result.authorized!.lineage.sequence).toBe(LINEAGE.sequence);
      const next = await authorizeIn(governance, request);
      expect(next.authorized).toBeUndefined();
    });

    it('echoes it as the last detail of a refusal, after the facts of the decision', async () => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-mallory', amountCents: 100 });
      const failure = await expectFailure(() => authorizeIn(governance, request, LOCAL), 'POLICY_DENIED');
      expect(factsOf(failure)).toMatchObject({ principal: 'alice', determiningPolicies: ['transfers-forbid-frozen'] });
      expect(failure.details?.[failure.details.length - 1]).toEqual({ authorized: { ...request, lineage: expect.any(Object) } });
    });
  });

  describe('when the evidence log cannot take the artifact', () => {
    it.each([
      ['the log directory was replaced by a file', (logDir: string) => {
        rmSync(logDir, { recursive: true, force: true });
        writeFileSync(logDir, 'not a log');
      }],
      ['the checkpoint was overwritten (a corrupt directory)', (logDir: string) => writeFileSync(join(logDir, 'checkpoint'), 'garbage\n')],
    ])('denies EVIDENCE_LOG_UNAVAILABLE when %s, and returns no permit', async (_case, breakLog) => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 });
      breakLog(governance.logDir);
      const failure = await expectFailure(() => authorizeIn(governance, request), 'EVIDENCE_LOG_UNAVAILABLE');
      expect(factsOf(failure)).toMatchObject({ kind: 'artifact', runId: 'run-authz-1', stepId: 'step-transfer' });
    });

    it('denies EVIDENCE_LOG_UNAVAILABLE when another writer holds the log longer than the lock timeout', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'writ-held-log-'));
      policyCopies.push(join(dir, 'x'));
      const logDir = join(dir, 'log');
      const key = await ensureLogKey(join(dir, 'log.key'), 'localhost/writ-log');
      const directory = await LogDirectory.openShared(logDir, key, { lockTimeoutMs: 50, create: true });
      const evidenceLog = new BatchingEvidenceLog((entries) => directory.append(entries), () => directory.close());
      const governance = await governanceWith({ evidenceLog });
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 });
      const held = await LogDirectory.open(logDir, key);
      try {
        const failure = await expectFailure(() => authorizeIn(governance, request), 'EVIDENCE_LOG_UNAVAILABLE');
        expect(factsOf(failure)).toMatchObject({ logCode: 'LOG_LOCKED' });
      } finally {
        held.close();
      }
    });
  });

  describe('when the input is invalid in more than one way', () => {
    it('fails INPUT_INVALID listing every issue', async () => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: '100', sneaky: true });
      const failure = await expectFailure(() => authorizeIn(governance, request), 'INPUT_INVALID');
      const issues = factsOf(failure)['issues'] as { path: string; message: string }[];
      expect(issues.map((issue) => issue.path).sort()).toEqual(['(input)', 'amountCents']);
      expect(issues.find((issue) => issue.path === '(input)')?.message).toContain('sneaky');
    });
  });

  describe('when the action is not governed on this worker', () => {
    it('fails ACTION_UNKNOWN', async () => {
      const governance = await governanceWith();
      const request = { ...(await transferRequest(governance, {})), action: 'launchMissiles' };
      await expectFailure(() => authorizeIn(governance, request), 'ACTION_UNKNOWN');
    });
  });

  describe('when the resource does not exist', () => {
    it('fails RESOURCE_UNAVAILABLE', async () => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-nobody', toAccount: 'acct-bob', amountCents: 100 });
      await expectFailure(() => authorizeIn(governance, request), 'RESOURCE_UNAVAILABLE');
    });
  });

  describe('when the run never passed the identity check', () => {
    it('fails RUN_NOT_VERIFIED whatever the request carries, even a valid token of the old request shape', async () => {
      const governance = await governanceWith();
      const identityToken = await governance.idp.mintToken(TREASURER);
      const request: AuthorizeRequest = { action: 'transferFunds', args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 }], stepId: 'step-transfer', activityId: 'transfer-activity-3', identityToken, lineage: { sequence: 1, previous: null, parent: null } };
      await expectFailure(() => authorizeIn(governance, request), 'RUN_NOT_VERIFIED');
    });
  });

  describe('when the request claims another chain head', () => {
    const args = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 };

    it('fails LINEAGE_HEAD_MISMATCH for a link already taken, and the chain keeps the first', async () => {
      const governance = await governanceWith();
      const first = await authorizeIn(governance, transferRequest(governance, args));
      const env = new MockActivityEnvironment({ ...INFO, activityId: 'writ-authorize-8' }, quietMockOptions());
      const failure = await expectFailure(() => env.run(createAuthorize(governance.deps), { ...LINEAGE_REQUEST(args), lineage: LINEAGE }), 'LINEAGE_HEAD_MISMATCH');
      expect(factsOf(failure)).toMatchObject({ sequence: 2, head: first.artifactDigest });
    });

    it('fails LINEAGE_HEAD_MISMATCH for a parent link other than the registered one', async () => {
      const governance = await governanceWith();
      await transferRequest(governance, args);
      await governance.deps.governance.advanceChain({ namespace: INFO.activityNamespace!, runId: INFO.workflowExecution!.runId, claimed: { sequence: 1, previous: null }, next: LINEAGE.previous, by: 'earlier' });
      const env = new MockActivityEnvironment(INFO, quietMockOptions());
      await expectFailure(() => env.run(createAuthorize(governance.deps), { ...LINEAGE_REQUEST(args), lineage: { ...LINEAGE, parent: sha256Digest('a parent it never had') } }), 'LINEAGE_HEAD_MISMATCH');
    });
  });

  describe('when the identity the run was registered with has expired', () => {
    it('fails IDENTITY_EXPIRED', async () => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 });
      const registered = await governance.deps.governance.registeredRun(INFO.activityNamespace!, INFO.workflowExecution!.runId);
      // The identity provider's verifier, its clock past the token's expiry and tolerance.
      const afterExpiry = new Date((registered!.identity.expiresAt + 31) * 1000);
      const identity = await IdentityVerifier.create({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: governance.idp.jwksPath }, { clock: () => afterExpiry });
      const env = new MockActivityEnvironment(INFO, quietMockOptions());
      await expectFailure(() => env.run(createAuthorize({ ...governance.deps, identity }), request), 'IDENTITY_EXPIRED');
    });
  });

  describe('when a forbid policy errors during evaluation', () => {
    // Cedar skips a policy that errors. For a forbid that would mean "permit": Writ must
    // refuse instead. The over-limit forbid is dropped from the copy so the erroring
    // forbid is the only policy that could deny these requests.
    const OVERFLOW_POLICY =
      '@id("transfers-forbid-overflow")\nforbid (principal, action == Writ::Action::"transferFunds", resource)\nwhen { context.amountCents * 1000000000000 > 0 };\n';
    // 100,000,000 * 10^12 = 10^20 overflows Cedar's 64-bit Long (max about 9.22 * 10^18).
    const OVERFLOWING = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 100_000_000 };

    function policiesWithoutOverLimit(withOverflowForbid: boolean): string {
      const dir = policyCopy();
      const transfers = readFileSync(join(dir, 'transfers.cedar'), 'utf8');
      // The over-limit rule and the approval rule would also stop this amount: drop both,
      // so only the overflowing forbid can deny it.
      const dropped = transfers
        .replace(/@id\("transfers-forbid-over-limit"\)[^;]*;/, '')
        .replace(/@id\("transfers-require-two-approvals"\)[^;]*;/, '');
      expect(dropped).not.toBe(transfers);
      writeFileSync(join(dir, 'transfers.cedar'), dropped);
      if (withOverflowForbid) writeFileSync(join(dir, 'transfers-overflow.cedar'), OVERFLOW_POLICY);
      return dir;
    }

    it('fails POLICY_EVALUATION_ERROR naming the policy that errored', async () => {
      const governance = await governanceWith({ policiesDir: policiesWithoutOverLimit(true) });
      const ids = governance.policies.current().policySet.policies.map((policy) => policy.id);
      expect(ids).toContain('transfers-forbid-overflow');
      expect(ids).not.toContain('transfers-forbid-over-limit');
      const failure = await expectFailure(() => authorizeIn(governance, transferRequest(governance, OVERFLOWING)), 'POLICY_EVALUATION_ERROR');
      expect(factsOf(failure)).toMatchObject({ issues: [{ path: 'transfers-forbid-overflow' }], principal: 'alice' });
    });

    it('permits the same request under the same set without the erroring forbid', async () => {
      const governance = await governanceWith({ policiesDir: policiesWithoutOverLimit(false) });
      const result = await authorizeIn(governance, await transferRequest(governance, OVERFLOWING));
      expect(result.determiningPolicies).toEqual(['transfers-permit-treasury']);
    });

    it('denies an amount that does not overflow: the forbid is in force whenever it evaluates', async () => {
      const governance = await governanceWith({ policiesDir: policiesWithoutOverLimit(true) });
      const failure = await expectFailure(() => authorizeIn(governance, transferRequest(governance, { ...OVERFLOWING, amountCents: 100 })), 'POLICY_DENIED');
      expect(factsOf(failure)).toMatchObject({ determiningPolicies: ['transfers-forbid-overflow'] });
    });
  });

  describe('when the signer is unavailable', () => {
    const args = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 };

    it('fails SIGNER_UNAVAILABLE when the key store has no active key', async () => {
      const empty = await governanceWith();
      const governance = await governanceWith({ signer: () => KeyStore.open(join(empty.dir, 'no-keys')).loadSigner() });
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'SIGNER_UNAVAILABLE');
    });

    it('fails SIGNER_UNAVAILABLE when the signer is made from a public key', async () => {
      const { publicKey } = generateKeyPairSync('ed25519');
      const governance = await governanceWith({ signer: async () => localSigner('public-only', publicKey) });
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'SIGNER_UNAVAILABLE');
    });

    it('fails SIGNER_UNAVAILABLE when signing rejects (a token that went away)', async () => {
      const governance = await governanceWith({ signer: async () => ({ kid: 'token-key', sign: () => Promise.reject(new Error('token removed')) }) });
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'SIGNER_UNAVAILABLE');
    });

    it('fails SIGNER_UNAVAILABLE when the signer gives something other than a 64-byte signature', async () => {
      const governance = await governanceWith({ signer: async () => ({ kid: 'short-signer', sign: () => new Uint8Array(32) }) });
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'SIGNER_UNAVAILABLE');
    });

    it('fails SIGNER_UNAVAILABLE when the signer rejects with a plain error (a key service that is down)', async () => {
      const governance = await governanceWith({ signer: () => Promise.reject(new Error('key service offline')) });
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'SIGNER_UNAVAILABLE');
    });
  });

  describe('when the policy set breaks after it was loaded', () => {
    const args = { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 };

    it('fails POLICY_INVALID after a reload of a policy that does not parse, and permits again once fixed', async () => {
      const dir = policyCopy();
      const governance = await governanceWith({ policiesDir: dir });
      await expect(authorizeIn(governance, await transferRequest(governance, args))).resolves.toMatchObject({ decision: 'permit' });

      const original = readFileSync(join(dir, 'transfers.cedar'), 'utf8');
      writeFileSync(join(dir, 'transfers.cedar'), `${original}\n@id("broken") permit (principal, action, resource) when {`);
      governance.policies.reload();
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'POLICY_INVALID');

      writeFileSync(join(dir, 'transfers.cedar'), original);
      governance.policies.reload();
      await expect(authorizeIn(governance, await transferRequest(governance, args))).resolves.toMatchObject({ decision: 'permit' });
    });

    it('fails POLICY_UNAVAILABLE after a reload of a directory that is gone', async () => {
      const dir = policyCopy();
      const governance = await governanceWith({ policiesDir: dir });
      rmSync(dir, { recursive: true, force: true });
      governance.policies.reload();
      await expectFailure(() => authorizeIn(governance, transferRequest(governance, args)), 'POLICY_UNAVAILABLE');
    });
  });

  describe('when the activity info names no workflow type (not a step of a workflow run)', () => {
    it('fails AUTHORIZE_FAILED: there is no run to bind the artifact to', async () => {
      const governance = await governanceWith();
      const request = await transferRequest(governance, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 100 });
      // MockActivityEnvironment itself cannot run without workflowExecution; workflowType trips the same guard.
      await expectFailure(() => authorizeIn(governance, request, { ...INFO, workflowType: undefined } as unknown as Partial<Info>), 'AUTHORIZE_FAILED');
    });
  });
});

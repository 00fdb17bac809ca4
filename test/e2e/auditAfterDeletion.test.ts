import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError, type WorkflowHandleWithFirstExecutionRunId as WorkflowHandle } from '@temporalio/client';
import { loadIdentityEvidence, type IdentityEvidence } from '../../core/audit/evidence/identityEvidence';
import type { LogAuditVerdict } from '../../core/audit/log/logVerdict';
import { verifyFromLog, type VerifyFromLogOptions } from '../../core/audit/log/verifyFromLog';
import { CheckpointVerifier } from '../../core/log/checkpoint/checkpointVerifier';
import { encodeEntryBundle } from '../../core/log/tiles/entryBundle';
import { entryBundlePath, tilePath } from '../../core/log/tiles/tilePath';
import { DEV_IDENTITY_ISSUER } from '../../core/identity/devIdentityProvider';
import { readBundleAt } from '../../core/log/storage/readEdge';
import { DirectoryStorage } from '../../core/log/storage/directoryStorage';
import { LogDirectory } from '../../core/log/storage/logDirectory';
import { readLogKey } from '../../core/log/storage/logKeyFile';
import { openLogReader } from '../../core/log/storage/openLogReader';
import { APPROVE_UPDATE, REVOKE_UPDATE, type ApprovalAnswer, type OperatorActReceipt } from '../../core/protocol/operatorContract';
import { awaitPending } from '../support/awaitPending';
import { failureCode } from '../support/failureCode';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { approvalBy, revocationBy } from '../support/operatorStatements';
import { startStaticLogServer, type StaticLogServer } from '../support/staticLogServer';
import { testTemporal } from '../support/testServer';
import { loggedEntries, POLICIES_DIR } from '../activities/realGovernanceDeps';
import { exportBundle } from '../../core/audit/evidence/exportBundle';
import type { EvidenceBundle } from '../../core/audit/evidence/evidenceBundle';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import { verifyBundle } from '../../core/audit/verifyBundle';
import { loadPolicySet } from '../../core/policy/policySet';
import { testLogSigner } from '../core/log/support/testKeys';

// The test that matters for "permanently auditable": governed runs (two permits in one
// chain, an approval, a denial) are deleted from Temporal, and their evidence is still
// verified from the log alone, over the directory and over HTTP; and a log with an entry
// deleted, a tile rewritten, or a forked checkpoint signed by the log key does not pass.
const TEMPORAL_CLI = resolve(__dirname, '../../.tools/bin/temporal');
const CLI = resolve(__dirname, '../../dist/tools/cli/main.js');
const run = promisify(execFile);

let env: GovernedTestEnv;
let identity: IdentityEvidence;
let checkpoints: CheckpointVerifier;
let vkey: string;
let savedCheckpoint: Buffer;
let bundle: EvidenceBundle;
let fork: string;
let revoked: WorkflowHandle;
let cliDir: string;
let server: StaticLogServer;
const scratch: string[] = [];
const runs: { chain: WorkflowHandle; approved: WorkflowHandle; denied: WorkflowHandle } = {} as never;

beforeAll(async () => {
  env = await createGovernedTestEnv();
  identity = await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: env.idp.jwksPath });
  const key = readLogKey(join(env.dir, 'log.key'));
  vkey = key.verifierKey;
  checkpoints = CheckpointVerifier.fromVerifierKeys({ origin: key.name, logKeys: [vkey] });

  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  const start = (workflowType: string, args: unknown[]) => client.workflow.start(workflowType, { taskQueue: env.taskQueue, workflowId: `audit-after-deletion-${workflowType}-${Date.now()}-${Math.random().toString(36).slice(2)}`, args });
  runs.chain = await start('twoTransfersAtOnce', [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 1_100 }, { fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 2_200 }]);
  await runs.chain.result();
  runs.approved = await start('transferFunds', [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 }]);
  const pending = await awaitPending(runs.approved);
  for (const operator of ['bob', 'carol'] as const) await runs.approved.executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [await approvalBy(env.idp, operator, pending)] });
  await runs.approved.result();
  runs.denied = await start('transferFunds', [{ fromAccount: 'acct-alice', toAccount: 'acct-mallory', amountCents: 100 }]);
  expect(await failureCode(runs.denied.result())).toBe('POLICY_DENIED');
  // A run whose first transfer ran and whose second, awaiting approval, is revoked.
  revoked = await start('twoTransfersAtOnce', [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 300 }, { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 150_000 }]);
  await awaitPending(revoked);
  await revoked.executeUpdate<OperatorActReceipt, [string]>(REVOKE_UPDATE, { args: [await revocationBy(env.idp, 'olivia', { workflowId: revoked.workflowId, runId: revoked.firstExecutionRunId })] });
  expect(await failureCode(revoked.result())).toBe('AUTHORITY_REVOKED');

  // The auditor keeps the checkpoint it saw: a later fork of the log must extend it.
  savedCheckpoint = readFileSync(join(env.logDir, 'checkpoint'));
  // And, while the histories exist, exports them with the log's proofs of their evidence.
  bundle = await exportBundle(env.anonymousClient(), { workflowIds: Object.values(runs).map((handle) => handle.workflowId), related: false }, {
    namespace: env.namespace,
    keys: env.auditKeys(),
    policySets: [policySetEvidence(loadPolicySet(POLICIES_DIR))],
    identity,
    log: { location: env.logDir, logKey: vkey },
  });
  const { address, namespace } = testTemporal();
  // The same export as an auditor types it, with the log named.
  cliDir = mkdtempSync(join(tmpdir(), 'writ-audit-cli-'));
  scratch.push(cliDir);
  writeFileSync(join(cliDir, 'keys.json'), JSON.stringify(env.auditKeys().toEvidence()));
  writeFileSync(join(cliDir, 'identity.json'), JSON.stringify(identity));
  await run(process.execPath, [CLI, 'audit', 'export', '--workflow-id', ...Object.values(runs).map((handle) => handle.workflowId), '--no-related', '--address', address, '--namespace', namespace, '--keys', join(cliDir, 'keys.json'), '--policies', POLICIES_DIR, '--log', env.logDir, '--log-key', vkey, '--out', join(cliDir, 'evidence.json')], { cwd: cliDir, env: { ...process.env, WRIT_DATA_DIR: join(cliDir, 'data') }, timeout: 60_000 });
  for (const handle of [...Object.values(runs), revoked]) {
    await run(TEMPORAL_CLI, ['workflow', 'delete', '--yes', '--workflow-id', handle.workflowId, '--run-id', handle.firstExecutionRunId, '--address', address, '--namespace', namespace], { timeout: 30_000 });
  }
  for (const handle of [...Object.values(runs), revoked]) await gone(handle);
  server = await startStaticLogServer(env.dir, '/published/');
}, 240_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Waits until Temporal no longer has the run at all (deletion is asynchronous, and slow on a loaded host). */
async function gone(handle: WorkflowHandle): Promise<void> {
  const client = env.anonymousClient();
  for (let i = 0; i < 900; i += 1) {
    try {
      await client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} was not deleted`);
}

function options(location: string, extra: Partial<VerifyFromLogOptions> = {}): VerifyFromLogOptions {
  return {
    log: { location, logKey: vkey },
    selection: { workflowIds: Object.values(runs).map((handle) => handle.workflowId) },
    keys: env.auditKeys(),
    identity,
    namespace: env.namespace,
    policySets: [policySetEvidence(loadPolicySet(POLICIES_DIR))],
    ...extra,
  };
}

function codes(verdict: LogAuditVerdict): string[] {
  return verdict.runs.flatMap((r) => r.findings.map((finding) => finding.code));
}

/** A copy of the log directory to tamper with. */
function copyOfLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'writ-log-copy-'));
  scratch.push(dir);
  cpSync(env.logDir, join(dir, 'log'), { recursive: true });
  return join(dir, 'log');
}

describe('when the runs are deleted from Temporal', () => {
  it('their histories are really gone', async () => {
    const client = env.anonymousClient();
    for (const handle of Object.values(runs)) {
      await expect(client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      await expect(client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory()).rejects.toThrow(/not found/i);
    }
  });

  it('each run verifies from the log directory alone: the chain, the approvals, the denial, the receipts, every entry proven', async () => {
    const verdict = await verifyFromLog(options(env.logDir));
    expect(codes(verdict)).toEqual([]);
    expect(verdict.passed).toBe(true);
    expect(verdict.runs.map((r) => r.runId)).toEqual([runs.chain.firstExecutionRunId, runs.approved.firstExecutionRunId, runs.denied.firstExecutionRunId]);
    const [chain, approved, denied] = verdict.runs;
    expect(chain!.steps.map((step) => [step.decision, step.outcome, step.lineage?.sequence])).toEqual([['permit', 'completed', 1], ['permit', 'completed', 2]]);
    expect(approved!.steps).toEqual([expect.objectContaining({ decision: 'permit', outcome: 'completed', approvers: ['bob', 'carol'] })]);
    expect(denied!.steps).toEqual([expect.objectContaining({ decision: 'deny', denialCode: 'POLICY_DENIED', outcome: 'not-scheduled', principal: 'alice' })]);
    expect(verdict).toMatchObject({ artifactsVerified: 3, receiptsVerified: 3, denialsVerified: 1, approvalsVerified: 2 });
    // Every entry of the three runs, and nothing else, was proven: 3 artifacts, 3 receipts, 2 approvals, 1 denial.
    expect(verdict.entriesProven).toBe(9);
    expect(verdict.checkpoint.size).toBe((await loggedEntries(env.logDir)).length);
  });

  it('they verify the same from the log served over HTTP, and by run id', async () => {
    const verdict = await verifyFromLog(options(`${server.url}log/`, { selection: { runIds: [runs.approved.firstExecutionRunId] } }));
    expect(verdict.passed).toBe(true);
    expect(verdict.runs).toHaveLength(1);
    expect(verdict.runs[0]!.workflowId).toBe(runs.approved.workflowId);
  });

  it('`writ audit verify --log <URL> --workflow-id` passes with only the keys the auditor holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-audit-cli-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(env.auditKeys().toEvidence()));
    writeFileSync(join(dir, 'identity.json'), JSON.stringify(identity));
    const args = [CLI, 'audit', 'verify', '--log', `${server.url}log/`, '--log-key', vkey, '--keys', join(dir, 'keys.json'), '--identity-keys', join(dir, 'identity.json'), '--namespace', env.namespace, '--policies', POLICIES_DIR, '--workflow-id', runs.chain.workflowId, runs.denied.workflowId];
    const { stdout } = await run(process.execPath, args, { cwd: dir, env: { ...process.env, WRIT_DATA_DIR: join(dir, 'data') } });
    expect(stdout).toContain('PASSED: 2 run(s) from the log');
    const json = await run(process.execPath, [...args, '--json'], { cwd: dir, env: { ...process.env, WRIT_DATA_DIR: join(dir, 'data') } });
    expect((JSON.parse(json.stdout) as LogAuditVerdict).passed).toBe(true);
    // Another log key than the log's: the checkpoint is not trusted, exit 2.
    const other = testLogSigner(checkpoints.origin, 'another key').verifierKey;
    const refused = await run(process.execPath, args.map((arg) => (arg === vkey ? other : arg)), { cwd: dir }).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain('LOG_NOTE_UNTRUSTED');
  });

  it('a workflow the log holds nothing of is AUDIT_SOURCE_UNAVAILABLE', async () => {
    await expect(verifyFromLog(options(env.logDir, { selection: { workflowIds: ['never-ran'] } }))).rejects.toMatchObject({ code: 'AUDIT_SOURCE_UNAVAILABLE' });
  });
});

describe('when the log was tampered with', () => {
  it('an entry deleted from its bundle is LOG_CORRUPT', async () => {
    const dir = copyOfLog();
    const storage = new DirectoryStorage(dir);
    const size = (await openLogReader(dir, checkpoints).latest()).verified.checkpoint.size;
    const bundle = await readBundleAt(storage, size, 0);
    writeFileSync(join(dir, entryBundlePath(0, size)), encodeEntryBundle(bundle.filter((_, i) => i !== 1)));
    await expect(verifyFromLog(options(dir))).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });

  it('a rewritten hash tile is LOG_CORRUPT', async () => {
    const dir = copyOfLog();
    const size = (await openLogReader(dir, checkpoints).latest()).verified.checkpoint.size;
    const tile = join(dir, tilePath(0, 0, size));
    const data = readFileSync(tile);
    data[40] = data[40]! ^ 0xff;
    writeFileSync(tile, data);
    await expect(verifyFromLog(options(dir))).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });

  describe('into a fork: the same size, another root, signed by the log key, an artifact left out', () => {
    beforeAll(async () => {
      const entries = await loggedEntries(env.logDir);
      const dropped = entries.findIndex((entry) => entry.kind === 'artifact' && entry.runId === runs.chain.firstExecutionRunId);
      const filler = entries.find((entry) => entry.kind === 'denial')!;
      const dir = mkdtempSync(join(tmpdir(), 'writ-log-fork-'));
      scratch.push(dir);
      fork = join(dir, 'log');
      const log = await LogDirectory.create(fork, readLogKey(join(env.dir, 'log.key')));
      await log.append([...entries.filter((_, i) => i !== dropped), filler]);
      log.close();
    });

    it('the forked checkpoint verifies on its own, for the same size with another root', async () => {
      const forked = (await openLogReader(fork, checkpoints).latest()).verified.checkpoint;
      const original = openLogReader(env.logDir, checkpoints).verify(savedCheckpoint).verified.checkpoint;
      expect(forked.size).toBe(original.size);
      expect(forked.root.equals(original.root)).toBe(false);
    });

    it('against the checkpoint the auditor saved, it is LOG_CHECKPOINT_INCONSISTENT', async () => {
      await expect(verifyFromLog(options(fork, { trustedCheckpoints: [savedCheckpoint] }))).rejects.toMatchObject({ code: 'LOG_CHECKPOINT_INCONSISTENT' });
    });

    it('even without one, the chain misses its first link: LINEAGE_BROKEN, and a receipt names no logged artifact: RECEIPT_INVALID', async () => {
      const verdict = await verifyFromLog(options(fork));
      expect(verdict.passed).toBe(false);
      const chain = verdict.runs.find((r) => r.runId === runs.chain.firstExecutionRunId)!;
      expect(chain.findings.map((finding) => finding.code).sort()).toEqual(['LINEAGE_BROKEN', 'RECEIPT_INVALID']);
      expect(chain.findings.every((finding) => typeof finding.logIndex === 'number')).toBe(true);
      // The other runs are untouched by the fork and still pass.
      expect(verdict.runs.filter((r) => r !== chain).every((r) => r.findings.length === 0)).toBe(true);
    });
  });
});

describe('when whoever holds the log key re-signs a log with entries forged or left out', () => {
  it('a denial record whose signature was altered is DENIAL_INVALID, and an approval left out is APPROVAL_NOT_RECORDED', async () => {
    const entries = await loggedEntries(env.logDir);
    const forged = entries.flatMap((entry) => {
      if (entry.kind === 'denial' && entry.runId === runs.denied.firstExecutionRunId) {
        const [header, payload, signature] = entry.evidence.split('.') as [string, string, string];
        const other = Buffer.from(signature, 'base64url');
        other[0] = other[0]! ^ 0x01;
        return [{ ...entry, evidence: `${header}.${payload}.${other.toString('base64url')}` }];
      }
      const carol = entry.kind === 'approval' && entry.runId === runs.approved.firstExecutionRunId && entries.filter((e) => e.kind === 'approval' && e.runId === entry.runId).indexOf(entry) === 1;
      return carol ? [] : [entry];
    });
    const dir = mkdtempSync(join(tmpdir(), 'writ-log-forged-'));
    scratch.push(dir);
    const log = await LogDirectory.create(join(dir, 'log'), readLogKey(join(env.dir, 'log.key')));
    await log.append(forged);
    log.close();
    const verdict = await verifyFromLog(options(join(dir, 'log')));
    const byRun = new Map(verdict.runs.map((r) => [r.runId, r.findings.map((finding) => finding.code)]));
    expect(byRun.get(runs.denied.firstExecutionRunId)).toEqual(['DENIAL_INVALID']);
    expect(byRun.get(runs.approved.firstExecutionRunId)).toEqual(['APPROVAL_NOT_RECORDED']);
    expect(byRun.get(runs.chain.firstExecutionRunId)).toEqual([]);
  });
});

describe('when an operator revoked a run', () => {
  it('the revocation verifies from the log, and nothing was authorized after it', async () => {
    const verdict = await verifyFromLog(options(env.logDir, { selection: { workflowIds: [revoked.workflowId] } }));
    expect(codes(verdict)).toEqual([]);
    expect(verdict.runs[0]!.notes).toContainEqual(expect.stringContaining('run revoked by olivia'));
  });

  it('in a log re-signed with the revocation moved before the run\'s artifact, that artifact is ACTION_AFTER_REVOCATION', async () => {
    const entries = await loggedEntries(env.logDir);
    const runId = revoked.firstExecutionRunId;
    const revocation = entries.find((entry) => entry.kind === 'revocation' && entry.runId === runId)!;
    const artifactAt = entries.findIndex((entry) => entry.kind === 'artifact' && entry.runId === runId);
    const reordered = entries.filter((entry) => entry !== revocation);
    reordered.splice(artifactAt, 0, revocation);
    const dir = mkdtempSync(join(tmpdir(), 'writ-log-reordered-'));
    scratch.push(dir);
    const log = await LogDirectory.create(join(dir, 'log'), readLogKey(join(env.dir, 'log.key')));
    await log.append(reordered);
    log.close();
    const verdict = await verifyFromLog(options(join(dir, 'log'), { selection: { workflowIds: [revoked.workflowId] } }));
    expect(codes(verdict)).toEqual(['ACTION_AFTER_REVOCATION']);
  });
});

describe('when the auditor trusts other keys', () => {
  it('a log key other than the log\'s refuses the checkpoint: LOG_NOTE_UNTRUSTED', async () => {
    const other = testLogSigner(checkpoints.origin, 'another key').verifierKey;
    await expect(verifyFromLog({ ...options(env.logDir), log: { location: env.logDir, logKey: other } })).rejects.toMatchObject({ code: 'LOG_NOTE_UNTRUSTED' });
  });

  it('without the identity provider\'s keys, each approval is OPERATOR_EVENT_UNVERIFIED, never skipped', async () => {
    const { identity: _identity, ...rest } = options(env.logDir, { selection: { workflowIds: [runs.approved.workflowId] } });
    const verdict = await verifyFromLog(rest);
    expect(codes(verdict)).toEqual(['OPERATOR_EVENT_UNVERIFIED', 'OPERATOR_EVENT_UNVERIFIED']);
  });

  it('with no policy set the artifacts cite, each artifact is POLICY_SET_UNKNOWN', async () => {
    const verdict = await verifyFromLog(options(env.logDir, { policySets: [] }));
    expect(codes(verdict)).toEqual(['POLICY_SET_UNKNOWN', 'POLICY_SET_UNKNOWN', 'POLICY_SET_UNKNOWN']);
  });

  it('for another namespace than the runs ran in, each artifact and denial record is LOG_ENTRY_MISMATCH', async () => {
    const verdict = await verifyFromLog(options(env.logDir, { selection: { runIds: [runs.chain.firstExecutionRunId, runs.denied.firstExecutionRunId] }, namespace: 'another-namespace' }));
    expect(codes(verdict)).toEqual(['LOG_ENTRY_MISMATCH', 'LOG_ENTRY_MISMATCH', 'LOG_ENTRY_MISMATCH']);
  });
});


describe('when a bundle carries the log\'s proofs', () => {
  const bundleCodes = (verdict: { runs: readonly { findings: readonly { code: string }[] }[] }) => verdict.runs.flatMap((r) => r.findings.map((finding) => finding.code));
  const copy = (): EvidenceBundle => structuredClone(bundle);
  const firstArtifact = () => bundle.log!.entries.findIndex((proven) => Buffer.from(proven.entry, 'base64').toString('utf8').includes(`"kind":"artifact","runId":"${runs.chain.firstExecutionRunId}"`));

  it('every artifact, approval, denial and receipt of the runs is in it, and each in history is proven under the checkpoint the auditor\'s log key verifies', async () => {
    expect(bundle.log!.entries).toHaveLength(9);
    const verdict = await verifyBundle(bundle, { replay: false, log: { logKey: vkey } });
    expect(bundleCodes(verdict)).toEqual([]);
    expect(verdict.passed).toBe(true);
    // Each permitted step is marked with its artifact's entry in the log, for the report.
    const permitted = verdict.runs.flatMap((r) => r.steps).filter((step) => step.decision === 'permit');
    expect(permitted).toHaveLength(3);
    expect(permitted.every((step) => typeof step.logIndex === 'number')).toBe(true);
  });

  it('an artifact in history whose entry was left out of the bundle is EVIDENCE_NOT_LOGGED', async () => {
    const tampered = copy();
    tampered.log!.entries.splice(firstArtifact(), 1);
    const verdict = await verifyBundle(tampered, { replay: false, log: { logKey: vkey } });
    expect(bundleCodes(verdict)).toEqual(['EVIDENCE_NOT_LOGGED']);
    expect(verdict.runs.flatMap((r) => r.steps).filter((step) => step.logIndex === null)).toHaveLength(1);
  });

  it('a proof altered in the bundle is LOG_INCLUSION_INVALID, and its evidence then EVIDENCE_NOT_LOGGED', async () => {
    const tampered = copy();
    const proven = tampered.log!.entries[firstArtifact()]!;
    proven.proof[0] = Buffer.alloc(32, 1).toString('base64');
    expect(bundleCodes(await verifyBundle(tampered, { replay: false, log: { logKey: vkey } })).sort()).toEqual(['EVIDENCE_NOT_LOGGED', 'LOG_INCLUSION_INVALID']);
  });

  it('a forked checkpoint signed by the log key in its place leaves no proof verifying: LOG_INCLUSION_INVALID for each', async () => {
    const tampered = copy();
    tampered.log!.checkpoint = readFileSync(join(fork, 'checkpoint'), 'utf8');
    const found = bundleCodes(await verifyBundle(tampered, { replay: false, log: { logKey: vkey } }));
    expect(found.filter((code) => code === 'LOG_INCLUSION_INVALID').length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set(['LOG_INCLUSION_INVALID', 'EVIDENCE_NOT_LOGGED']));
  });

  it('a checkpoint the auditor\'s log key did not sign stops the audit: LOG_NOTE_UNTRUSTED', async () => {
    const other = testLogSigner(checkpoints.origin, 'another key').verifierKey;
    await expect(verifyBundle(bundle, { replay: false, log: { logKey: other } })).rejects.toMatchObject({ code: 'LOG_NOTE_UNTRUSTED' });
  });

  it('`writ audit export --log` writes them, and `writ audit verify --bundle --log-key` passes on them after the runs are gone', async () => {
    const exported = JSON.parse(readFileSync(join(cliDir, 'evidence.json'), 'utf8')) as EvidenceBundle;
    expect(exported.log!.entries).toHaveLength(9);
    const args = [CLI, 'audit', 'verify', '--bundle', join(cliDir, 'evidence.json'), '--no-replay', '--keys', join(cliDir, 'keys.json'), '--identity-keys', join(cliDir, 'identity.json')];
    const options = { cwd: cliDir, env: { ...process.env, WRIT_DATA_DIR: join(cliDir, 'data') } };
    const checked = await run(process.execPath, [...args, '--log-key', vkey], options);
    expect(checked.stdout).toMatch(/^PASSED: 3 run\(s\)/m);
    expect(checked.stderr).toBe('');
    const unchecked = await run(process.execPath, args, options);
    expect(unchecked.stderr).toContain("the bundle's evidence log proofs are not checked");
  });

  it('a bundle without proofs, verified with a log key, has every artifact, approval and receipt EVIDENCE_NOT_LOGGED', async () => {
    const { log: _log, ...bare } = copy();
    const found = bundleCodes(await verifyBundle(bare, { replay: false, log: { logKey: vkey } }));
    // 3 artifacts, 2 approvals and 3 receipts; the denial record is in the log only.
    expect(found).toEqual(Array.from({ length: 8 }, () => 'EVIDENCE_NOT_LOGGED'));
  });
});

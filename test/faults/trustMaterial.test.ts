import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testTemporal } from '../support/testServer';
import { createFaultFixture, findingsOf, outcomeOf, type FaultFixture } from '../support/faultFixture';
import { sleep } from '../support/faultLatch';

// The trust material a worker signs and decides with (signing keys, the key manifest, the
// policy files) becomes unavailable or corrupt under a running worker process. Each case
// expects a denial recorded with its code and nothing executed; then the material is put
// back and the next run completes with no restart. Each case has its own data directory,
// worker and task queue (the worker's signer caches a good key for 5 s, so a case damages
// its material before the worker's first signature).

jest.setTimeout(120_000);

const fixtures: FaultFixture[] = [];
afterAll(async () => {
  for (const fixture of fixtures) await fixture.close();
});

/** How long the policy watcher gets to reload after a file change (it debounces 50 ms). */
const POLICY_RELOAD_MS = 1_500;

interface Damage {
  readonly break: (fixture: FaultFixture) => void | Promise<void>;
  readonly repair: (fixture: FaultFixture) => void | Promise<void>;
}

async function deniedThenRecovered(damage: Damage) {
  const { address, namespace } = testTemporal();
  const fixture = await createFaultFixture(address, namespace);
  fixtures.push(fixture);
  await fixture.startWorker();
  await damage.break(fixture);
  const denied = `trust-denied-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const deniedOutcome = await outcomeOf(await fixture.startTransfer(700, denied));
  const executedWhileBroken = fixture.transfersWithMemo(denied);
  await damage.repair(fixture);
  const recovered = `${denied}-recovered`;
  const recoveredOutcome = await outcomeOf(await fixture.startTransfer(700, recovered));
  const verdict = await fixture.audit([denied, recovered]);
  return { deniedOutcome, executedWhileBroken, recoveredOutcome, executedAfterRepair: fixture.transfersWithMemo(recovered), verdict };
}

function activeKeyFile(fixture: FaultFixture): string {
  const active = fixture.keyStore.list().find((key) => key.status === 'active')!;
  return join(fixture.keyStore.directory, `${active.kid}.private.jwk.json`);
}

/** Swaps a file's content for `replacement`; the returned repair puts the original back. */
function corrupt(file: string, replacement: string): () => void {
  const original = readFileSync(file);
  writeFileSync(file, replacement);
  return () => writeFileSync(file, original);
}

function expectDeniedThenRecovered(result: Awaited<ReturnType<typeof deniedThenRecovered>>, code: string) {
  expect(result.deniedOutcome).toBe(code);
  expect(result.executedWhileBroken).toBe(0);
  expect(result.recoveredOutcome).toBe('completed');
  expect(result.executedAfterRepair).toBe(1);
  expect(findingsOf(result.verdict)).toEqual([]);
  expect(result.verdict.runs.map((run) => run.steps.map((s) => [s.decision, s.denialCode, s.outcome]))).toEqual([
    [['deny', code, 'not-scheduled']],
    [['permit', null, 'completed']],
  ]);
}

describe('when the key directory is unavailable', () => {
  it.concurrent('authorize is denied SIGNER_UNAVAILABLE, nothing runs, and putting it back recovers', async () => {
    let moved = '';
    const result = await deniedThenRecovered({
      break: (f) => {
        moved = `${f.keyStore.directory}.gone`;
        renameSync(f.keyStore.directory, moved);
      },
      repair: (f) => renameSync(moved, f.keyStore.directory),
    });
    expectDeniedThenRecovered(result, 'SIGNER_UNAVAILABLE');
  });
});

describe('when the active private key file is corrupt', () => {
  it.concurrent('authorize is denied SIGNER_UNAVAILABLE, nothing runs, and restoring it recovers', async () => {
    let repair = () => {};
    const result = await deniedThenRecovered({
      break: (f) => void (repair = corrupt(activeKeyFile(f), '{"kty":"OKP","crv":"Ed25519","x":"AAAA","d":"AAAA"}')),
      repair: () => repair(),
    });
    expectDeniedThenRecovered(result, 'SIGNER_UNAVAILABLE');
  });
});

describe('when the key manifest is corrupt', () => {
  it.concurrent('authorize is denied KEYSTORE_INVALID, nothing runs, and restoring it recovers', async () => {
    let repair = () => {};
    const result = await deniedThenRecovered({
      break: (f) => void (repair = corrupt(join(f.keyStore.directory, 'manifest.json'), '{"version": 1, "keys": [')),
      repair: () => repair(),
    });
    expectDeniedThenRecovered(result, 'KEYSTORE_INVALID');
  });
});

describe('when a policy file becomes invalid', () => {
  it.concurrent('authorize is denied POLICY_INVALID, nothing runs, and the fixed file is picked up without a restart', async () => {
    let repair = () => {};
    const result = await deniedThenRecovered({
      break: async (f) => {
        repair = corrupt(join(f.policiesDir, 'transfers.cedar'), 'permit (principal, action, resource) when { ');
        await sleep(POLICY_RELOAD_MS);
      },
      repair: async () => {
        repair();
        await sleep(POLICY_RELOAD_MS);
      },
    });
    expectDeniedThenRecovered(result, 'POLICY_INVALID');
  });
});

describe('when the policy directory is unavailable', () => {
  it.concurrent('authorize is denied POLICY_UNAVAILABLE, nothing runs, and putting it back recovers', async () => {
    let moved = '';
    const result = await deniedThenRecovered({
      break: async (f) => {
        moved = `${f.policiesDir}.gone`;
        renameSync(f.policiesDir, moved);
        await sleep(POLICY_RELOAD_MS);
      },
      repair: async (f) => {
        renameSync(moved, f.policiesDir);
        await sleep(POLICY_RELOAD_MS);
      },
    });
    expectDeniedThenRecovered(result, 'POLICY_UNAVAILABLE');
  });
});

describe('when the signer becomes unavailable after the action ran, before its receipt', () => {
  it.concurrent('the action ran once under a valid artifact and the run fails SIGNER_UNAVAILABLE', async () => {
    const { address, namespace } = testTemporal();
    const fixture = await createFaultFixture(address, namespace);
    fixtures.push(fixture);
    await fixture.startWorker({ fail: ['receipt-sign'] });
    const memo = `trust-receipt-signer-${Date.now()}`;
    const outcome = await outcomeOf(await fixture.startTransfer(700, memo));
    expect(outcome).toBe('SIGNER_UNAVAILABLE');
    // Never twice: the refusal to receipt is final, not retried into a second execution.
    expect(fixture.transfersWithMemo(memo)).toBe(1);
    const verdict = await fixture.audit([memo]);
    // The artifact verifies; the auditor does not take the receiptless failure for a
    // refusal that ran nothing: it names the missing receipt, and only that.
    expect(verdict.artifactsVerified).toBe(1);
    expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.outcome])).toEqual([['permit', 'failed']]);
    expect(verdict.runs[0]!.findings.map((f) => f.code)).toEqual(['RECEIPT_MISSING']);
  });
});

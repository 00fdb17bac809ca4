import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { sha256Digest } from '../../core/canonical/digest';
import { SqliteGovernanceStore } from '../../core/governance/sqliteGovernanceStore';
import { authorizationResult, governedStepsFromHistory } from '../../core/history/governedSteps';
import { LOCAL_ACTIVITY_MARKER } from '../../core/history/localActivityMarker';
import { AUTHORIZE_ACTIVITY } from '../../core/protocol/authorizeContract';
import { awaitedCodeOf } from '../support/codeOf';
import { createFaultFixture, findingsOf, outcomeOf, type FaultFixture } from '../support/faultFixture';
import { FAULT_ENV } from '../support/faultWorker';
import { testTemporal } from '../support/testServer';

// A local authorization runs inside the workflow task that asked for it, and its result is
// recorded only when that task completes. A worker lost after the authorization did all
// its work (artifact minted, the run's chain advanced to it, the artifact durably logged)
// and before the task completed leaves an artifact that history never saw; the task is
// retried on another worker, which authorizes again. That first artifact must authorize
// nothing: the action runs once, under the recorded artifact, and the store's chain and
// single-use state say the same as the history.

jest.setTimeout(120_000);

let fixture: FaultFixture;
afterAll(async () => fixture?.close());

/** The claims of a compact JWS, unverified (the test only follows which artifact is which). */
function claimsOf(token: string): { jti: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { jti: string; exp: number };
}

describe('when the workflow task of a local authorization is lost after the artifact was minted and logged', () => {
  it('retries the task: the unrecorded artifact authorizes nothing, the action runs once under the recorded one, store and audit agree', async () => {
    const { address, namespace } = testTemporal();
    fixture = await createFaultFixture(address, namespace);
    const local = { env: { [FAULT_ENV.authorization]: 'local' } };
    const memo = `local-lost-task-${Date.now()}`;
    const first = await fixture.startWorker({ ...local, hold: ['authorize-logged'] });
    const handle = await fixture.startTransfer(4_321, memo);
    await fixture.latch.waitFor('authorize-logged');
    const unrecorded = readFileSync(join(fixture.latch.dir, 'authorize-logged.artifact'), 'utf8');
    await first.kill('SIGKILL');
    // Nothing of the lost task is in history: no marker, no action.
    const before = await handle.fetchHistory();
    expect(before.events?.some((e) => e.markerRecordedEventAttributes)).toBe(false);
    expect(fixture.transfersWithMemo(memo)).toBe(0);

    // The task times out and is retried on a fresh worker, which authorizes again.
    const second = await fixture.startWorker(local);
    expect(await outcomeOf(handle)).toBe('completed');
    await second.kill('SIGTERM');
    expect(fixture.transfersWithMemo(memo)).toBe(1);

    const history = await handle.fetchHistory();
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER);
    expect(markers).toHaveLength(1);
    expect((history.events ?? []).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === AUTHORIZE_ACTIVITY)).toBe(false);
    const steps = governedStepsFromHistory(history);
    expect(steps).toHaveLength(1);
    const recorded = authorizationResult(steps[0]!)!;
    expect(recorded.artifact).not.toBe(unrecorded);
    expect(steps[0]!.execution!.headerArtifact).toBe(recorded.artifact);
    expect(steps[0]!.authorization.request.lineage).toEqual({ sequence: 1, previous: null, parent: null });
    // The lost artifact appears nowhere in the run's history.
    expect(historyToJSON(history)).not.toContain(unrecorded);

    const store = SqliteGovernanceStore.open(join(fixture.dataDir, 'governance.sqlite'));
    try {
      const { runId } = await handle.describe();
      // The run's chain head is the recorded artifact: the retried authorization took the
      // same link again (same local activity id), replacing the lost artifact's digest.
      expect((await store.registeredRun(namespace, runId))!.chain).toEqual({ sequence: 1, head: sha256Digest(recorded.artifact) });
      expect(sha256Digest(unrecorded)).not.toBe(recorded.artifactDigest);
      // Single use: the recorded artifact was executed (one more execution under a limit of
      // one is refused); the lost one never was (its first execution is still available).
      const lost = claimsOf(unrecorded);
      const used = claimsOf(recorded.artifact);
      expect(await awaitedCodeOf(() => store.countExecution({ artifactId: used.jti, maxAttempts: 1, expiresAt: new Date(used.exp * 1000).toISOString() }))).toBe('ARTIFACT_ATTEMPTS_EXCEEDED');
      expect(await store.countExecution({ artifactId: lost.jti, maxAttempts: 1, expiresAt: new Date(lost.exp * 1000).toISOString() })).toBe(1);
    } finally {
      await store.close();
    }

    const verdict = await fixture.audit([memo]);
    expect(findingsOf(verdict)).toEqual([]);
    expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.outcome])).toEqual([['permit', 'completed']]);
  });
});

import { testTemporal } from '../support/testServer';
import { createFaultFixture, findingsOf, outcomeOf, type FaultFixture } from '../support/faultFixture';
import { FAULT_ENV, type FaultPoint } from '../support/faultWorker';
import type { AuthorizationMode } from '../../core/protocol/authorizeContract';
import { AUTHORIZATION_MODES_UNDER_TEST } from '../support/authorizationRecords';

// A governed worker process is SIGKILLed at each point of a governed step, then a fresh
// worker (holding nowhere) takes over. The points are reached through the fault worker's
// file latches (test/support/faultWorker.ts), not timing: the worker marks the point and
// waits there until it is killed, so the kill lands exactly where the case says. Each case
// has its own data directory, task queue and latches, so the cases run side by side.
//
// (Killed after authorize is recorded and before the action: test/e2e/crash.test.ts.)
//
// Every case expects: the transfer happened exactly once, the run completed, and the
// auditor, reading the history from the server, finds every executed action preceded by
// a valid artifact and followed by its receipt.

jest.setTimeout(120_000);

const fixtures: FaultFixture[] = [];
afterAll(async () => {
  for (const fixture of fixtures) await fixture.close();
});

async function killAt(point: FaultPoint, mode: AuthorizationMode) {
  const { address, namespace } = testTemporal();
  const fixture = await createFaultFixture(address, namespace);
  fixtures.push(fixture);
  const memo = `kill-${point}-${Date.now()}`;
  // Both workers authorize the same way: a run keeps the mode its identity check told it.
  const env = { [FAULT_ENV.authorization]: mode };
  const first = await fixture.startWorker({ hold: [point], env });
  const handle = await fixture.startTransfer(1_234, memo);
  await fixture.latch.waitFor(point);
  await first.kill('SIGKILL');
  const ranBeforeKill = fixture.transfersWithMemo(memo);
  // The attempt the kill lost is retried once its start-to-close timeout passes
  // (writ.authorize 15 s, the fault workflow's action 3 s), on this worker.
  const second = await fixture.startWorker({ env });
  const outcome = await outcomeOf(handle);
  await second.kill('SIGTERM');
  const verdict = await fixture.audit([memo]);
  return { outcome, ranBeforeKill, ranInTotal: fixture.transfersWithMemo(memo), verdict };
}

// Each kill point, with what had happened when the worker died: the side effect lands
// before the kill only at receipt-sign, and the retried attempt must not repeat it.
const KILL_POINTS: { point: FaultPoint; ranBeforeKill: number; title: string }[] = [
  { point: 'authorize-start', ranBeforeKill: 0, title: 'inside writ.authorize before anything is decided: authorize runs again from scratch, the action once' },
  { point: 'action-body', ranBeforeKill: 0, title: 'mid-action, after verification and before the side effect: the retry acts once under the same artifact' },
  { point: 'receipt-sign', ranBeforeKill: 1, title: 'after the action, before its receipt is signed: the retry presents the same idempotency key, one transfer, one receipt' },
];

// Every point, with writ.authorize as an activity and as a local activity (whose lost
// attempt is retried with its workflow task; see also localAuthorization.test.ts).
describe.each(AUTHORIZATION_MODES_UNDER_TEST)('with authorization as %s', (mode) => {
  describe('when the worker is killed', () => {
    it.concurrent.each(KILL_POINTS)('$title', async ({ point, ranBeforeKill: expectedBeforeKill }) => {
      const { outcome, ranBeforeKill, ranInTotal, verdict } = await killAt(point, mode);
      expect(outcome).toBe('completed');
      expect(ranBeforeKill).toBe(expectedBeforeKill);
      expect(ranInTotal).toBe(1);
      expect(findingsOf(verdict)).toEqual([]);
      expect(verdict.runs[0]!.steps.map((s) => [s.decision, s.outcome])).toEqual([['permit', 'completed']]);
      expect(verdict.receiptsVerified).toBe(1);
    });
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

// The soak (`npm run soak`) at a tiny size: its own dev server, two worker processes, one
// SIGKILLed and restarted mid-run, a denial and a tampering among twelve workflows, every
// history audited. It checks the report's shape and the zeros the soak exists to prove, on
// each governance store the workers can share.

jest.setTimeout(150_000);

const SOAK_MAIN = resolve(__dirname, '../../../dist/tools/soak/main.js');

type SoakReport = Record<string, unknown> & {
  audit: Record<string, unknown>;
  workerKill: Record<string, number>;
  store: { backend: string; version: string; executionsCounted: number };
};

async function soak(extraArgs: string[]): Promise<SoakReport> {
  if (!existsSync(SOAK_MAIN)) throw new Error(`${SOAK_MAIN} is missing: run \`npm run build\` (npm test does)`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [SOAK_MAIN, '--json', '--workflows', '12', '--concurrency', '6', '--deny-fraction', '0.25', '--tamper-fraction', '0.25', '--seed', '7', ...extraArgs],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as SoakReport;
}

describe.each(['sqlite', 'postgres'])('when the soak runs at a tiny size on the %s store', (backend) => {
  it('loses nothing, executes nothing without a valid artifact and nothing twice', async () => {
    const report = await soak(['--store', backend]);
    expect(report).toMatchObject({
      schema: 'writ-soak/1',
      config: { workflows: 12, concurrency: 6, denyFraction: 0.25, tamperFraction: 0.25, seed: 7, workers: 2, store: backend },
      planned: { permit: 6, deny: 3, tamper: 3 },
      started: 12,
      completed: 6,
      denied: 6,
      failed: 0,
      lost: 0,
      unauthorized: 0,
      duplicates: 0,
      unexpected: 0,
      deniedByCode: { POLICY_DENIED: 3, ARTIFACT_ARGS_MISMATCH: 3 },
      sideEffects: 6,
      passed: true,
    });
    expect(report.workerKill.killedAfterStarted).toBe(4);
    expect(report.workerKill.workersStarted).toBe(3);
    // Six permitted and three tampered authorizations; receipts only for what ran.
    expect(report.audit).toMatchObject({ runs: 12, artifactsVerified: 9, receiptsVerified: 6, findings: 0, replayPassed: 12 });
    expect(typeof report.durationSeconds).toBe('number');
    // Each completed transfer was counted in the store the soak pointed the workers at (a
    // retry after the kill may count one again): workers on another store would leave 0.
    expect(report.store).toEqual({ backend, version: expect.stringMatching(/^\d+\.\d+/), executionsCounted: expect.any(Number) });
    expect(report.store.executionsCounted).toBeGreaterThanOrEqual(6);
  });
});

describe('when the soak is asked for PostgreSQL where none is installed', () => {
  it('fails with CONFIG_INVALID before starting anything, naming --store sqlite', async () => {
    const run = promisify(execFile)(process.execPath, [SOAK_MAIN, '--json', '--store', 'postgres'], { env: { ...process.env, WRIT_POSTGRES_BIN: '/nonexistent/postgresql/bin' } });
    await expect(run).rejects.toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^writ-soak: CONFIG_INVALID: WRIT_POSTGRES_BIN=.*; or pass --store sqlite\n$/) });
  });
});

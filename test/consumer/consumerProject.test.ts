// The consumer test: Writ as a team installs it. The packed tarball goes into a new
// project that `writ init` scaffolds outside the repository (no access to its sources or
// node_modules); the project installs it with the Temporal packages from the registry,
// compiles strictly with its own tsc and runs its own jest tests against a real dev
// server: a permit executes once, a deny executes nothing, the histories audit clean,
// and `writ audit verify` passes on the evidence the test exported. The starter is the
// code the README shows (readmeStarter.test.ts), so an export the README uses that
// disappears fails here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTemporalCli } from '../../core/server/findTemporalCli';

const REPO = resolve(__dirname, '../..');
// The oldest release line Writ supports, installed by set-up for this test alone.
const NODE22_BIN = join(REPO, '.tools/node22/bin');
// Generous: on a new machine npm's cache is cold, and every package comes from the registry.
const COMMAND_TIMEOUT_MS = 15 * 60_000;
const TEST_TIMEOUT_MS = 30 * 60_000;

/** Runs a command to completion; its output (stdout then stderr: jest reports on stderr), or a failure with all of it. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  return output;
}

describe('when a team installs the packed package into a project writ init made', () => {
  let work: string;
  afterAll(() => {
    if (work !== undefined && process.env['WRIT_KEEP_CONSUMER'] === undefined) rmSync(work, { recursive: true, force: true });
  });

  it('compiles strictly, its tests pass against a dev server on Node 24 and 22, and writ audit verify passes on their evidence', () => {
    work = mkdtempSync(join(tmpdir(), 'writ-consumer-'));
    run('npm', ['pack', '--silent', '--pack-destination', work], REPO);
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    expect(tarball).toMatch(/^writ-governance-\d+\.\d+\.\d+\.tgz$/);
    const project = join(work, 'my-governed-app');
    // The CLI from the tarball itself: npx installs it into its own cache, not the repo's.
    const started = Date.now();
    run('npm', ['exec', '--yes', '--package', join(work, tarball!), '--', 'writ', 'init', project], work);
    run('npm', ['install', '--no-audit', '--no-fund', join(work, tarball!)], project);
    run('npm', ['install', '--no-audit', '--no-fund'], project);
    run('npx', ['tsc', '-p', '.', '--noEmit'], project);
    const testEnv = { WRIT_TEMPORAL_CLI: findTemporalCli({ projectRoot: REPO }), CI: '1' };
    const tested = run('npm', ['test'], project, testEnv);
    process.stdout.write(`consumer project: writ init to green tests in ${((Date.now() - started) / 1000).toFixed(1)} s on Node ${process.versions.node}\n`);
    expect(tested).toMatch(/Tests:\s+2 passed, 2 total/);
    // The same project, as installed, on Node 22: engines.node promises it.
    expect(run(join(NODE22_BIN, 'node'), ['--version'], project)).toMatch(/^v22\./);
    const onNode22 = run('npm', ['test'], project, { ...testEnv, PATH: `${NODE22_BIN}:${process.env['PATH'] ?? ''}` });
    expect(onNode22).toMatch(/Tests:\s+2 passed, 2 total/);
    const verified = run('npx', ['writ', 'audit', 'verify', '--bundle', 'evidence.json', '--workflows', 'src/workflows.ts'], project);
    expect(verified).toMatch(/^PASSED/m);
  }, TEST_TIMEOUT_MS);
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleGovernedWorkflows, type GovernedBundle } from '../../../worker/bundleGovernedWorkflows';
import { installRuntimeLogging } from '../../../worker/runtimeLogging';
import { FINDING_CODES, readBundle, verifyBundle, type AuditVerdict, type FindingCode } from '../../../core/audit';
import { EXAMPLE_WORKFLOWS } from '../../../examples/exampleProject';

// The audit conformance cases (sigstore-conformance style): one folder per case under
// test/fixtures/audit, a bundle.json recorded on a server that no longer exists, and a
// README.md whose first line says PASS, or FAIL with the finding code the case must raise.
// They are verified offline, with nothing but the bundle and the workflow code.

const FIXTURES = resolve(__dirname, '../../fixtures/audit');

interface Case {
  readonly name: string;
  readonly expect: 'PASS' | FindingCode;
  readonly file: string;
}

function readCases(): Case[] {
  return readdirSync(FIXTURES)
    .filter((name) => existsSync(join(FIXTURES, name, 'bundle.json')))
    .sort()
    .map((name) => {
      const first = readFileSync(join(FIXTURES, name, 'README.md'), 'utf8').split('\n')[0] ?? '';
      const match = /^(PASS|FAIL ([A-Z_]+)): \S/.exec(first);
      if (match === null) throw new Error(`${name}/README.md must start with "PASS: why" or "FAIL <CODE>: why", found: ${first}`);
      return { name, expect: match[1] === 'PASS' ? 'PASS' : (match[2] as FindingCode), file: join(FIXTURES, name, 'bundle.json') };
    });
}

const cases = readCases();
let workflows: GovernedBundle;

beforeAll(async () => {
  installRuntimeLogging('ERROR');
  // The fixtures were recorded with the examples plus one parent/child workflow.
  workflows = await bundleGovernedWorkflows(require.resolve('../../fixtures/audit/workflows'));
}, 120_000);

function codes(verdict: AuditVerdict): FindingCode[] {
  return verdict.runs.flatMap((run) => run.findings.map((finding) => finding.code));
}

describe('the audit conformance cases', () => {
  it('are named after their verdict and state a known finding code', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const c of cases) {
      expect({ name: c.name, fails: c.name.endsWith('_fail') }).toEqual({ name: c.name, fails: c.expect !== 'PASS' });
      if (c.expect !== 'PASS') expect(FINDING_CODES).toContain(c.expect);
    }
  });

  it('hold public keys only', () => {
    for (const c of cases) expect(readFileSync(c.file, 'utf8')).not.toMatch(/"d"\s*:/);
  });
});

describe.each(cases.filter((c) => c.expect === 'PASS').map((c) => [c.name, c] as const))('when %s is verified offline', (_name, c) => {
  it('passes: replay and every check hold, and every artifact verifies', async () => {
    const verdict = await verifyBundle(readBundle(c.file), { replay: { bundle: workflows } });
    expect(verdict.runs.flatMap((run) => run.findings)).toEqual([]);
    expect(verdict.runs.map((run) => run.replay)).toEqual(verdict.runs.map(() => 'passed'));
    expect(verdict.passed).toBe(true);
    expect(verdict.artifactsVerified).toBe(verdict.runs.flatMap((run) => run.steps).filter((step) => step.decision === 'permit').length);
  });
});

describe('the clean cases of example workflows', () => {
  it('also replay against the example workflows module alone, as `writ audit verify --workflows` does', async () => {
    const examples = new Set(['transferFunds', 'changeInfrastructure', 'runAgentPlan']);
    const clean = cases.filter((c) => c.expect === 'PASS').map((c) => ({ c, bundle: readBundle(c.file) })).filter(({ bundle }) => bundle.runs.every((run) => examples.has(run.workflowType)));
    expect(clean.length).toBeGreaterThanOrEqual(9);
    for (const { c, bundle } of clean) {
      const verdict = await verifyBundle(bundle, { replay: { workflowsPath: EXAMPLE_WORKFLOWS } });
      expect({ name: c.name, passed: verdict.passed, replay: verdict.runs.map((run) => run.replay) }).toEqual({ name: c.name, passed: true, replay: bundle.runs.map(() => 'passed') });
    }
  }, 120_000);

  it('refuses to verify with replay when no workflow code is named (AUDIT_OPTIONS_INVALID)', async () => {
    const bundle = readBundle(cases.find((c) => c.expect === 'PASS')!.file);
    // As a JavaScript caller could: the type requires replay.
    await expect(verifyBundle(bundle, {} as Parameters<typeof verifyBundle>[1])).rejects.toMatchObject({ code: 'AUDIT_OPTIONS_INVALID' });
  });
});

describe.each(cases.filter((c) => c.expect !== 'PASS').map((c) => [c.name, c] as const))('when %s is verified offline', (_name, c) => {
  it(`fails with ${c.expect}, naming the event, what was expected and what was found`, async () => {
    const verdict = await verifyBundle(readBundle(c.file), { replay: { bundle: workflows } });
    expect(verdict.passed).toBe(false);
    expect(codes(verdict)).toContain(c.expect);
    const finding = verdict.runs.flatMap((run) => run.findings).find((f) => f.code === c.expect)!;
    expect(finding.expected).not.toBe('');
    expect(finding.found).not.toBe('');
    if (c.expect !== 'REPLAY_NONDETERMINISM' && c.expect !== 'REPLAY_FAILED') expect(finding.eventId).toEqual(expect.any(Number));
  });
});

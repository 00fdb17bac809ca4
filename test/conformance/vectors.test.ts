import fs from 'node:fs';
import path from 'node:path';
import type { FindingCode } from '../../core/audit/types';
import { WRIT_ERROR_CODES, type WritErrorCode } from '../../core/errors/writError';
import { auditCase, type AuditorOutcome } from './auditorSide';
import { caseNames, FAIL_SUFFIX, loadCase, type ConformanceCase } from './conformanceCase';
import { enforceCase, type EnforcementOutcome } from './enforcementSide';

/**
 * How the auditor reports each refusal of the enforcement point, as data: the finding it
 * must raise and whether that finding must name the enforcement code itself (the auditor
 * runs the same pipeline steps and quotes their code in `found`).
 */
const AUDITOR_FINDING_FOR: Readonly<Partial<Record<WritErrorCode, { readonly finding: FindingCode; readonly namesCode: boolean }>>> = {
  ARTIFACT_MISSING: { finding: 'ARTIFACT_INVALID', namesCode: true },
  ARTIFACT_MALFORMED: { finding: 'ARTIFACT_INVALID', namesCode: true },
  ARTIFACT_ALG_NOT_ALLOWED: { finding: 'ARTIFACT_INVALID', namesCode: true },
  ARTIFACT_TYP_INVALID: { finding: 'ARTIFACT_INVALID', namesCode: true },
  ARTIFACT_KEY_UNKNOWN: { finding: 'ARTIFACT_INVALID', namesCode: true },
  // Signed by a trusted key outside the period in which it was the active signer.
  ARTIFACT_KEY_NOT_ACTIVE: { finding: 'ARTIFACT_KEY_NOT_VALID_AT_TIME', namesCode: false },
  // Signed by a trusted key the key set marks as a receipt key.
  ARTIFACT_KEY_PURPOSE_INVALID: { finding: 'ARTIFACT_KEY_PURPOSE_INVALID', namesCode: true },
  ARTIFACT_SIGNATURE_INVALID: { finding: 'ARTIFACT_INVALID', namesCode: true },
  ARTIFACT_CLAIMS_INVALID: { finding: 'ARTIFACT_INVALID', namesCode: true },
  ARTIFACT_LIFETIME_EXCESSIVE: { finding: 'ARTIFACT_INVALID', namesCode: true },
  ARTIFACT_EXPIRED: { finding: 'ARTIFACT_WINDOW_MISSED', namesCode: true },
  ARTIFACT_NOT_YET_VALID: { finding: 'ARTIFACT_WINDOW_MISSED', namesCode: true },
  ARTIFACT_CONTEXT_MISMATCH: { finding: 'ARTIFACT_BINDING_MISMATCH', namesCode: false },
  ARTIFACT_RUN_MISMATCH: { finding: 'ARTIFACT_BINDING_MISMATCH', namesCode: false },
  ARTIFACT_ACTIVITY_MISMATCH: { finding: 'ARTIFACT_BINDING_MISMATCH', namesCode: false },
  ARTIFACT_ACTION_MISMATCH: { finding: 'ARTIFACT_BINDING_MISMATCH', namesCode: false },
  ARTIFACT_ARGS_MISMATCH: { finding: 'ARTIFACT_BINDING_MISMATCH', namesCode: false },
  ARTIFACT_ATTEMPTS_EXCEEDED: { finding: 'ARTIFACT_BINDING_MISMATCH', namesCode: false },
  // The enforcement point's approvals step: an artifact that does not carry the approvals
  // it requires is not a valid artifact, whoever judges it.
  ARTIFACT_APPROVALS_MISSING: { finding: 'ARTIFACT_INVALID', namesCode: true },
  // An auditor does not know which set was active when; with evidence that holds only the
  // active set, an artifact citing another one cites a set the evidence does not hold.
  POLICY_STALE: { finding: 'POLICY_SET_UNKNOWN', namesCode: false },
};

/** Which check of which case is known to fail today, and why (see knownDeviations.json). */
type Check = 'enforcement' | 'auditor' | 'agreement';
const KNOWN_DEVIATIONS = JSON.parse(fs.readFileSync(path.join(__dirname, 'knownDeviations.json'), 'utf8')) as Record<string, Partial<Record<Check, string>> | string>;

function deviation(name: string, check: Check): string | undefined {
  const entry = KNOWN_DEVIATIONS[name];
  return typeof entry === 'object' ? entry[check] : undefined;
}

/** `it`, or `it.failing` when the check is a recorded deviation: fixing it makes the test fail until the record goes. */
function checkIt(name: string, check: Check): jest.It {
  return deviation(name, check) === undefined ? it : (it.failing as unknown as jest.It);
}

function describeEnforcement(outcome: EnforcementOutcome): string {
  if ('crashed' in outcome) return `crashed: ${String(outcome.crashed)}`;
  return outcome.ok ? 'accepted' : `refused ${outcome.code}`;
}

function describeAuditor(outcome: AuditorOutcome): string {
  if ('crashed' in outcome) return `crashed: ${outcome.crashed instanceof Error ? outcome.crashed.stack : String(outcome.crashed)}`;
  return outcome.ok ? 'no finding' : outcome.findings.map((finding) => `${finding.code} (found ${finding.found})`).join('; ');
}

/** True when the auditor's findings are the ones the mapping names for this enforcement code. */
function auditorRefusesAs(outcome: AuditorOutcome, code: WritErrorCode): boolean {
  if ('crashed' in outcome || outcome.ok) return false;
  const expected = AUDITOR_FINDING_FOR[code];
  if (expected === undefined) return false;
  return outcome.findings.some((finding) => finding.code === expected.finding && (!expected.namesCode || finding.found.includes(code)));
}

const names = caseNames();
const loaded = names.map((name) => loadCase(name));

describe('conformance vectors (test/conformance/vectors)', () => {
  it('holds at least 40 cases, both passing and failing ones', () => {
    expect(loaded.length).toBeGreaterThanOrEqual(40);
    expect(loaded.filter(({ name }) => !name.endsWith(FAIL_SUFFIX)).length).toBeGreaterThan(0);
  });

  it('exercises every code the verification pipeline can raise', () => {
    const pipelineCodes = [...WRIT_ERROR_CODES.filter((code) => code.startsWith('ARTIFACT_')), 'POLICY_STALE'];
    const covered = new Set(loaded.flatMap(({ conformanceCase }) => (conformanceCase.expected.ok ? [] : [conformanceCase.expected.code])));
    expect(pipelineCodes.filter((code) => !covered.has(code as WritErrorCode))).toEqual([]);
  });

  it('maps every refusal code a case expects to an auditor finding', () => {
    const unmapped = loaded.flatMap(({ name, conformanceCase }) => (!conformanceCase.expected.ok && AUDITOR_FINDING_FOR[conformanceCase.expected.code] === undefined ? [name] : []));
    expect(unmapped).toEqual([]);
  });

  it('records deviations only for cases that exist, with a reason', () => {
    for (const [name, entry] of Object.entries(KNOWN_DEVIATIONS)) {
      if (name.startsWith('//')) continue;
      expect(names).toContain(name);
      expect(typeof entry).toBe('object');
      for (const reason of Object.values(entry as object)) expect(String(reason).length).toBeGreaterThan(20);
    }
  });

  describe.each(loaded.map((entry) => [entry.name, entry] as const))('%s', (name, { conformanceCase, readme }) => {
    const expected = conformanceCase.expected;

    it('states its verdict in its name and in the first line of its README', () => {
      expect(readme).not.toBeNull();
      const firstLine = (readme ?? '').split('\n')[0] ?? '';
      if (name.endsWith(FAIL_SUFFIX)) {
        expect(expected.ok).toBe(false);
        expect(firstLine).toMatch(new RegExp(`^Must fail with ${expected.ok ? '' : expected.code}: .{10,}`));
      } else {
        expect(expected).toEqual({ ok: true });
        expect(firstLine).toMatch(/^Must pass: .{10,}/);
      }
    });

    checkIt(name, 'enforcement')(`the enforcement point ${expected.ok ? 'accepts it' : `refuses it with ${expected.code}`}`, async () => {
      const outcome = await enforceCase(conformanceCase);
      expect(describeEnforcement(outcome)).toBe(expected.ok ? 'accepted' : `refused ${expected.code}`);
    });

    checkIt(name, 'auditor')(`the auditor ${expected.ok ? 'finds nothing' : `reports it as ${AUDITOR_FINDING_FOR[expected.code]?.finding ?? '(unmapped)'}`}`, async () => {
      const outcome = await auditCase(conformanceCase);
      if (expected.ok) expect(describeAuditor(outcome)).toBe('no finding');
      else expect({ refusesAsMapped: auditorRefusesAs(outcome, expected.code), outcome: describeAuditor(outcome) }).toMatchObject({ refusesAsMapped: true });
    });

    checkIt(name, 'agreement')('the enforcement point and the auditor agree', async () => {
      await expectAgreement(conformanceCase);
    });
  });
});

async function expectAgreement(conformanceCase: ConformanceCase): Promise<void> {
  const enforced = await enforceCase(conformanceCase);
  const audited = await auditCase(conformanceCase);
  const verdicts = { enforcement: describeEnforcement(enforced), auditor: describeAuditor(audited) };
  expect('crashed' in enforced || 'crashed' in audited ? verdicts : 'neither crashed').toBe('neither crashed');
  if ('crashed' in enforced || 'crashed' in audited) return;
  if (enforced.ok) {
    expect(verdicts.auditor).toBe('no finding');
  } else {
    expect({ ...verdicts, agree: auditorRefusesAs(audited, enforced.code) }).toMatchObject({ agree: true });
  }
}

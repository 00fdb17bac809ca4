import type { GovernedBundle } from '../../worker/bundleGovernedWorkflows';
import { PreverifiedSignatures } from '../artifact/verify/preverifiedSignatures';
import { buildAuditedStep } from './buildAuditedStep';
import { checkAuthorization } from './checks/checkAuthorization';
import { checkExecution } from './checks/checkExecution';
import { checkLineage } from './checks/checkLineage';
import { checkOperatorEvents } from './checks/checkOperatorEvents';
import { checkReceipt } from './checks/checkReceipt';
import { checkRunLinks, type LinkedRun } from './checks/checkRunLinks';
import { checkRunShape } from './checks/checkRunShape';
import { pairGovernedSteps, type GovernedStep } from './checks/pairGovernedSteps';
import { report, type AuditRun, type RunContext } from './checks/runContext';
import { readRunRecord } from './history/runRecord';
import { replayRuns, workflowBundle, type ReplayOutcome } from './replay/replayRuns';
import { preverifySignatures } from './threads/preverifySignatures';
import { signatureTasks } from './threads/signatureTasks';
import type { AuditVerdict, Finding, RunVerdict } from './types';
import { validateVerifyOptions, type ValidatedOptions, type VerifyOptions } from './verifyOptions';

/**
 * Verifies workflow runs as an auditor: each history through the checker (shape,
 * authorization before every action, each artifact, each execution, each receipt, the
 * lineage chain, operator events), the chain across parent, child and continued runs, and
 * replay against the workflow code. Trusts nothing but the keys, policy sets and identity
 * provider given. Returns the verdict; `passed` only when no run has any finding.
 *
 * Every run is read and its steps paired first; the signatures those steps carry are then
 * verified on worker threads (`signatureThreads`, from the last run backwards) while the
 * checks run, run by run, in order, on this thread. A check takes a signature a thread
 * has verified as verified and verifies anything else itself, so the verdict (findings,
 * their order, counts) is the one a single thread reaches, whether the threads finish,
 * fail or never start.
 */
export async function verifyHistories(runs: readonly AuditRun[], options: VerifyOptions): Promise<AuditVerdict> {
  const validated = validateVerifyOptions(options);
  const signatures = new PreverifiedSignatures();
  const read = runs.map((run) => readRun(run, validated, signatures));
  const preverified = preverifySignatures(
    read.map(({ context, steps }) => signatureTasks(context, steps)),
    validated.signatureThreads,
    signatures,
  );
  const linked: LinkedRun[] = [];
  const verified = { artifacts: 0, receipts: 0 };
  try {
    for (const entry of read) {
      await preverified.poll();
      linked.push(await checkRun(entry, validated, verified));
    }
  } finally {
    await preverified.close();
  }
  checkRunLinks(linked);

  const bundle = await replayBundle(validated);
  const replay = bundle === null ? runs.map(() => null) : await replayRuns(runs, bundle);
  const verdicts = linked.map((entry, index) => runVerdict(entry, replay[index] ?? null, bundle));
  const findings = verdicts.reduce((total, verdict) => total + verdict.findings.length, 0);
  const keysUsed = new Set(linked.flatMap((entry) => [...entry.context.keysUsed]));
  return {
    passed: findings === 0,
    runs: verdicts,
    artifactsVerified: verified.artifacts,
    findings,
    receiptsVerified: verified.receipts,
    replayCodeDigest: bundle?.codeDigest ?? null,
    keysUsed: [...keysUsed].sort(),
  };
}

/** A run read from its history, its steps paired, before any signature is checked. */
function readRun(run: AuditRun, options: ValidatedOptions, signatures: PreverifiedSignatures): { context: RunContext; steps: GovernedStep[] } {
  const context: RunContext = {
    run,
    namespace: options.namespace,
    record: readRunRecord(run.history),
    keys: options.keys,
    policySets: options.policySets,
    settings: options.settings,
    exemptActivities: options.exemptActivities,
    findings: [],
    notes: [],
    keysUsed: new Set(),
    signatures,
  };
  checkRunShape(context);
  return { context, steps: pairGovernedSteps(context) };
}

async function checkRun(entry: { context: RunContext; steps: GovernedStep[] }, options: ValidatedOptions, verified: { artifacts: number; receipts: number }): Promise<LinkedRun> {
  const { context, steps } = entry;
  for (const step of steps) {
    await checkAuthorization(context, step);
    if (step.claims !== null) verified.artifacts += 1;
    checkExecution(context, step);
    if (await checkReceipt(context, step)) verified.receipts += 1;
  }
  checkLineage(context, steps);
  await checkOperatorEvents(context, steps, options.operatorEvents);
  return { context, steps };
}

async function replayBundle(options: ValidatedOptions): Promise<GovernedBundle | null> {
  const replay = options.replay;
  if (replay === false) return null;
  if ('bundle' in replay) return replay.bundle;
  return workflowBundle(replay.workflowsPath);
}

function runVerdict(entry: LinkedRun, replay: ReplayOutcome | null, bundle: GovernedBundle | null): RunVerdict {
  const { context, steps } = entry;
  if (replay !== null && replay.status === 'failed') {
    report(context, replay.code, null, 'the history to replay against the workflow code without error', replay.message, replayExplanation(entry, replay, bundle));
  }
  const recorded = recordedCodeDigests(entry);
  if (replay?.status === 'passed' && bundle !== null && recorded.length > 0 && !recorded.includes(bundle.codeDigest)) {
    context.notes.push(`the workflow code has changed since this run was recorded (artifacts cite code ${recorded.join(', ')}; replayed code ${bundle.codeDigest}); the history still replays`);
  }
  const start = context.record.start;
  return {
    workflowId: context.run.workflowId,
    runId: context.run.runId,
    workflowType: context.run.workflowType,
    parent: start?.parent ?? null,
    steps: steps.map(buildAuditedStep),
    findings: [...context.findings].sort(byEvent),
    replay: replay === null ? 'skipped' : replay.status,
    continuedFrom: start?.continuedFrom ?? null,
    notes: context.notes,
  };
}

/**
 * Says which of two things a replay failure means: the code changed since the history was
 * recorded (its artifacts cite another code digest), or the history no longer matches the
 * code it was recorded under (edited).
 */
function replayExplanation(entry: LinkedRun, replay: ReplayOutcome & { status: 'failed' }, bundle: GovernedBundle | null): string {
  const recorded = recordedCodeDigests(entry);
  const current = bundle?.codeDigest ?? 'unknown';
  const kind = replay.code === 'REPLAY_NONDETERMINISM' ? 'replay found nondeterminism' : 'replay failed';
  if (replay.message.includes('no such function is exported by the workflow bundle')) {
    return `${kind}: the replayed code (${current}) has no workflow ${entry.context.run.workflowType}; replay with the code that ran it`;
  }
  if (recorded.length === 0) return `${kind}: the workflow code has changed since the history was recorded, or the history was edited (no artifact names the recording code; replayed code ${current})`;
  if (!recorded.includes(current)) return `${kind}: the workflow code has changed since the history was recorded (artifacts cite code ${recorded.join(', ')}; replayed code ${current}), or the history was edited`;
  return `${kind}: the replayed code is the code the history was recorded under (${current}), so the history itself is not what that code produced`;
}

/** The workflow code digests the run's verified artifacts cite (the code that recorded it). */
function recordedCodeDigests(entry: LinkedRun): string[] {
  return [...new Set(entry.steps.flatMap((step) => (step.claims === null ? [] : [step.claims.writ.environment.codeDigest])))];
}

function byEvent(left: Finding, right: Finding): number {
  return (left.eventId ?? Number.MAX_SAFE_INTEGER) - (right.eventId ?? Number.MAX_SAFE_INTEGER);
}

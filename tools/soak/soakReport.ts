import type { SoakKind } from './planKinds';
import type { SoakStoreReport } from './soakStore';

/** The soak's report: what ran, how it ended, and what the audit of every history found. */
export interface SoakReport {
  readonly schema: 'writ-soak/1';
  readonly command: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly config: { workflows: number; concurrency: number; denyFraction: number; tamperFraction: number; seed: number; workers: number; store: SoakStoreReport['backend'] };
  /** The governance store the workers shared, and what they counted in it. */
  readonly store: SoakStoreReport;
  readonly planned: Record<SoakKind, number>;
  readonly started: number;
  readonly completed: number;
  readonly denied: number;
  readonly failed: number;
  /** Started but never ended (or whose history could not be fetched): must be 0. */
  readonly lost: number;
  /** Side effects or executions not backed by a verified authorization in their history: must be 0. */
  readonly unauthorized: number;
  /** Side effects beyond the first for one workflow: must be 0. */
  readonly duplicates: number;
  /** Runs whose ending was not what their plan calls for (a permit denied, a tamper completed). */
  readonly unexpected: number;
  readonly deniedByCode: Record<string, number>;
  readonly sideEffects: number;
  readonly workerKill: { readonly killedAfterStarted: number; readonly restartedAfterStarted: number; readonly workersStarted: number };
  readonly audit: {
    readonly runs: number;
    readonly artifactsVerified: number;
    readonly receiptsVerified: number;
    readonly findings: number;
    readonly findingsByCode: Record<string, number>;
    readonly replayPassed: number;
    readonly durationSeconds: number;
  };
  readonly passed: boolean;
}

/** The report in words, for a terminal. */
export function renderSoakReport(report: SoakReport): string {
  const codes = (record: Record<string, number>) => Object.entries(record).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  return [
    `${report.command}`,
    '',
    `workflows   started ${report.started}, completed ${report.completed}, denied ${report.denied}, failed ${report.failed}, lost ${report.lost}`,
    `planned     permit ${report.planned.permit}, deny ${report.planned.deny}, tamper ${report.planned.tamper}; unexpected endings ${report.unexpected}`,
    `denials     ${codes(report.deniedByCode)}`,
    `crash       worker 1 SIGKILLed after ${report.workerKill.killedAfterStarted} started, restarted after ${report.workerKill.restartedAfterStarted}`,
    `store       ${report.store.backend} ${report.store.version}: ${report.store.executionsCounted} executions counted`,
    `effects     ${report.sideEffects} transfers; executed without a valid artifact ${report.unauthorized}; duplicate executions ${report.duplicates}`,
    `audit       ${report.audit.runs} histories, ${report.audit.artifactsVerified} artifacts and ${report.audit.receiptsVerified} receipts verified, replay passed ${report.audit.replayPassed}, findings ${report.audit.findings} (${codes(report.audit.findingsByCode)}) in ${report.audit.durationSeconds} s`,
    `duration    ${report.durationSeconds} s`,
    report.passed ? 'PASSED: nothing lost, nothing executed without a valid artifact, nothing executed twice' : 'FAILED: see lost / unauthorized / duplicates above',
    '',
  ].join('\n');
}

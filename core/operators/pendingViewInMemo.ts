import type { WorkflowExecutionInfo } from '@temporalio/client';
import { PENDING_MEMO, type PendingApproval } from '../protocol/operatorContract';

/**
 * The pending view a listed run keeps in its memo (workflows/pendingMemo.ts), when it is
 * there and names that very run. A memo that is missing (a run recorded before the memo
 * existed), says to ask (arguments too long for a memo) or describes another run gives
 * undefined: the caller asks the run's `writ.pending` query instead.
 */
export function pendingViewInMemo(run: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'memo'>): PendingApproval | undefined {
  const entry = run.memo?.[PENDING_MEMO];
  if (typeof entry !== 'object' || entry === null || !('view' in entry)) return undefined;
  const view = (entry as { view: unknown }).view as Partial<PendingApproval> | null;
  if (typeof view !== 'object' || view === null) return undefined;
  if (view.workflowId !== run.workflowId || view.runId !== run.runId) return undefined;
  if (typeof view.requestDigest !== 'string' || !Array.isArray(view.args) || !Array.isArray(view.approvers)) return undefined;
  return view as PendingApproval;
}

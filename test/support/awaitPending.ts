import type { WorkflowHandle } from '@temporalio/client';
import { PENDING_QUERY, type PendingApproval } from '../../core/protocol/operatorContract';

/** Polls a run's `writ.pending` query (up to 10 s) until it reports what it awaits. */
export async function awaitPending(handle: WorkflowHandle): Promise<PendingApproval> {
  for (let i = 0; i < 200; i += 1) {
    const pending = await handle.query<PendingApproval | null>(PENDING_QUERY);
    if (pending !== null) return pending;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${handle.workflowId} never reported a pending approval`);
}

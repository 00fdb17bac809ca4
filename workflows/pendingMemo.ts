// The waiting run's pending view, kept in its memo so the visibility list that finds waiting
// runs (WritStatus = AwaitingApproval) also says what each waits for.
import { patched, upsertMemo } from '@temporalio/workflow';
import { PENDING_MEMO, PENDING_MEMO_MAX_BYTES, PENDING_MEMO_PATCH, type PendingApproval, type PendingMemo } from '../core/protocol/operatorContract';
import type { PendingState } from './runState';

/** What `writ.pending` answers: the request, its times and the approvers counted, without the statements. */
export function publicView(pending: PendingState): PendingApproval {
  const { statements: _statements, deniedBy: _deniedBy, ...view } = pending;
  return { ...view, approvers: [...pending.approvers] };
}

/**
 * Writes the run's pending view to its memo, or clears it (`undefined`). Called when the
 * wait begins, after each accepted approval and when the wait ends. Runs recorded before the
 * memo existed issued no such command, so they replay unchanged.
 */
export function publishPending(pending: PendingState | undefined): void {
  if (!patched(PENDING_MEMO_PATCH)) return;
  upsertMemo({ [PENDING_MEMO]: pending === undefined ? null : pendingMemoEntry(publicView(pending)) });
}

/** The memo entry for `view`: the view itself, or `askQuery` when its JSON is over PENDING_MEMO_MAX_BYTES. */
export function pendingMemoEntry(view: PendingApproval): PendingMemo {
  return new TextEncoder().encode(JSON.stringify(view)).length <= PENDING_MEMO_MAX_BYTES ? { view } : { askQuery: true };
}

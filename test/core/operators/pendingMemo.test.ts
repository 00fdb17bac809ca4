import { pendingViewInMemo } from '../../../core/operators/pendingViewInMemo';
import { PENDING_MEMO, PENDING_MEMO_MAX_BYTES, type PendingApproval } from '../../../core/protocol/operatorContract';
import { pendingMemoEntry } from '../../../workflows/pendingMemo';

const view: PendingApproval = {
  requestDigest: 'a'.repeat(64),
  workflowId: 'transfer-1',
  runId: 'run-1',
  stepId: 'step-1',
  action: 'transferFunds',
  args: [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000 }],
  argsDigest: 'b'.repeat(64),
  policySetId: 'examples',
  policyVersion: 'v1',
  policyDigest: 'c'.repeat(64),
  initiator: 'alice',
  required: 2,
  requiredBy: ['large-transfer-needs-two'],
  timeoutSeconds: 600,
  requestedAt: '2026-12-02T17:00:00.000Z',
  expiresAt: '2026-12-02T17:10:00.000Z',
  approvers: ['bob'],
};

describe('the pending view a run keeps in its memo', () => {
  it('is the view itself while its JSON fits the bound', () => {
    expect(pendingMemoEntry(view)).toEqual({ view });
  });

  it('only says to ask the query when the view is over the bound, counting bytes rather than characters', () => {
    const text = 'x'.repeat(PENDING_MEMO_MAX_BYTES);
    expect(pendingMemoEntry({ ...view, args: [text] })).toEqual({ askQuery: true });
    // Under the bound in characters, over it in UTF-8 bytes (three per character).
    const wide = '€'.repeat(Math.ceil(PENDING_MEMO_MAX_BYTES / 3));
    expect(wide.length).toBeLessThan(PENDING_MEMO_MAX_BYTES);
    expect(pendingMemoEntry({ ...view, args: [wide] })).toEqual({ askQuery: true });
  });
});

describe('reading a listed run\'s memo', () => {
  const listed = { workflowId: 'transfer-1', runId: 'run-1' };

  it('gives the view when it names the listed run', () => {
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: { view } } })).toEqual(view);
  });

  it('leaves the run to its query when the memo is missing, says to ask, or is not a view', () => {
    expect(pendingViewInMemo({ ...listed })).toBeUndefined();
    expect(pendingViewInMemo({ ...listed, memo: {} })).toBeUndefined();
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: { askQuery: true } } })).toBeUndefined();
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: null } })).toBeUndefined();
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: 'AwaitingApproval' } })).toBeUndefined();
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: { view: { ...view, args: 'not a list' } } } })).toBeUndefined();
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: { view: { ...view, requestDigest: 7 } } } })).toBeUndefined();
  });

  it('refuses a view that names another run, so one run cannot list itself as another', () => {
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: { view: { ...view, runId: 'run-2' } } } })).toBeUndefined();
    expect(pendingViewInMemo({ ...listed, memo: { [PENDING_MEMO]: { view: { ...view, workflowId: 'transfer-2' } } } })).toBeUndefined();
  });
});

import { formatDuration, renderPendingTable } from '../../console/pages/pendingPage';
import type { PendingRun } from '../../core/operators/operatorConsole';

const HOSTILE = '<script>globalThis.__pwned=1</script>"onerror="x';

function run(overrides: Partial<PendingRun> = {}): PendingRun {
  return {
    requestDigest: 'd'.repeat(64),
    workflowId: 'transfer-1',
    runId: 'run-1',
    stepId: 'step-1',
    action: 'transferFunds',
    args: [{ to: 'acct-9', amount: 900, memo: HOSTILE }],
    argsDigest: 'a'.repeat(64),
    policySetId: 'payments',
    policyVersion: '7',
    policyDigest: 'p'.repeat(64),
    initiator: 'alice',
    required: 2,
    requiredBy: ['transfers-require-two-approvals', 'large-transfers-need-a-lead'],
    timeoutSeconds: 900,
    requestedAt: '2026-12-02T12:00:00.000Z',
    expiresAt: '2026-12-02T12:15:00.000Z',
    approvers: ['bob'],
    workflowType: 'transferWorkflow',
    ...overrides,
  };
}

describe('renderPendingTable', () => {
  const now = new Date('2026-12-02T12:10:55.000Z');

  describe('when a step awaits approval', () => {
    const markup = renderPendingTable([run()], now);

    it('shows the policy set and version and every determining policy as a reason', () => {
      expect(markup).toContain('<td class="policy">payments <span class="version">7</span>');
      expect(markup).toContain('<ul class="reasons"><li>transfers-require-two-approvals</li><li>large-transfers-need-a-lead</li></ul>');
    });

    it('shows the time left with the expiry the script counts down to, and when it was asked', () => {
      expect(markup).toContain('<time datetime="2026-12-02T12:15:00.000Z" data-countdown="2026-12-02T12:15:00.000Z">4 min 05 s</time>');
      expect(markup).toContain('asked <time datetime="2026-12-02T12:00:00.000Z">');
    });

    it('names the action and workflow on each decision button, for keyboard and screen reader users', () => {
      expect(markup).toContain('aria-label="Approve transferFunds in transfer-1">Approve</button>');
      expect(markup).toContain('aria-label="Deny transferFunds in transfer-1">Deny</button>');
    });
  });

  describe('when the wait has run out', () => {
    it('says expired rather than 0 s', () => {
      expect(renderPendingTable([run({ expiresAt: '2026-12-02T12:10:00.000Z' })], now)).toContain('>expired</time>');
    });
  });

  describe('when every workflow-provided field carries markup', () => {
    const markup = renderPendingTable(
      [run({ workflowId: HOSTILE, workflowType: HOSTILE, action: HOSTILE, initiator: HOSTILE, policySetId: HOSTILE, policyVersion: HOSTILE, requiredBy: [HOSTILE], approvers: [HOSTILE], requestedAt: HOSTILE, expiresAt: HOSTILE })],
      now,
    );

    it('renders none of it as markup', () => {
      expect(markup).not.toContain('<script');
      expect(markup).not.toContain('"onerror="');
      expect(markup).toContain('&lt;script&gt;');
    });
  });
});

describe('formatDuration', () => {
  it('formats hours, minutes and seconds as the countdown does', () => {
    expect([formatDuration(3720), formatDuration(245), formatDuration(12)]).toEqual(['1 h 02 min', '4 min 05 s', '12 s']);
  });
});

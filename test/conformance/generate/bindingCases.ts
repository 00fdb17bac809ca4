import { intentDigest } from '../../../core/artifact/intentDigest';
import type { ExecutionFacts } from '../../../core/artifact/verify/executionFacts';
import type { WritErrorCode } from '../../../core/errors/writError';
import { approvalOf, at, baseClaims, changed, FACTS, fail, OTHER_POLICY_DIGEST, writSigned, type CaseSpec, type KeyMaterial } from './vectorKit';

/** The artifact presented for another execution: namespace, queue, workflow, run, activity, action, args, attempt. */
export function bindingCases(keys: KeyMaterial): CaseSpec[] {
  const { a } = keys;
  const token = writSigned(baseClaims(), a);
  const presented = (name: string, why: string, facts: Partial<ExecutionFacts>, code: WritErrorCode): CaseSpec => ({ name, why, token, facts: { ...FACTS, ...facts }, expected: fail(code) });
  return [
    presented('namespace-wrong_fail', 'presented in another namespace than the one it was issued for.', { namespace: 'writ-staging' }, 'ARTIFACT_CONTEXT_MISMATCH'),
    presented('task-queue-wrong_fail', 'presented on another task queue than the one it was issued for.', { taskQueue: 'writ-governed-shadow' }, 'ARTIFACT_CONTEXT_MISMATCH'),
    presented('workflow-wrong_fail', 'presented in another workflow than the one it was issued for.', { workflowId: 'transfer-43' }, 'ARTIFACT_CONTEXT_MISMATCH'),
    presented('run-wrong_fail', 'presented in another run of the same workflow (a reset or a replayed header).', { runId: '0f7b4d0e-2c1a-4b5e-8d9f-a0b1c2d3e4f5' }, 'ARTIFACT_RUN_MISMATCH'),
    presented('activity-wrong_fail', 'presented by another activity of the same run (a second governed step reusing the header).', { activityId: 'writ-step-2.1' }, 'ARTIFACT_ACTIVITY_MISMATCH'),
    presented('action-wrong_fail', 'presented by another action than the one it authorizes.', { activityType: 'agentIssueRefund' }, 'ARTIFACT_ACTION_MISMATCH'),
    presented('args-digest-wrong_fail', 'the action received other arguments (another amount) than were authorized.', { args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 778 }] }, 'ARTIFACT_ARGS_MISMATCH'),
    presented('args-extra-member_fail', 'the action received the authorized arguments plus one more member.', { args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: 777, memo: 'x' }] }, 'ARTIFACT_ARGS_MISMATCH'),
    presented('args-extra-argument_fail', 'the action received one more positional argument than was authorized.', { args: [...FACTS.args, { dryRun: false }] }, 'ARTIFACT_ARGS_MISMATCH'),
    presented('args-missing_fail', 'the action received no arguments.', { args: [] }, 'ARTIFACT_ARGS_MISMATCH'),
    presented('args-number-type_fail', 'the amount arrives as the string "777" instead of the number 777.', { args: [{ fromAccount: 'acct-alice', toAccount: 'acct-bob', amountCents: '777' }] }, 'ARTIFACT_ARGS_MISMATCH'),
    {
      name: 'args-digest-other-action_fail',
      why: 'the argument digest was computed for the same arguments under another action name: the action is inside the digested document.',
      token: writSigned(changed((c) => (at(c, 'writ', 'intent')['argsDigest'] = intentDigest('agentIssueRefund', FACTS.args))), a),
      expected: fail('ARTIFACT_ARGS_MISMATCH'),
    },
    presented('attempts-exceeded_fail', 'the second attempt of an artifact that authorizes one.', { attempt: 2 }, 'ARTIFACT_ATTEMPTS_EXCEEDED'),
  ];
}

/** Approvals the artifact requires but does not carry. */
export function approvalCases(keys: KeyMaterial): CaseSpec[] {
  const { a } = keys;
  const approvals = (name: string, why: string, required: number, approvers: readonly string[]): CaseSpec => ({
    name,
    why,
    token: writSigned(changed((c) => (at(c, 'writ')['approval'] = approvalOf(required, approvers))), a),
    expected: fail('ARTIFACT_APPROVALS_MISSING'),
  });
  return [
    approvals('approvals-too-few_fail', 'the policy required two approvals and the artifact carries one.', 2, ['bob']),
    approvals('approvals-self_fail', 'one of the two approvers is the principal the artifact authorizes.', 2, ['bob', 'alice']),
    approvals('approvals-duplicate-approver_fail', 'the same approver is counted twice towards two required approvals.', 2, ['bob', 'bob']),
  ];
}

/** Freshness: an artifact decided under a policy set that is no longer active. */
export function policyCases(keys: KeyMaterial): CaseSpec[] {
  const { a } = keys;
  return [
    {
      name: 'policy-stale_fail',
      why: 'the artifact was decided under a policy set that is no longer the active one.',
      detail: 'The enforcement point refuses it so the governed step re-authorizes under the current set; an auditor whose evidence holds only the active set finds the cited set unknown.',
      token: writSigned(changed((c) => (at(c, 'writ', 'policy')['digest'] = OTHER_POLICY_DIGEST)), a),
      expected: fail('POLICY_STALE'),
    },
  ];
}

import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import {
  APPROVE_UPDATE,
  AWAITING_APPROVAL,
  CONTROL_WORKFLOW_ID,
  KILL_SWITCH_STATE_QUERY,
  KILL_SWITCH_UPDATE,
  PENDING_QUERY,
  REVOKE_UPDATE,
  STATUS_SEARCH_ATTRIBUTE,
  type ApprovalAnswer,
  type KillSwitchInForce,
  type KillSwitchReceipt,
  type OperatorActReceipt,
  type PendingApproval,
} from '../protocol/operatorContract';
import { WritError } from '../errors/writError';
import { pendingViewInMemo } from './pendingViewInMemo';
import { APPROVAL_AUDIENCE, KILL_SWITCH_AUDIENCE, REVOCATION_AUDIENCE } from './statements';

/** How many runs `pending()` queries at once. */
const PENDING_QUERY_CONCURRENCY = 16;

/** Signs operator statements for a named principal (the development identity provider does). */
export interface StatementSigner {
  /**
   * Signs `statement` as a JWT for `audience` (each kind of statement has its own), with
   * `principal` as its subject. Workers accept it only from the identity provider they trust.
   */
  mintStatement(request: { principal: string; groups?: string[]; audience: string; statement: Record<string, unknown>; ttlSeconds?: number }): Promise<string>;
}

/** Who is acting: a principal and the groups their identity carries. */
export interface Operator {
  /** The operator's principal, the signed statement's subject. */
  readonly principal: string;
  /** The groups the operator's identity carries; the policy set's operator rules read them. */
  readonly groups: readonly string[];
}

/** A run awaiting approval, as `writ pending` lists it. */
export interface PendingRun extends PendingApproval {
  /** The run's workflow type. */
  readonly workflowType: string;
}

/**
 * What operators do to running workflows, as a library: list what awaits approval across
 * the namespace, approve or deny it, revoke a run, flip the kill switch. Every act is a
 * statement signed for the operator and sent through an update, so the answer (accepted,
 * or refused with its code) comes back and the act is recorded in history.
 */
export class OperatorConsole {
  /** `namespace` is the one the kill switch applies to; `controlTaskQueue`, where its control workflow runs; `controlWorkflowId`, its id (default `writ-control`). */
  constructor(
    private readonly client: Client,
    private readonly signer: StatementSigner,
    private readonly options: { namespace: string; controlTaskQueue: string; controlWorkflowId?: string },
  ) {}

  /**
   * Every run whose governed step awaits approval, with what it awaits. One visibility list
   * finds the runs and carries each one's pending view in its memo; a run is asked with the
   * `writ.pending` query only when its memo lacks the view (recorded before the memo
   * existed, or arguments too long for a memo), PENDING_QUERY_CONCURRENCY at a time.
   */
  async pending(): Promise<PendingRun[]> {
    const runs: WorkflowExecutionInfo[] = [];
    for await (const run of this.client.workflow.list({ query: `${STATUS_SEARCH_ATTRIBUTE} = '${AWAITING_APPROVAL}' AND ExecutionStatus = 'Running'` })) runs.push(run);
    const answers: (PendingRun | null)[] = runs.map((run) => {
      const view = pendingViewInMemo(run);
      return view === undefined ? null : { ...view, workflowType: run.type };
    });
    const toAsk = runs.flatMap((run, index) => (answers[index] === null ? [index] : []));
    let next = 0;
    const askNext = async (): Promise<void> => {
      while (next < toAsk.length) {
        const index = toAsk[next++]!;
        const run = runs[index]!;
        const answer = await this.client.workflow.getHandle(run.workflowId, run.runId).query<PendingApproval | null>(PENDING_QUERY);
        answers[index] = answer === null ? null : { ...answer, workflowType: run.type };
      }
    };
    await Promise.all(Array.from({ length: Math.min(PENDING_QUERY_CONCURRENCY, toAsk.length) }, askNext));
    return answers.filter((answer): answer is PendingRun => answer !== null);
  }

  /** The pending request of one run, or undefined. */
  async pendingOf(workflowId: string): Promise<PendingApproval | undefined> {
    return (await this.client.workflow.getHandle(workflowId).query<PendingApproval | null>(PENDING_QUERY)) ?? undefined;
  }

  /** Approves (or denies) what `workflowId` awaits, as `operator`. */
  async decide(workflowId: string, operator: Operator, decision: 'approve' | 'deny', reason?: string): Promise<ApprovalAnswer> {
    const pending = await this.pendingOf(workflowId);
    if (pending === undefined) throw new WritError('APPROVAL_NOT_PENDING', `${workflowId} awaits no approval`);
    const { requestDigest, runId, stepId, action, argsDigest, policyVersion } = pending;
    const statement = await this.signer.mintStatement({
      principal: operator.principal,
      groups: [...operator.groups],
      audience: APPROVAL_AUDIENCE,
      statement: { kind: 'approval', decision, requestDigest, workflowId, runId, stepId, action, argsDigest, policyVersion, ...(reason ? { reason } : {}) },
    });
    return this.sendApproval(workflowId, statement);
  }

  /** Sends an approval statement signed elsewhere (for example by a real identity provider). */
  sendApproval(workflowId: string, statement: string): Promise<ApprovalAnswer> {
    return this.client.workflow.getHandle(workflowId).executeUpdate<ApprovalAnswer, [string]>(APPROVE_UPDATE, { args: [statement] });
  }

  /** Revokes the authority of the current run of `workflowId`. */
  async revoke(workflowId: string, operator: Operator, reason: string): Promise<OperatorActReceipt> {
    const handle = this.client.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    const statement = await this.signer.mintStatement({
      principal: operator.principal,
      groups: [...operator.groups],
      audience: REVOCATION_AUDIENCE,
      statement: { kind: 'revocation', workflowId, runId, reason },
    });
    return this.sendRevocation(workflowId, runId, statement);
  }

  /** The current run of `workflowId`: the run a revocation names. */
  async currentRunId(workflowId: string): Promise<string> {
    return (await this.client.workflow.getHandle(workflowId).describe()).runId;
  }

  /** Sends a revocation statement signed elsewhere (by a real identity provider, or with an operator's passkey) to the run it names. */
  sendRevocation(workflowId: string, runId: string, statement: string): Promise<OperatorActReceipt> {
    return this.client.workflow.getHandle(workflowId, runId).executeUpdate<OperatorActReceipt, [string]>(REVOKE_UPDATE, { args: [statement] });
  }

  /**
   * Engages (`true`) or lifts the namespace's kill switch. A lift names the halt it lifts:
   * `options.lifts` (the digest `writ halt` printed), or else the halt in force as the
   * control workflow reports it; with no halt in force it is KILL_SWITCH_STATE_MISMATCH
   * before anything is signed. The store applies a lift only to the halt it names.
   */
  async killSwitch(engage: boolean, operator: Operator, reason: string, options: { lifts?: string | undefined } = {}): Promise<KillSwitchReceipt> {
    const lifts = engage ? undefined : (options.lifts ?? (await this.haltInForce()).statementDigest);
    const statement = await this.signer.mintStatement({
      principal: operator.principal,
      groups: [...operator.groups],
      audience: KILL_SWITCH_AUDIENCE,
      statement: { kind: 'kill-switch', engage, namespace: this.options.namespace, reason, ...(lifts === undefined ? {} : { lifts }) },
    });
    return this.sendKillSwitch(statement);
  }

  /** The control workflow's id (default `writ-control`: one per namespace). */
  private get controlWorkflowId(): string {
    return this.options.controlWorkflowId ?? CONTROL_WORKFLOW_ID;
  }

  /** The namespace the kill switch applies to. */
  get namespace(): string {
    return this.options.namespace;
  }

  /** Sends a kill-switch statement signed elsewhere (by a real identity provider, or with an operator's passkey) to the control workflow, started if need be. */
  async sendKillSwitch(statement: string): Promise<KillSwitchReceipt> {
    const handle = await this.client.workflow.start('writControl', {
      taskQueue: this.options.controlTaskQueue,
      workflowId: this.controlWorkflowId,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [],
    });
    return handle.executeUpdate<KillSwitchReceipt, [string]>(KILL_SWITCH_UPDATE, { args: [statement] });
  }

  /** The kill-switch change in force as the control workflow applied it, or null before any (and before the control workflow exists). */
  async killSwitchInForce(): Promise<KillSwitchInForce | null> {
    try {
      return await this.client.workflow.getHandle(this.controlWorkflowId).query<KillSwitchInForce | null>(KILL_SWITCH_STATE_QUERY);
    } catch (error) {
      // No control workflow yet: the switch was never used in this namespace.
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  /** The halt a resume lifts: the change in force, which must be an engage. */
  private async haltInForce(): Promise<KillSwitchInForce> {
    const inForce = await this.killSwitchInForce();
    if (inForce === null || !inForce.engaged) {
      throw new WritError('KILL_SWITCH_STATE_MISMATCH', `the control workflow of namespace ${this.options.namespace} applied no halt that is in force: there is nothing to lift (name one with --lifts <digest> if it was made elsewhere)`, {
        facts: { namespace: this.options.namespace, inForce: inForce?.statementDigest ?? null },
      });
    }
    return inForce;
  }
}

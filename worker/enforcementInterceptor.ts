import { ApplicationFailure, type Payload } from '@temporalio/common';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { canonicalDigest, sha256Digest } from '../core/canonical/digest';
import { WritError } from '../core/errors/writError';
import { toApplicationFailure } from '../core/errors/toApplicationFailure';
import { verifyArtifact } from '../core/artifact/verifyArtifact';
import type { ArtifactClaims } from '../core/artifact/claims';
import type { ExecutionFacts } from '../core/artifact/verify/executionFacts';
import { WRIT_ACTIVITY_PREFIX } from '../core/actions/actionRegistry';
import { ARTIFACT_HEADER } from '../core/protocol/headers';
import { requireBoundedInput } from '../core/protocol/inputBounds';
import type { ActionOutcome } from '../core/protocol/authorizeContract';
import { mintReceipt } from '../core/receipt/mintReceipt';
import { payloadConverter } from '../core/payload/strictPayloadConverter';
import { actionContextStore } from '../activities/actionContextStore';
import type { GovernanceDeps } from '../activities/governanceDeps';
import { appendEvidence } from '../activities/appendEvidence';
import { logEnforcementDenial } from '../activities/logEnforcementDenial';

/**
 * The enforcement point. Before a governed action's body runs, the artifact from its
 * header is verified against this execution's own activity info and the args it
 * received; afterwards the outcome is receipted, and the receipt durably sequenced in the
 * evidence log before the result (or failure) is returned. Writ's own activities pass; any other
 * activity runs only when it is declared exempt by name.
 */
export class EnforcementInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly context: Context,
    private readonly deps: GovernanceDeps,
    private readonly exempt: ReadonlySet<string>,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = this.context.info;
    const type = info.activityType;
    if (type.startsWith(WRIT_ACTIVITY_PREFIX)) return next(input);
    if (!this.deps.registry.has(type)) {
      if (this.exempt.has(type)) return next(input);
      throw toApplicationFailure(new WritError('ACTION_NOT_GOVERNED', `activity "${type}" is neither a governed action nor declared exempt`), 'ACTION_NOT_GOVERNED');
    }

    const facts: ExecutionFacts = {
      namespace: info.activityNamespace,
      taskQueue: info.taskQueue,
      // A governed action only ever runs inside a workflow run; a standalone activity
      // has no run to be bound to and fails the run binding below.
      workflowId: info.workflowExecution?.workflowId ?? '',
      runId: info.workflowExecution?.runId ?? '',
      activityId: info.activityId,
      activityType: type,
      attempt: info.attempt,
      args: input.args,
    };
    let token: unknown;
    let claims: ArtifactClaims;
    try {
      token = this.readArtifact(input.headers[ARTIFACT_HEADER]);
      // Standing first: a revoked run or an engaged kill switch stops even a valid artifact.
      await this.deps.governance.requireStanding(facts.namespace, facts.runId);
      // Before the args are digested to compare with the artifact's.
      requireBoundedInput(type, facts.args);
      claims = await verifyArtifact(token, facts, {
        keys: this.deps.trustedKeys,
        now: this.deps.clock(),
        clockSkewSeconds: this.deps.window.clockSkewSeconds,
        maxLifetimeSeconds: this.deps.window.maxLifetimeSeconds,
        activePolicyDigest: this.deps.policies.current().policySet.digest,
      });
      // Fleet-wide, after verification: an artifact authorizes at most maxAttempts
      // executions however many workers see it (a reused activity id starts at attempt 1).
      await this.deps.governance.countExecution({
        artifactId: claims.jti,
        maxAttempts: claims.writ.runtime.maxAttempts,
        expiresAt: new Date(claims.exp * 1000).toISOString(),
      });
    } catch (error) {
      // Nothing ran: the refusal is logged as a signed denial record, then returned.
      await logEnforcementDenial(this.deps, facts, error);
      throw toApplicationFailure(error, 'ARTIFACT_MALFORMED');
    }
    return this.runAndReceipt(input, next, claims, sha256Digest(token as string), facts);
  }

  // Headers reach the interceptor undecoded; read as strictly as the arguments were.
  private readArtifact(payload: Payload | undefined): unknown {
    if (payload === undefined) return undefined;
    try {
      return payloadConverter.fromPayload(payload);
    } catch {
      throw new WritError('ARTIFACT_MALFORMED', 'artifact header does not decode');
    }
  }

  private async runAndReceipt(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
    claims: ArtifactClaims,
    artifactDigest: string,
    facts: ExecutionFacts,
  ): Promise<ActionOutcome> {
    const actionContext = {
      // Stable for the step across attempts and re-authorizations: a duplicate or zombie
      // attempt presents the same key, and the side-effect store acts once per key.
      idempotencyKey: sha256Digest(`${claims.writ.runtime.runId}/${claims.writ.runtime.stepId}`),
      principal: claims.sub,
      artifactId: claims.jti,
    };
    const receiptFor = async (outcome: 'completed' | 'failed', resultDigest: string) =>
      mintReceipt(
        { artifactId: claims.jti, artifactDigest, runId: facts.runId, activityId: facts.activityId, attempt: facts.attempt, outcome, resultDigest },
        await this.deps.receiptSigner(),
        this.deps.clock(),
      );
    // The action has run and cannot be undone: a receipt the log cannot take fails the
    // activity, non-retryably (a retry would act again), as a receipt that cannot be signed does.
    const logReceipt = (receipt: string) => appendEvidence(this.deps, { v: 1, kind: 'receipt', runId: facts.runId, stepId: claims.writ.runtime.stepId, evidence: receipt });

    let result: unknown;
    try {
      result = await actionContextStore.run(actionContext, () => next(input));
    } catch (error) {
      throw await this.failureWithReceipt(error, receiptFor, logReceipt);
    }
    const normalized = result === undefined ? null : result;
    let writReceipt: string;
    try {
      writReceipt = await receiptFor('completed', canonicalDigest(normalized));
    } catch (error) {
      throw toApplicationFailure(error, 'SIGNER_UNAVAILABLE');
    }
    try {
      await logReceipt(writReceipt);
    } catch (error) {
      throw toApplicationFailure(error, 'EVIDENCE_LOG_UNAVAILABLE');
    }
    return { result: normalized, writReceipt };
  }

  /** A failed action is receipted too; the failure keeps its type and retryability. */
  private async failureWithReceipt(
    error: unknown,
    receiptFor: (outcome: 'failed', resultDigest: string) => Promise<string>,
    logReceipt: (receipt: string) => Promise<unknown>,
  ): Promise<ApplicationFailure> {
    const failure =
      error instanceof ApplicationFailure
        ? error
        : error instanceof WritError
          ? toApplicationFailure(error, error.code)
          : ApplicationFailure.create({ type: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
    let writReceipt: string;
    try {
      writReceipt = await receiptFor('failed', canonicalDigest({ type: failure.type ?? null, message: failure.message }));
    } catch (signError) {
      return toApplicationFailure(signError, 'SIGNER_UNAVAILABLE');
    }
    try {
      await logReceipt(writReceipt);
    } catch (logError) {
      return toApplicationFailure(logError, 'EVIDENCE_LOG_UNAVAILABLE');
    }
    return ApplicationFailure.create({
      type: failure.type ?? 'Error',
      message: failure.message,
      nonRetryable: failure.nonRetryable === true,
      details: [...(failure.details ?? []), { writReceipt }],
    });
  }
}

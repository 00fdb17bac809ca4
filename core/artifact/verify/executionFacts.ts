/**
 * What an action execution actually is, as the enforcement point (from its own activity
 * info and the args it received) or an auditor (from the history) observes it. Every
 * artifact binding is recomputed from these facts, never taken from the artifact.
 */
export interface ExecutionFacts {
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly activityId: string;
  readonly activityType: string;
  readonly attempt: number;
  readonly args: readonly unknown[];
}

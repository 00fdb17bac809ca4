// Types only: workflow code imports these (type-only) to call governed actions, so this
// file must never gain a runtime import.
import type { z } from 'zod';
import type { CedarEntity } from '../policy/policyEngine';

/** What a governed action's implementation learns about the execution it is part of. */
export interface ActionContext {
  /** Stable for the governed step across retries and re-authorizations: use it to act once. */
  readonly idempotencyKey: string;
  /** The verified principal the action runs for. */
  readonly principal: string;
  /** The `jti` of the artifact that authorized this execution. */
  readonly artifactId: string;
}

/** The Cedar resource an input touches, and any context the policy reads. */
export interface ResourceView {
  /** The entity the policy's `resource` is. */
  readonly resource: CedarEntity;
  /** Members of the action's Cedar context, beside the `approvalCount` Writ adds. */
  readonly context?: Record<string, unknown>;
}

/** A governed action as its author declares it, once. */
export interface GovernedAction<Input extends z.ZodObject = z.ZodObject, Result = unknown> {
  /** Marks a value made by `defineAction`. */
  readonly kind: 'writ.governed-action';
  /** Strict zod object schema: unknown keys are rejected. */
  readonly input: Input;
  /** How the policy sees this input: the resource, and the context it may read. */
  readonly resource: (input: z.output<Input>) => ResourceView | Promise<ResourceView>;
  /** The action itself. It runs only after its artifact has been verified. */
  readonly execute: (input: z.output<Input>, context: ActionContext) => Promise<Result>;
  /** How many attempts one artifact authorizes (default 3). */
  readonly maxAttempts: number;
  /** What the action does, for people reading the code; Writ does not use it (empty when none was given). */
  readonly description: string;
}

/** A map of action name to declaration, as returned by an actions factory. */
export type GovernedActions = Record<string, GovernedAction<z.ZodObject, unknown>>;

/** The workflow-side view of a set of governed actions: call them like activities. */
export type GovernedProxy<T extends GovernedActions> = {
  readonly [K in keyof T]: (input: z.input<T[K]['input']>) => Promise<Awaited<ReturnType<T[K]['execute']>>>;
};

import type { z } from 'zod';
import type { ActionContext, GovernedAction, ResourceView } from './types';

/** What an author writes to govern an action: the rest is Writ's job. */
export interface ActionDeclaration<Input extends z.ZodObject, Result> {
  /** The input schema: a strict zod object (`z.strictObject`), so no unreviewed argument rides along. */
  readonly input: Input;
  /** How the policy sees an input: the Cedar resource it touches, and the context it may read. */
  readonly resource: (input: z.output<Input>) => ResourceView | Promise<ResourceView>;
  /** The action itself. It runs only on a worker, after its artifact has been verified. */
  readonly execute: (input: z.output<Input>, context: ActionContext) => Promise<Result>;
  /** How many attempts one artifact authorizes: 1 to 10 (default 3). */
  readonly maxAttempts?: number;
  /** What the action does, for people reading the code; Writ does not use it. */
  readonly description?: string;
}

/**
 * Declares a governed action. The input schema must be a strict zod object
 * (`z.strictObject`), so an argument nobody reviewed cannot ride along; this is checked
 * here, when the declaration is made, not on first use.
 */
export function defineAction<Input extends z.ZodObject, Result>(
  declaration: ActionDeclaration<Input, Result>,
): GovernedAction<Input, Result> {
  const def = declaration.input.def as unknown as { type: string; catchall?: { def: { type: string } } };
  if (def.type !== 'object' || def.catchall?.def.type !== 'never') {
    throw new TypeError('defineAction: input must be a strict object schema (z.strictObject)');
  }
  const maxAttempts = declaration.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new TypeError('defineAction: maxAttempts must be an integer from 1 to 10');
  }
  return {
    kind: 'writ.governed-action',
    input: declaration.input,
    resource: declaration.resource,
    execute: declaration.execute,
    maxAttempts,
    description: declaration.description ?? '',
  };
}

import type { z } from 'zod';
import type { ActionContext, GovernedAction, ResourceView } from './types';

/** What an author writes to govern an action: the rest is Writ's job. */
export interface ActionDeclaration<Input extends z.ZodObject, Result> {
  readonly input: Input;
  readonly resource: (input: z.output<Input>) => ResourceView | Promise<ResourceView>;
  readonly execute: (input: z.output<Input>, context: ActionContext) => Promise<Result>;
  readonly maxAttempts?: number;
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

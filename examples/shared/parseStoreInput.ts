import { z } from 'zod';
import { WritError } from 'writ-governance';

/**
 * An idempotency key as Writ derives it (from the workflow run and the governed step):
 * non-empty and bounded, so a missing or runaway key never reaches a UNIQUE column.
 */
export const idempotencyKeySchema = z.string().min(1).max(512);

/** A positive amount in integer cents, small enough to add without losing precision. */
export const positiveCentsSchema = z.int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Validates a store method's input against a strict zod schema and returns the parsed
 * value. Every problem is reported at once as an `INPUT_INVALID` WritError, so a bad
 * call changes nothing and says everything that was wrong with it.
 */
export function parseStoreInput<T>(schema: z.ZodType<T>, input: unknown, operation: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path || '(input)'}: ${issue.message}`).join('; ');
  throw new WritError('INPUT_INVALID', `${operation}: ${summary}`, { issues });
}

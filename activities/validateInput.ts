import { WritError } from '../core/errors/writError';
import type { GovernedAction } from '../core/actions/types';
import { requireBoundedInput } from '../core/protocol/inputBounds';

/**
 * Checks the args of a governed call: exactly one argument, no larger than
 * `MAX_INPUT_BYTES_CEILING` encoded (INPUT_TOO_LARGE), valid against the action's strict
 * schema. INPUT_INVALID lists every problem with its path, so the author sees
 * them all at once.
 */
export function validateInput(name: string, action: GovernedAction, args: readonly unknown[]): unknown {
  if (args.length !== 1) {
    throw new WritError('INPUT_INVALID', `${name} takes exactly one argument, got ${args.length}`, {
      issues: [{ path: '(args)', message: `expected 1 argument, got ${args.length}` }],
    });
  }
  requireBoundedInput(name, args);
  const parsed = action.input.safeParse(args[0]);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.length > 0 ? issue.path.join('.') : '(input)', message: issue.message }));
  throw new WritError('INPUT_INVALID', `input for ${name} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

import { isWritError } from '../../core/errors/writError';

/**
 * The code of the WritError `run` throws synchronously, or undefined when it throws
 * nothing; anything else thrown is named as such, so a mismatch says what happened.
 */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isWritError(error) ? error.code : `not a WritError: ${String(error)}`;
  }
  return undefined;
}

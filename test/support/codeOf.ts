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

/**
 * The code of the WritError `action` throws or rejects with, `NO_ERROR` when it settles
 * without one; anything else thrown is named as such, so a mismatch says what happened.
 */
export async function awaitedCodeOf(action: () => unknown): Promise<string> {
  try {
    await action();
    return 'NO_ERROR';
  } catch (error) {
    return isWritError(error) ? error.code : `not a WritError: ${String(error)}`;
  }
}

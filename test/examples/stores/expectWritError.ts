import { isWritError, type WritErrorCode } from '../../../core/errors/writError';

/**
 * Asserts that `action` throws a WritError with `code`. On failure jest prints whatever
 * was thrown instead (or undefined when nothing was), which says more than a bare false.
 */
export function expectWritError(action: () => unknown, code: WritErrorCode): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isWritError(thrown, code) ? code : thrown).toBe(code);
}

import type { Pkcs11Binding } from './loadPkcs11js';

/** The CKR_* return value of a pkcs11js failure, or undefined for any other error. */
export function pkcs11Code(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== 'Pkcs11Error') return undefined;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** What a failure says about itself in one line: its CKR_* name for a module's refusal. */
export function describePkcs11Failure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message.split('\n')[0] ?? error.name;
}

/**
 * True when a failure means the session (or the login, or the token behind it) is gone
 * rather than that the request was wrong: such a session is thrown away and a new one
 * opened, where the same request can succeed.
 */
export function isSessionLost(binding: Pkcs11Binding, error: unknown): boolean {
  const code = pkcs11Code(error);
  return (
    code !== undefined &&
    [
      binding.CKR_SESSION_HANDLE_INVALID,
      binding.CKR_SESSION_CLOSED,
      binding.CKR_USER_NOT_LOGGED_IN,
      binding.CKR_KEY_HANDLE_INVALID,
      binding.CKR_OBJECT_HANDLE_INVALID,
      binding.CKR_DEVICE_REMOVED,
      binding.CKR_DEVICE_ERROR,
      binding.CKR_TOKEN_NOT_PRESENT,
      binding.CKR_CRYPTOKI_NOT_INITIALIZED,
    ].includes(code)
  );
}

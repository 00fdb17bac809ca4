import { WritError } from '../../errors/writError';
import { acquirePkcs11Module, type Pkcs11Module } from './pkcs11Module';
import { describePkcs11Failure, pkcs11Code } from './pkcs11Failure';
import type { Pkcs11SignerConfig } from './pkcs11SignerConfig';

/** Where a token is and how to log in to it: the part of the signer configuration a session needs. */
export type TokenAddress = Pick<Pkcs11SignerConfig, 'module' | 'tokenLabel' | 'pinEnv'>;

/** A logged-in session with one token, on a module this session holds a share of. */
export interface TokenSession {
  readonly module: Pkcs11Module;
  /** The session handle. */
  readonly handle: Buffer;
  /** Closes the session and gives the module back. Never throws. */
  close(): void;
}

/**
 * Opens a session with the token labelled `tokenLabel` in `module` and logs in as the
 * user with the PIN in the environment variable `pinEnv`. Every failure is
 * SIGNER_UNAVAILABLE naming what to check: the variable unset, the module, a token that
 * is not there (the labels that are), a refused or locked PIN. A refused PIN is never
 * tried again: tokens lock themselves after a few.
 */
export function openTokenSession(address: TokenAddress, env: NodeJS.ProcessEnv, options: { readWrite?: boolean } = {}): TokenSession {
  const pin = env[address.pinEnv];
  if (pin === undefined || pin === '') {
    throw new WritError('SIGNER_UNAVAILABLE', `environment variable ${address.pinEnv} is not set: it must hold the user PIN of PKCS#11 token "${address.tokenLabel}"`);
  }
  const module = acquirePkcs11Module(address.module);
  const { pkcs11, binding } = module;
  let handle: Buffer | undefined;
  const close = () => {
    if (handle !== undefined) {
      try {
        pkcs11.C_CloseSession(handle);
      } catch {
        // Already gone with the token or the module: nothing left to close.
      }
      handle = undefined;
    }
    module.release();
  };
  try {
    const slot = findTokenSlot(module, address.tokenLabel);
    handle = pkcs11.C_OpenSession(slot, binding.CKF_SERIAL_SESSION | (options.readWrite === true ? binding.CKF_RW_SESSION : 0));
    logIn(module, handle, pin, address);
    const opened = handle;
    return { module, handle: opened, close };
  } catch (error) {
    close();
    if (error instanceof WritError) throw error;
    throw new WritError('SIGNER_UNAVAILABLE', `cannot open a session with PKCS#11 token "${address.tokenLabel}": ${describePkcs11Failure(error)}`, { cause: error });
  }
}

function findTokenSlot(module: Pkcs11Module, tokenLabel: string): Buffer {
  const { pkcs11 } = module;
  const labelled = pkcs11.C_GetSlotList(true).map((slot) => ({ slot, label: pkcs11.C_GetTokenInfo(slot).label.trimEnd() }));
  const matching = labelled.filter((token) => token.label === tokenLabel);
  const [only] = matching;
  if (only === undefined) {
    const present = labelled.map((token) => JSON.stringify(token.label)).join(', ');
    throw new WritError('SIGNER_UNAVAILABLE', `no PKCS#11 token labelled "${tokenLabel}" in ${module.path} (tokens present: ${present || 'none'}): check "tokenLabel", and that the token is initialized and plugged in`);
  }
  if (matching.length > 1) {
    throw new WritError('SIGNER_UNAVAILABLE', `${matching.length} PKCS#11 tokens are labelled "${tokenLabel}" in ${module.path}: give each token its own label`);
  }
  return only.slot;
}

function logIn(module: Pkcs11Module, session: Buffer, pin: string, address: TokenAddress): void {
  const { pkcs11, binding } = module;
  try {
    pkcs11.C_Login(session, binding.CKU_USER, pin);
  } catch (error) {
    const code = pkcs11Code(error);
    // Another session of this process logged in to the token already; the login is shared.
    if (code === binding.CKR_USER_ALREADY_LOGGED_IN) return;
    if (code === binding.CKR_PIN_INCORRECT || code === binding.CKR_PIN_LEN_RANGE) {
      throw new WritError('SIGNER_UNAVAILABLE', `PKCS#11 token "${address.tokenLabel}" refused the PIN in ${address.pinEnv}: check the variable (Writ does not try again: a token locks its PIN after a few wrong ones)`, { cause: error });
    }
    if (code === binding.CKR_PIN_LOCKED) {
      throw new WritError('SIGNER_UNAVAILABLE', `the user PIN of PKCS#11 token "${address.tokenLabel}" is locked after too many wrong PINs: have the security officer unlock it, then check ${address.pinEnv}`, { cause: error });
    }
    throw new WritError('SIGNER_UNAVAILABLE', `cannot log in to PKCS#11 token "${address.tokenLabel}": ${describePkcs11Failure(error)}`, { cause: error });
  }
}

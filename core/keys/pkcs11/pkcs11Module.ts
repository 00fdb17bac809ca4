import { existsSync } from 'node:fs';
import type { PKCS11 } from 'pkcs11js';
import { WritError } from '../../errors/writError';
import { loadPkcs11js, type Pkcs11Binding } from './loadPkcs11js';
import { pkcs11Code } from './pkcs11Failure';

/** A PKCS#11 module loaded and initialized for this process, until its last user releases it. */
export interface Pkcs11Module {
  /** The binding's constants (CKA_*, CKO_*, CKR_*...). */
  readonly binding: Pkcs11Binding;
  /** The module's functions. */
  readonly pkcs11: PKCS11;
  /** The module's path, as configured. */
  readonly path: string;
  /** Gives the module back; the last release finalizes and unloads it. */
  release(): void;
}

interface Loaded {
  readonly binding: Pkcs11Binding;
  readonly pkcs11: PKCS11;
  users: number;
}

// A module is initialized once per process (C_Initialize twice is an error), so every
// signer and key command in the process shares it, counted.
const loadedModules = new Map<string, Loaded>();

/**
 * The PKCS#11 module at `modulePath`, loaded and initialized (with OS locking, since
 * signatures run on libuv's threads) or shared with its other users in this process. A
 * missing file, a library that does not load or a module that does not initialize is
 * SIGNER_UNAVAILABLE naming the path.
 */
export function acquirePkcs11Module(modulePath: string): Pkcs11Module {
  let entry = loadedModules.get(modulePath);
  if (entry === undefined) {
    const binding = loadPkcs11js();
    if (!existsSync(modulePath)) {
      throw new WritError('SIGNER_UNAVAILABLE', `PKCS#11 module ${modulePath} does not exist: check "module" in the signer configuration (SoftHSM2 installs /usr/lib/softhsm/libsofthsm2.so)`);
    }
    const pkcs11 = new binding.PKCS11();
    try {
      pkcs11.load(modulePath);
    } catch (cause) {
      throw new WritError('SIGNER_UNAVAILABLE', `cannot load PKCS#11 module ${modulePath}: ${(cause as Error).message.split('\n')[0]}`, { cause });
    }
    try {
      pkcs11.C_Initialize({ flags: binding.CKF_OS_LOCKING_OK });
    } catch (cause) {
      // Initialized already by someone else in this process: the module is usable as it is.
      if (pkcs11Code(cause) !== binding.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        closeQuietly(pkcs11);
        throw new WritError('SIGNER_UNAVAILABLE', `PKCS#11 module ${modulePath} does not initialize: ${(cause as Error).message.split('\n')[0]}`, { cause });
      }
    }
    entry = { binding, pkcs11, users: 0 };
    loadedModules.set(modulePath, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    binding: held.binding,
    pkcs11: held.pkcs11,
    path: modulePath,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0 || loadedModules.get(modulePath) !== held) return;
      loadedModules.delete(modulePath);
      try {
        held.pkcs11.C_Finalize();
      } catch {
        // Finalizing is best effort: the process is done with the module either way.
      }
      closeQuietly(held.pkcs11);
    },
  };
}

function closeQuietly(pkcs11: PKCS11): void {
  try {
    pkcs11.close();
  } catch {
    // Nothing useful to do: the library stays mapped until the process exits.
  }
}

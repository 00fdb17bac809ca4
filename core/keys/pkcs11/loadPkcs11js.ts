import type * as Pkcs11Js from 'pkcs11js';
import { WritError } from '../../errors/writError';

/** The pkcs11js binding, as its type declarations describe it. */
export type Pkcs11Binding = typeof Pkcs11Js;

let loaded: Pkcs11Binding | undefined;

/**
 * The pkcs11js binding, loaded on first use: it is an optional peer dependency, needed
 * only by a PKCS#11 signer, so nothing else pays for its native module. Absent, or
 * present with a native module that does not load, it is SIGNER_UNAVAILABLE saying what
 * to install or rebuild. `load` is for tests that stand for a machine without it.
 */
export function loadPkcs11js(load?: () => unknown): Pkcs11Binding {
  if (load === undefined && loaded !== undefined) return loaded;
  let binding: unknown;
  try {
    binding = (load ?? (() => require('pkcs11js')))();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes("'pkcs11js'");
    throw new WritError(
      'SIGNER_UNAVAILABLE',
      missing
        ? 'the PKCS#11 signer needs the optional package pkcs11js: install it next to writ-governance (npm install pkcs11js)'
        : `pkcs11js is installed but does not load (${(error as Error).message.split('\n')[0]}): rebuild it for this Node (npm rebuild pkcs11js)`,
      { cause: error },
    );
  }
  if (typeof (binding as Partial<Pkcs11Binding> | undefined)?.PKCS11 !== 'function') {
    throw new WritError('SIGNER_UNAVAILABLE', 'the package found as pkcs11js is not the PKCS#11 binding Writ needs (pkcs11js 2.1 or later)');
  }
  if (load === undefined) loaded = binding as Pkcs11Binding;
  return binding as Pkcs11Binding;
}

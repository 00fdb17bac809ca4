import type { Signer } from '../artifact/mintArtifact';
import { WritError } from '../errors/writError';
import type { KeyStore } from '../keys/keyStore';
import { Pkcs11Signer } from '../keys/pkcs11/pkcs11Signer';
import type { SignerConfig } from '../keys/signerConfig';

/** How long a loaded signing key (or the check that the token key is still active) is reused. */
export const SIGNER_CACHE_MS = 5_000;

/** The signer a worker authorizes with, and what to close when it stops. */
export interface SignerSource {
  /** The active signer, re-checked against the key directory every few seconds. */
  readonly signer: () => Promise<Signer>;
  /** Closes a token session (nothing to close for the key directory). */
  close(): Promise<void>;
}

/**
 * Opens the configured signer over `keyStore`, the key set verifiers trust. The local
 * signer is the directory's active key, re-read every few seconds so a rotation takes
 * effect, the first one created when `createKeys`. A PKCS#11 signer is opened at once (a
 * wrong module, token, PIN or key stops the worker from starting) and must be the key
 * directory's active key (`writ keys pkcs11 activate`), or nothing it signed would verify:
 * otherwise KEY_NOT_FOUND, and SIGNER_UNAVAILABLE once a rotation has moved past it.
 */
export async function openSigner(
  config: SignerConfig,
  keyStore: KeyStore,
  options: { createKeys: boolean; env?: NodeJS.ProcessEnv; now?: () => number },
): Promise<SignerSource> {
  const clock = options.now ?? Date.now;
  if (config.kind === 'local') {
    if (options.createKeys) await keyStore.ensureActive();
    return { signer: cachedLocalSigner(keyStore, clock), close: async () => undefined };
  }
  const token = await Pkcs11Signer.open(config, options.env === undefined ? {} : { env: options.env });
  try {
    requireActiveInStore(keyStore, token, 'KEY_NOT_FOUND');
  } catch (error) {
    await token.close();
    throw error;
  }
  let checkedAt = clock();
  return {
    signer: async () => {
      const now = clock();
      if (now - checkedAt > SIGNER_CACHE_MS) {
        requireActiveInStore(keyStore, token, 'SIGNER_UNAVAILABLE');
        checkedAt = now;
      }
      return token;
    },
    close: () => token.close(),
  };
}

function cachedLocalSigner(keyStore: KeyStore, clock: () => number): () => Promise<Signer> {
  let cached: { signer: Promise<Signer>; at: number } | undefined;
  return () => {
    const now = clock();
    if (cached === undefined || now - cached.at > SIGNER_CACHE_MS) {
      cached = { signer: keyStore.loadSigner(), at: now };
      // A failed load must not be cached: the next call reads the directory again.
      cached.signer.catch(() => (cached = undefined));
    }
    return cached.signer;
  };
}

function requireActiveInStore(keyStore: KeyStore, token: Pkcs11Signer, code: 'KEY_NOT_FOUND' | 'SIGNER_UNAVAILABLE'): void {
  const active = keyStore.list().find((key) => key.status === 'active');
  if (active?.kid === token.kid) return;
  throw new WritError(
    code,
    active === undefined
      ? `the token key ${token.kid} is not the active key of ${keyStore.directory}, which has none: publish it with \`writ keys pkcs11 activate\``
      : `the token key ${token.kid} is not the active key of ${keyStore.directory} (${active.kid} is): publish it with \`writ keys pkcs11 activate\`, or configure the signer that holds ${active.kid}`,
  );
}

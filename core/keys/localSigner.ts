import { KeyObject, sign } from 'node:crypto';
import type { Signer } from '../artifact/mintArtifact';
import { WritError } from '../errors/writError';

/**
 * A `Signer` over an Ed25519 private key held in memory (the key directory's, see
 * `KeyStore.loadSigner`). The key is checked once, here: anything but an Ed25519 private
 * KeyObject is SIGNER_UNAVAILABLE. It is kept in a closure, not a property, so the signer
 * hands out signatures and never the key; signing is node:crypto's synchronous one-shot
 * `sign`, the fastest Ed25519 Node has.
 */
export function localSigner(kid: string, key: KeyObject): Signer {
  if (!(key instanceof KeyObject) || key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new WritError('SIGNER_UNAVAILABLE', `signing key ${kid} is not an Ed25519 private key`);
  }
  return Object.freeze({ kid, sign: (signingInput: Uint8Array): Uint8Array => sign(null, signingInput, key) });
}

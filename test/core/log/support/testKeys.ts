import { hash } from 'node:crypto';
import { Cosigner } from '../../../../core/log/checkpoint/cosignature';
import { ed25519PrivateKey } from '../../../../core/log/note/ed25519Raw';
import { keyIdHex, noteKeyId, type SignatureType } from '../../../../core/log/note/noteKeys';
import { Ed25519NoteSigner } from '../../../../core/log/note/noteSigner';

/**
 * The private key string of a test key whose seed is derived from `label`: the same key on
 * every run, so signed test data (Ed25519 signatures are deterministic) can be regenerated
 * byte for byte. Test keys only: their seeds are public.
 */
export function testPrivateKey(name: string, type: SignatureType, label: string = name): string {
  const seed = hash('sha256', `writ test key: ${label}`, 'buffer');
  const { publicKey } = ed25519PrivateKey(seed);
  return `PRIVATE+KEY+${name}+${keyIdHex(noteKeyId(name, type, publicKey))}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`;
}

/** A log signer (type 0x01) with a fixed test key. */
export function testLogSigner(name: string, label: string = name): Ed25519NoteSigner {
  return Ed25519NoteSigner.fromPrivateKey(testPrivateKey(name, 0x01, label));
}

/** A witness cosigner (type 0x04) with a fixed test key and the given clock. */
export function testCosigner(name: string, clock: () => Date, label: string = name): Cosigner {
  return Cosigner.fromPrivateKey(testPrivateKey(name, 0x04, label), clock);
}

import { endianness } from 'node:os';
import type { Template } from 'pkcs11js';
import { WritError } from '../../errors/writError';
import { ed25519KeyFromEcPoint, isEd25519Params } from './ecPoint';
import { CKK_EC_EDWARDS } from './pkcs11Constants';
import type { Pkcs11SignerConfig } from './pkcs11SignerConfig';
import type { TokenSession } from './tokenSession';

/** How a key is named in its token: CKA_LABEL, CKA_ID (hex), or both. */
export type TokenKeySelector = Pick<Pkcs11SignerConfig, 'tokenLabel' | 'keyLabel' | 'keyId'>;

/** An Ed25519 key pair found in a token: a handle to its private half, the bytes of its public one. */
export interface TokenKeyPair {
  /** The private key object's handle, valid in the session that found it. */
  readonly privateKey: Buffer;
  /** The 32-byte Ed25519 public key, read from the token's public key object. */
  readonly publicKey: Buffer;
  /** The pair's CKA_ID (empty when the token gave it none). */
  readonly id: Buffer;
}

/**
 * Finds the Ed25519 private key named by `selector` and the public key object beside it
 * (the same CKA_ID, as PKCS#11 pairs them, and the same label when one is given), and
 * reads the public key from CKA_EC_POINT. No key, a key of another type or curve, or no
 * public half is KEY_NOT_FOUND; two keys answering to the name is KEYSTORE_INVALID.
 */
export function findTokenKeyPair(session: TokenSession, selector: TokenKeySelector): TokenKeyPair {
  const { binding, pkcs11 } = session.module;
  const named = describeSelector(selector);
  const privateKey = onlyObject(session, selector, 'private key', [{ type: binding.CKA_CLASS, value: binding.CKO_PRIVATE_KEY }, ...nameTemplate(session, selector.keyLabel, selector.keyId)]);
  const [keyType, id] = pkcs11.C_GetAttributeValue(session.handle, privateKey, [{ type: binding.CKA_KEY_TYPE }, { type: binding.CKA_ID }]);
  if (keyType === undefined || readUlong(keyType.value) !== CKK_EC_EDWARDS) {
    throw new WritError('KEY_NOT_FOUND', `the private key ${named} in PKCS#11 token "${selector.tokenLabel}" is not an Ed25519 key: name an Ed25519 key, or create one with \`writ keys pkcs11 create\``);
  }
  const pairId = id === undefined || id.value.length === 0 ? selector.keyId : id.value.toString('hex');
  const publicObject = onlyObject(session, selector, 'public key', [
    { type: binding.CKA_CLASS, value: binding.CKO_PUBLIC_KEY },
    { type: binding.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
    ...nameTemplate(session, selector.keyLabel, pairId),
  ]);
  const [params, point] = pkcs11.C_GetAttributeValue(session.handle, publicObject, [{ type: binding.CKA_EC_PARAMS }, { type: binding.CKA_EC_POINT }]);
  if (params === undefined || !isEd25519Params(params.value)) {
    throw new WritError('KEY_NOT_FOUND', `the key ${named} in PKCS#11 token "${selector.tokenLabel}" is an Edwards-curve key but not Ed25519: Writ signs with Ed25519 only`);
  }
  const publicKey = point === undefined ? undefined : ed25519KeyFromEcPoint(point.value);
  if (publicKey === undefined) {
    throw new WritError('KEYSTORE_INVALID', `the public key ${named} in PKCS#11 token "${selector.tokenLabel}" has a CKA_EC_POINT that is not an Ed25519 point`);
  }
  return { privateKey, publicKey, id: id?.value ?? Buffer.alloc(0) };
}

/** The template that names a key: its label and/or its id. */
export function nameTemplate(session: TokenSession, label: string | undefined, idHex: string | undefined): Template {
  const { binding } = session.module;
  return [
    ...(label === undefined ? [] : [{ type: binding.CKA_LABEL, value: label }]),
    ...(idHex === undefined ? [] : [{ type: binding.CKA_ID, value: Buffer.from(idHex, 'hex') }]),
  ];
}

/** Every object of the session's token matching `template`. */
export function findObjects(session: TokenSession, template: Template): Buffer[] {
  const { pkcs11 } = session.module;
  pkcs11.C_FindObjectsInit(session.handle, template);
  try {
    const found: Buffer[] = [];
    for (;;) {
      const batch = pkcs11.C_FindObjects(session.handle, 16);
      if (batch.length === 0) return found;
      found.push(...batch);
    }
  } finally {
    pkcs11.C_FindObjectsFinal(session.handle);
  }
}

function onlyObject(session: TokenSession, selector: TokenKeySelector, what: string, template: Template): Buffer {
  const found = findObjects(session, template);
  const [only] = found;
  const named = describeSelector(selector);
  if (only === undefined) {
    throw new WritError(
      'KEY_NOT_FOUND',
      what === 'private key'
        ? `no private key ${named} in PKCS#11 token "${selector.tokenLabel}": check "keyLabel" / "keyId", or create the key with \`writ keys pkcs11 create\``
        : `the private key ${named} in PKCS#11 token "${selector.tokenLabel}" has no public key object beside it (same CKA_ID and label): Writ reads the public key from the token to name the key`,
    );
  }
  if (found.length > 1) {
    throw new WritError('KEYSTORE_INVALID', `${found.length} ${what}s answer to ${named} in PKCS#11 token "${selector.tokenLabel}": name one by "keyId" (CKA_ID) as well`);
  }
  return only;
}

/** `labelled "writ"`, `with id 01ab`, or both. */
export function describeSelector(selector: Pick<TokenKeySelector, 'keyLabel' | 'keyId'>): string {
  return [selector.keyLabel === undefined ? undefined : `labelled "${selector.keyLabel}"`, selector.keyId === undefined ? undefined : `with id ${selector.keyId.toLowerCase()}`]
    .filter((part) => part !== undefined)
    .join(' and ');
}

/** A CK_ULONG attribute value, in the machine's byte order and width. */
function readUlong(value: Buffer): number | undefined {
  if (value.length === 8) return Number(endianness() === 'LE' ? value.readBigUInt64LE(0) : value.readBigUInt64BE(0));
  if (value.length === 4) return endianness() === 'LE' ? value.readUInt32LE(0) : value.readUInt32BE(0);
  return undefined;
}

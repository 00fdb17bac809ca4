import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { WritError } from '../../errors/writError';
import { toPublicSigningJwk, type PublicSigningJwk } from '../ed25519Jwk';
import { CKK_EC_EDWARDS, CKM_EC_EDWARDS_KEY_PAIR_GEN, ED25519_OID_PARAMS } from './pkcs11Constants';
import { describePkcs11Failure, pkcs11Code } from './pkcs11Failure';
import { parsePkcs11SignerConfig } from './parsePkcs11SignerConfig';
import type { Pkcs11SignerSettings } from './pkcs11SignerConfig';
import { describeSelector, findObjects, findTokenKeyPair, nameTemplate } from './tokenKeyPair';
import { openTokenSession, type TokenSession } from './tokenSession';

/** A key pair made in a token: its kid, its public JWK, and the label and id it was given. */
export interface CreatedTokenKey {
  /** The RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  /** The public key as a key set publishes it. */
  readonly publicJwk: PublicSigningJwk;
  /** CKA_LABEL of both halves. */
  readonly keyLabel: string | undefined;
  /** CKA_ID of both halves, in hex. */
  readonly keyId: string;
}

/** A fresh key's CKA_ID when none is configured: random, so a pair is never confused with another. */
const GENERATED_ID_BYTES = 16;

/**
 * Generates an Ed25519 key pair inside the token `settings` name (CKM_EC_EDWARDS_KEY_PAIR_GEN,
 * the curve as the DER of OID 1.3.101.112) and returns its public JWK. The private half is
 * a token object that is private, sensitive and never extractable, which is read back and
 * checked; a token that did not honour that has the pair destroyed (KEYSTORE_INVALID).
 * Both halves get the configured label and id (a random id when none is given). A token
 * that already holds a private key by that name is refused (KEYSTORE_INVALID), so a name
 * always means one key; so is a token without Ed25519 (SIGNER_UNAVAILABLE).
 */
export async function createTokenKey(settings: Pkcs11SignerSettings, options: { env?: NodeJS.ProcessEnv } = {}): Promise<CreatedTokenKey> {
  const config = parsePkcs11SignerConfig(settings);
  const keyId = config.keyId?.toLowerCase() ?? randomBytes(GENERATED_ID_BYTES).toString('hex');
  const session = openTokenSession(config, options.env ?? process.env, { readWrite: true });
  try {
    const { binding, pkcs11 } = session.module;
    const name = nameTemplate(session, config.keyLabel, keyId);
    if (findObjects(session, [{ type: binding.CKA_CLASS, value: binding.CKO_PRIVATE_KEY }, ...nameTemplate(session, config.keyLabel, config.keyId)]).length > 0) {
      throw new WritError('KEYSTORE_INVALID', `PKCS#11 token "${config.tokenLabel}" already holds a private key ${describeSelector(config)}: choose another key label (or id)`);
    }
    let pair: { privateKey: Buffer; publicKey: Buffer };
    try {
      pair = pkcs11.C_GenerateKeyPair(
        session.handle,
        { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
        [
          { type: binding.CKA_CLASS, value: binding.CKO_PUBLIC_KEY },
          { type: binding.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
          { type: binding.CKA_TOKEN, value: true },
          { type: binding.CKA_PRIVATE, value: false },
          { type: binding.CKA_VERIFY, value: true },
          { type: binding.CKA_EC_PARAMS, value: ED25519_OID_PARAMS },
          ...name,
        ],
        [
          { type: binding.CKA_CLASS, value: binding.CKO_PRIVATE_KEY },
          { type: binding.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
          { type: binding.CKA_TOKEN, value: true },
          { type: binding.CKA_PRIVATE, value: true },
          { type: binding.CKA_SIGN, value: true },
          { type: binding.CKA_SENSITIVE, value: true },
          { type: binding.CKA_EXTRACTABLE, value: false },
          ...name,
        ],
      );
    } catch (error) {
      const unsupported = pkcs11Code(error) === binding.CKR_MECHANISM_INVALID || pkcs11Code(error) === binding.CKR_ATTRIBUTE_VALUE_INVALID;
      throw new WritError(
        'SIGNER_UNAVAILABLE',
        unsupported
          ? `PKCS#11 token "${config.tokenLabel}" cannot make Ed25519 keys (CKM_EC_EDWARDS_KEY_PAIR_GEN): it needs PKCS#11 3.0 EdDSA, as SoftHSM 2.6 and current HSMs have`
          : `PKCS#11 token "${config.tokenLabel}" did not make the key pair: ${describePkcs11Failure(error)}`,
        { cause: error },
      );
    }
    assertKeptInToken(session, pair, config.tokenLabel);
    const found = findTokenKeyPair(session, { ...config, keyId });
    const x = found.publicKey.toString('base64url');
    const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256');
    return { kid, publicJwk: toPublicSigningJwk(kid, { kty: 'OKP', crv: 'Ed25519', x }), keyLabel: config.keyLabel, keyId };
  } finally {
    session.close();
  }
}

/** Reads back what makes the private half unexportable; a token that ignored it loses the pair. */
function assertKeptInToken(session: TokenSession, pair: { privateKey: Buffer; publicKey: Buffer }, tokenLabel: string): void {
  const { binding, pkcs11 } = session.module;
  const flags = pkcs11.C_GetAttributeValue(session.handle, pair.privateKey, [
    { type: binding.CKA_TOKEN },
    { type: binding.CKA_SENSITIVE },
    { type: binding.CKA_EXTRACTABLE },
  ]);
  const [token, sensitive, extractable] = flags.map((flag) => flag.value.length === 1 && flag.value[0] === 1);
  if (token === true && sensitive === true && extractable === false) return;
  for (const handle of [pair.privateKey, pair.publicKey]) {
    try {
      pkcs11.C_DestroyObject(session.handle, handle);
    } catch {
      // Reported below either way: the key must not be used.
    }
  }
  throw new WritError('KEYSTORE_INVALID', `PKCS#11 token "${tokenLabel}" did not keep the new private key sensitive, unextractable and on the token; the pair was destroyed`);
}

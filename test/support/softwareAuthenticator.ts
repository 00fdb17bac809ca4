import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';

/** What an assertion should claim; each field defaults to an honest authenticator's answer. */
export interface SoftwareAssertionOptions {
  /** The origin in the client data (default `http://localhost:8443`). */
  readonly origin?: string;
  /** The RP id whose hash opens the authenticator data (default the authenticator's). */
  readonly rpId?: string;
  /** User presence (default true). */
  readonly userPresent?: boolean;
  /** User verification (default true). */
  readonly userVerified?: boolean;
  /** The signature counter to report (default: one more than the last). */
  readonly counter?: number;
}

/**
 * A WebAuthn authenticator in software (a P-256 key from node:crypto), so tests build real
 * assertions that `@simplewebauthn/server` verifies, without a browser: the authenticator
 * data is sha256(rpId) | flags | counter, the client data a `webauthn.get` for the challenge,
 * and the signature ECDSA over authenticatorData || sha256(clientDataJSON). Its options let
 * a negative test make each lie a broken authenticator or an attacker could tell.
 */
export class SoftwareAuthenticator {
  /** The credential id, base64url. */
  readonly credentialId: string;
  /** The credential's public key, COSE (EC2, ES256), base64url, as a binding stores it. */
  readonly publicKey: string;
  private readonly privateKey: KeyObject;
  private counter: number;

  /** A new credential for `rpId`; `startCounter` 0 with `countUp` false models authenticators that never count. */
  constructor(readonly rpId = 'localhost', startCounter = 0, private readonly countUp = true) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.credentialId = randomBytes(16).toString('base64url');
    this.publicKey = coseEs256(publicKey).toString('base64url');
    this.counter = startCounter;
  }

  /** An assertion over `challenge` (the base64url string the verifier expects in the client data). */
  assert(challenge: string, options: SoftwareAssertionOptions = {}): AuthenticationResponseJSON {
    const counter = options.counter ?? (this.countUp ? this.counter + 1 : this.counter);
    this.counter = Math.max(this.counter, counter);
    const flags = (options.userPresent === false ? 0 : 0x01) | (options.userVerified === false ? 0 : 0x04);
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    const authenticatorData = Buffer.concat([sha256(Buffer.from(options.rpId ?? this.rpId, 'utf8')), Buffer.from([flags]), counterBytes]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: options.origin ?? 'http://localhost:8443', crossOrigin: false }), 'utf8');
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: { clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authenticatorData.toString('base64url'), signature: signature.toString('base64url') },
      clientExtensionResults: {},
    };
  }
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The COSE_Key of a P-256 public key: CBOR map {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
function coseEs256(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x ?? '', 'base64url');
  const y = Buffer.from(jwk.y ?? '', 'base64url');
  return Buffer.concat([Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]), x, Buffer.from([0x22, 0x58, 0x20]), y]);
}

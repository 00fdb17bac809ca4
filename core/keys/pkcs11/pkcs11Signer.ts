import { createPublicKey, verify } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { Signer } from '../../artifact/mintArtifact';
import { WritError } from '../../errors/writError';
import { toPublicSigningJwk, type PublicSigningJwk } from '../ed25519Jwk';
import { CKM_EDDSA } from './pkcs11Constants';
import { describePkcs11Failure, isSessionLost } from './pkcs11Failure';
import { parsePkcs11SignerConfig } from './parsePkcs11SignerConfig';
import type { Pkcs11SignerConfig, Pkcs11SignerSettings } from './pkcs11SignerConfig';
import { describeSelector, findTokenKeyPair, type TokenKeyPair } from './tokenKeyPair';
import { openTokenSession, type TokenSession } from './tokenSession';

/** Options of `Pkcs11Signer.open`. */
export interface Pkcs11SignerOptions {
  /** Where the PIN variable is read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** An open session and the key pair found in it. */
interface Connection {
  readonly session: TokenSession;
  readonly keyPair: TokenKeyPair;
}

const ED25519_SIGNATURE_BYTES = 64;
const SELF_TEST_INPUT = Buffer.from('writ pkcs11 signer self-test', 'ascii');

/**
 * A `Signer` whose Ed25519 private key stays in a PKCS#11 token (an HSM, a cloud HSM,
 * SoftHSM2): Writ sends the signing input and gets the signature, CKM_EDDSA, and never
 * holds the key. Its kid is the RFC 7638 thumbprint of the public key read from the
 * token, so it names the key as the key directory and every verifier do.
 *
 * Opening finds the token by label, logs in with the PIN from the configured environment
 * variable, finds the key by CKA_LABEL and/or CKA_ID, and signs once to check that the
 * private key is the public key's other half. Signatures are made one at a time on one
 * session (a session runs one operation at a time) on libuv's threads, so the event loop
 * does not wait for the token. A session that is lost (closed by the token, logged out,
 * the device reset) is opened again at once and the signature tried once more; any other
 * failure is SIGNER_UNAVAILABLE and the next signature opens a new session, so a token
 * that comes back is used again without a restart. Should the key found then be another
 * one, nothing is signed with it.
 */
export class Pkcs11Signer implements Signer {
  /** The RFC 7638 thumbprint of the token key's public half. */
  readonly kid: string;
  /** The token key's public half as a key set publishes it. */
  readonly publicJwk: PublicSigningJwk;
  // True private fields: a logger that prints the signer shows neither the environment
  // (which holds the PIN) nor the session.
  readonly #config: Pkcs11SignerConfig;
  readonly #env: NodeJS.ProcessEnv;
  #connection: Connection | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(config: Pkcs11SignerConfig, env: NodeJS.ProcessEnv, connection: Connection, kid: string) {
    this.#config = config;
    this.#env = env;
    this.#connection = connection;
    this.kid = kid;
    this.publicJwk = toPublicSigningJwk(kid, { kty: 'OKP', crv: 'Ed25519', x: connection.keyPair.publicKey.toString('base64url') });
  }

  /**
   * Opens the token key `config` names and checks that it signs. A configuration that
   * is not valid is CONFIG_INVALID listing every problem; pkcs11js missing, the module,
   * the token, the PIN or the session is SIGNER_UNAVAILABLE; no such Ed25519 key is
   * KEY_NOT_FOUND; two keys by that name or halves that do not match, KEYSTORE_INVALID.
   */
  static async open(config: Pkcs11SignerSettings, options: Pkcs11SignerOptions = {}): Promise<Pkcs11Signer> {
    const parsed = parsePkcs11SignerConfig(config);
    const env = options.env ?? process.env;
    const connection = connect(parsed, env);
    let signer: Pkcs11Signer | undefined;
    try {
      const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: connection.keyPair.publicKey.toString('base64url') }, 'sha256');
      signer = new Pkcs11Signer(parsed, env, connection, kid);
      const signature = await signer.sign(SELF_TEST_INPUT);
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: signer.publicJwk.x }, format: 'jwk' });
      if (!verify(null, SELF_TEST_INPUT, publicKey, signature)) {
        throw new WritError('KEYSTORE_INVALID', `the private key ${describeSelector(parsed)} in PKCS#11 token "${parsed.tokenLabel}" does not sign for the public key beside it`);
      }
      return signer;
    } catch (error) {
      if (signer === undefined) connection.session.close();
      else await signer.close();
      throw error;
    }
  }

  /** Signs `signingInput` with the token key (CKM_EDDSA), after any signature already asked for. */
  sign(signingInput: Uint8Array): Promise<Uint8Array> {
    // Copied now: the token reads it on another thread, later.
    const data = Buffer.from(signingInput);
    const signed = this.#queue.then(() => this.#signNow(data));
    this.#queue = signed.catch(() => undefined);
    return signed;
  }

  /** Closes the session once signatures already asked for are done; signing afterwards is SIGNER_UNAVAILABLE. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    this.#disconnect();
  }

  async #signNow(data: Buffer): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.#closed) throw new WritError('SIGNER_UNAVAILABLE', `the PKCS#11 signer for key ${this.kid} is closed`);
      const connection = this.#connection ?? this.#reconnect();
      const { pkcs11, binding } = connection.session.module;
      try {
        pkcs11.C_SignInit(connection.session.handle, { mechanism: CKM_EDDSA }, connection.keyPair.privateKey);
        return await pkcs11.C_SignAsync(connection.session.handle, data, Buffer.alloc(ED25519_SIGNATURE_BYTES));
      } catch (error) {
        // Whatever went wrong, this session is not trusted with the next signature.
        this.#disconnect();
        if (attempt === 1 && isSessionLost(binding, error)) continue;
        throw new WritError(
          'SIGNER_UNAVAILABLE',
          `PKCS#11 token "${this.#config.tokenLabel}" did not sign with key ${this.kid}: ${describePkcs11Failure(error)} (the next signature opens a new session)`,
          { cause: error },
        );
      }
    }
  }

  #reconnect(): Connection {
    const connection = connect(this.#config, this.#env);
    if (connection.keyPair.publicKey.toString('base64url') !== this.publicJwk.x) {
      connection.session.close();
      throw new WritError('SIGNER_UNAVAILABLE', `the key ${describeSelector(this.#config)} in PKCS#11 token "${this.#config.tokenLabel}" is no longer key ${this.kid}: restart with the key the key set publishes`);
    }
    this.#connection = connection;
    return connection;
  }

  #disconnect(): void {
    this.#connection?.session.close();
    this.#connection = undefined;
  }
}

function connect(config: Pkcs11SignerConfig, env: NodeJS.ProcessEnv): Connection {
  const session = openTokenSession(config, env);
  try {
    return { session, keyPair: findTokenKeyPair(session, config) };
  } catch (error) {
    session.close();
    if (error instanceof WritError) throw error;
    throw new WritError('SIGNER_UNAVAILABLE', `cannot read key ${describeSelector(config)} in PKCS#11 token "${config.tokenLabel}": ${describePkcs11Failure(error)}`, { cause: error });
  }
}

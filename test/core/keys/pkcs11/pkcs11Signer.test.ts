import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { ARTIFACT_TYP } from '../../../../core/artifact/claims';
import { signCompactJws } from '../../../../core/artifact/signCompactJws';
import { verifyEd25519Jws } from '../../../../core/artifact/verify/verifyEd25519Jws';
import { createTokenKey } from '../../../../core/keys/pkcs11/createTokenKey';
import { acquirePkcs11Module } from '../../../../core/keys/pkcs11/pkcs11Module';
import { Pkcs11Signer } from '../../../../core/keys/pkcs11/pkcs11Signer';
import { findObjects, findTokenKeyPair } from '../../../../core/keys/pkcs11/tokenKeyPair';
import { openTokenSession } from '../../../../core/keys/pkcs11/tokenSession';
import { SOFTHSM_MODULE, startSoftHsm, TEST_PIN, TEST_PIN_ENV, type SoftHsm } from '../../../support/softhsmToken';
import { awaitedCodeOf } from '../../../support/codeOf';

const TOKEN = 'writ-signing';
const WRONG_PIN_TOKEN = 'writ-wrong-pin';
const KEY = 'writ-authz';

let hsm: SoftHsm;
const opened: Pkcs11Signer[] = [];

beforeAll(async () => {
  hsm = startSoftHsm([TOKEN, WRONG_PIN_TOKEN]);
  await createTokenKey(hsm.config(TOKEN, KEY), { env: hsm.env });
});

afterEach(async () => {
  for (const signer of opened.splice(0)) await signer.close();
});

afterAll(() => hsm?.dispose());

async function open(config = hsm.config(TOKEN, KEY), env: NodeJS.ProcessEnv = hsm.env): Promise<Pkcs11Signer> {
  const signer = await Pkcs11Signer.open(config, { env });
  opened.push(signer);
  return signer;
}

async function messageOf(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    return (error as Error).message;
  }
  return '(no error)';
}

/** The signer's public key as node:crypto verifies with it. */
function publicKeyOf(signer: Pkcs11Signer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: signer.publicJwk.x }, format: 'jwk' });
}

/** Closes every session of this process on the token, as a token does that drops its sessions. */
function dropSessions(tokenLabel: string): void {
  const module = acquirePkcs11Module(SOFTHSM_MODULE);
  try {
    const slot = module.pkcs11.C_GetSlotList(true).find((candidate) => module.pkcs11.C_GetTokenInfo(candidate).label.trimEnd() === tokenLabel);
    if (slot === undefined) throw new Error(`no token ${tokenLabel}`);
    module.pkcs11.C_CloseAllSessions(slot);
  } finally {
    module.release();
  }
}

describe('Pkcs11Signer', () => {
  describe('when the key is in the token', () => {
    it('signs JWS that verify with the public key read from the token, with Writ\'s verifier and with jose', async () => {
      const signer = await open();
      const token = await signCompactJws(ARTIFACT_TYP, JSON.stringify({ iss: 'writ' }), signer);
      const publicKey = publicKeyOf(signer);
      expect(Buffer.from(verifyEd25519Jws(token, publicKey)).toString('utf8')).toBe('{"iss":"writ"}');
      const { protectedHeader } = await compactVerify(token, await importJWK(signer.publicJwk, 'EdDSA'));
      expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: ARTIFACT_TYP, kid: signer.kid });
    });

    it('names the key by the RFC 7638 thumbprint of its public key', async () => {
      const signer = await open();
      expect(signer.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: signer.publicJwk.x }, 'sha256'));
      expect(signer.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: signer.kid, alg: 'EdDSA', use: 'sig' });
    });

    it('finds the key by CKA_ID alone, or by label and id together', async () => {
      const byLabel = await open();
      const session = openTokenSession(hsm.config(TOKEN, KEY), hsm.env);
      const keyId = findTokenKeyPair(session, hsm.config(TOKEN, KEY)).id.toString('hex');
      session.close();
      const { keyLabel: _label, ...withoutLabel } = hsm.config(TOKEN, KEY);
      expect((await open({ ...withoutLabel, keyId })).kid).toBe(byLabel.kid);
      expect((await open({ ...hsm.config(TOKEN, KEY), keyId })).kid).toBe(byLabel.kid);
    });

    it('makes many signatures asked for at once, one after the other on its session', async () => {
      const signer = await open();
      const publicKey = publicKeyOf(signer);
      const inputs = Array.from({ length: 24 }, (_, index) => Buffer.from(`signing input ${index}`));
      const signatures = await Promise.all(inputs.map((input) => signer.sign(input)));
      expect(signatures.every((signature, index) => verify(null, inputs[index]!, publicKey, signature))).toBe(true);
    });

    it('hands out neither the PIN nor the key when printed or serialised', async () => {
      const signer = await open();
      expect(JSON.stringify(signer)).not.toContain(TEST_PIN);
      expect(inspect(signer, { depth: 10, showHidden: true })).not.toContain(TEST_PIN);
      expect(Object.keys(signer).sort()).toEqual(['kid', 'publicJwk']);
    });
  });

  describe('when someone asks the token for the private key', () => {
    it('refuses to give CKA_VALUE, and the key is sensitive and was never extractable', async () => {
      const session = openTokenSession(hsm.config(TOKEN, KEY), hsm.env);
      try {
        const { pkcs11, binding } = session.module;
        const { privateKey } = findTokenKeyPair(session, hsm.config(TOKEN, KEY));
        let refusal: unknown;
        try {
          pkcs11.C_GetAttributeValue(session.handle, privateKey, [{ type: binding.CKA_VALUE }]);
        } catch (error) {
          refusal = error;
        }
        expect(refusal).toMatchObject({ name: 'Pkcs11Error', message: 'CKR_ATTRIBUTE_SENSITIVE' });
        const flags = pkcs11.C_GetAttributeValue(session.handle, privateKey, [
          { type: binding.CKA_EXTRACTABLE },
          { type: binding.CKA_NEVER_EXTRACTABLE },
          { type: binding.CKA_SENSITIVE },
          { type: binding.CKA_ALWAYS_SENSITIVE },
          { type: binding.CKA_TOKEN },
        ]);
        expect(flags.map((flag) => flag.value[0])).toEqual([0, 1, 1, 1, 1]);
      } finally {
        session.close();
      }
    });
  });

  describe('when something is wrong, it fails closed', () => {
    it('refuses a wrong PIN with SIGNER_UNAVAILABLE naming the PIN variable', async () => {
      const config = hsm.config(WRONG_PIN_TOKEN, KEY);
      const attempt = () => open(config, { [TEST_PIN_ENV]: `${TEST_PIN}0` });
      expect(await awaitedCodeOf(attempt)).toBe('SIGNER_UNAVAILABLE');
      expect(await messageOf(attempt)).toContain(`refused the PIN in ${TEST_PIN_ENV}`);
    });

    it('refuses an unset PIN variable with SIGNER_UNAVAILABLE naming it', async () => {
      expect(await messageOf(() => open(hsm.config(TOKEN, KEY), {}))).toContain(`environment variable ${TEST_PIN_ENV} is not set`);
      expect(await awaitedCodeOf(() => open(hsm.config(TOKEN, KEY), {}))).toBe('SIGNER_UNAVAILABLE');
    });

    it('refuses a token label no token has with SIGNER_UNAVAILABLE listing the tokens present', async () => {
      const attempt = () => open({ ...hsm.config(TOKEN, KEY), tokenLabel: 'writ-no-such-token' });
      expect(await awaitedCodeOf(attempt)).toBe('SIGNER_UNAVAILABLE');
      const message = await messageOf(attempt);
      expect(message).toContain('tokens present: ');
      expect(message).toContain(`"${hsm.label(TOKEN)}"`);
      expect(message).toContain(`"${hsm.label(WRONG_PIN_TOKEN)}"`);
    });

    it('refuses a key label the token does not hold with KEY_NOT_FOUND', async () => {
      const attempt = () => open(hsm.config(TOKEN, 'writ-no-such-key'));
      expect(await awaitedCodeOf(attempt)).toBe('KEY_NOT_FOUND');
      expect(await messageOf(attempt)).toContain('no private key labelled "writ-no-such-key"');
    });

    it('refuses a module that is not there with SIGNER_UNAVAILABLE naming the path', async () => {
      const attempt = () => open({ ...hsm.config(TOKEN, KEY), module: '/usr/lib/no-such-pkcs11.so' });
      expect(await awaitedCodeOf(attempt)).toBe('SIGNER_UNAVAILABLE');
      expect(await messageOf(attempt)).toContain('/usr/lib/no-such-pkcs11.so does not exist');
    });

    it('refuses a file that is not a PKCS#11 module with SIGNER_UNAVAILABLE', async () => {
      expect(await awaitedCodeOf(() => open({ ...hsm.config(TOKEN, KEY), module: hsm.conf }))).toBe('SIGNER_UNAVAILABLE');
    });

    it('refuses settings that are not valid with CONFIG_INVALID listing every problem', async () => {
      const error = await Pkcs11Signer.open({ kind: 'pkcs11', module: 'libsofthsm2.so', tokenLabel: '', pinEnv: 'not a name' }, { env: hsm.env }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort()).toEqual(['keyLabel', 'module', 'pinEnv', 'tokenLabel']);
    });
  });

  describe('when the session is lost between signatures', () => {
    it('opens a new one on the next signature and signs with the same key', async () => {
      const signer = await open();
      const publicKey = publicKeyOf(signer);
      await signer.sign(Buffer.from('before'));
      dropSessions(hsm.label(TOKEN));
      const after = await signer.sign(Buffer.from('after'));
      expect(verify(null, Buffer.from('after'), publicKey, after)).toBe(true);
    });

    it('fails SIGNER_UNAVAILABLE while it cannot log in again, and signs once it can: nothing wedges', async () => {
      const env = { ...hsm.env };
      const signer = await open(hsm.config(TOKEN, KEY), env);
      dropSessions(hsm.label(TOKEN));
      delete env[TEST_PIN_ENV];
      expect(await awaitedCodeOf(() => signer.sign(Buffer.from('while the PIN is gone')))).toBe('SIGNER_UNAVAILABLE');
      expect(await awaitedCodeOf(() => signer.sign(Buffer.from('still gone')))).toBe('SIGNER_UNAVAILABLE');
      env[TEST_PIN_ENV] = TEST_PIN;
      const signature = await signer.sign(Buffer.from('back'));
      expect(verify(null, Buffer.from('back'), publicKeyOf(signer), signature)).toBe(true);
    });
  });

  describe('when the key behind the label changes', () => {
    it('signs nothing with the other key (SIGNER_UNAVAILABLE naming the kid it keeps)', async () => {
      const label = 'writ-replaced';
      await createTokenKey(hsm.config(TOKEN, label), { env: hsm.env });
      const signer = await open(hsm.config(TOKEN, label));
      const session = openTokenSession(hsm.config(TOKEN, label), hsm.env, { readWrite: true });
      try {
        const { pkcs11, binding } = session.module;
        for (const object of findObjects(session, [{ type: binding.CKA_LABEL, value: label }])) pkcs11.C_DestroyObject(session.handle, object);
      } finally {
        session.close();
      }
      await createTokenKey(hsm.config(TOKEN, label), { env: hsm.env });
      dropSessions(hsm.label(TOKEN));
      expect(await messageOf(() => signer.sign(Buffer.from('with whichever key')))).toContain(`is no longer key ${signer.kid}`);
    });
  });

  describe('when closed', () => {
    it('refuses to sign with SIGNER_UNAVAILABLE', async () => {
      const signer = await Pkcs11Signer.open(hsm.config(TOKEN, KEY), { env: hsm.env });
      await signer.close();
      expect(await awaitedCodeOf(() => signer.sign(Buffer.from('late')))).toBe('SIGNER_UNAVAILABLE');
    });
  });
});

import { calculateJwkThumbprint } from 'jose';
import { createTokenKey } from '../../../../core/keys/pkcs11/createTokenKey';
import { isEd25519Params } from '../../../../core/keys/pkcs11/ecPoint';
import { Pkcs11Signer } from '../../../../core/keys/pkcs11/pkcs11Signer';
import { findObjects, findTokenKeyPair } from '../../../../core/keys/pkcs11/tokenKeyPair';
import { openTokenSession } from '../../../../core/keys/pkcs11/tokenSession';
import { startSoftHsm, TEST_PIN, TEST_PIN_ENV, type SoftHsm } from '../../../support/softhsmToken';
import { awaitedCodeOf } from '../../../support/codeOf';

const TOKEN = 'writ-create';

let hsm: SoftHsm;

beforeAll(() => {
  hsm = startSoftHsm([TOKEN]);
});

afterAll(() => hsm?.dispose());

/** The CKA_* flags of the one private key labelled `label`, 1 for true and 0 for false. */
function privateKeyFlags(label: string, attributes: (binding: typeof import('pkcs11js')) => number[]): number[] {
  const session = openTokenSession(hsm.config(TOKEN, label), hsm.env);
  try {
    const { pkcs11, binding } = session.module;
    const { privateKey } = findTokenKeyPair(session, hsm.config(TOKEN, label));
    return pkcs11.C_GetAttributeValue(session.handle, privateKey, attributes(binding).map((type) => ({ type }))).map((attribute) => attribute.value[0] ?? -1);
  } finally {
    session.close();
  }
}

describe('createTokenKey', () => {
  describe('when the token has no key by that name', () => {
    it('makes an Ed25519 pair in the token and returns its public JWK, named by its thumbprint', async () => {
      const created = await createTokenKey(hsm.config(TOKEN, 'writ-new'), { env: hsm.env });
      expect(created.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: created.publicJwk.x }, 'sha256'));
      expect(created.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: created.kid, alg: 'EdDSA', use: 'sig' });
      expect(created).toMatchObject({ keyLabel: 'writ-new', keyId: expect.stringMatching(/^[0-9a-f]{32}$/) });
      const signer = await Pkcs11Signer.open(hsm.config(TOKEN, 'writ-new'), { env: hsm.env });
      expect(signer.kid).toBe(created.kid);
      await signer.close();
    });

    it('keeps the private half on the token, private, sensitive and never extractable', async () => {
      await createTokenKey(hsm.config(TOKEN, 'writ-kept'), { env: hsm.env });
      expect(privateKeyFlags('writ-kept', (b) => [b.CKA_TOKEN, b.CKA_PRIVATE, b.CKA_SENSITIVE, b.CKA_ALWAYS_SENSITIVE, b.CKA_EXTRACTABLE, b.CKA_NEVER_EXTRACTABLE, b.CKA_SIGN])).toEqual([1, 1, 1, 1, 0, 1, 1]);
    });

    it('names the curve edwards25519 and gives both halves the label and id', async () => {
      const created = await createTokenKey({ ...hsm.config(TOKEN, 'writ-named'), keyId: 'C0FFEE01' }, { env: hsm.env });
      expect(created.keyId).toBe('c0ffee01');
      const session = openTokenSession(hsm.config(TOKEN, 'writ-named'), hsm.env);
      try {
        const { pkcs11, binding } = session.module;
        const halves = findObjects(session, [{ type: binding.CKA_LABEL, value: 'writ-named' }, { type: binding.CKA_ID, value: Buffer.from('c0ffee01', 'hex') }]);
        expect(halves).toHaveLength(2);
        const publicHalf = findObjects(session, [{ type: binding.CKA_LABEL, value: 'writ-named' }, { type: binding.CKA_CLASS, value: binding.CKO_PUBLIC_KEY }]);
        const [params] = pkcs11.C_GetAttributeValue(session.handle, publicHalf[0]!, [{ type: binding.CKA_EC_PARAMS }]);
        expect(isEd25519Params(params!.value)).toBe(true);
      } finally {
        session.close();
      }
    });
  });

  describe('when the token already holds a private key by that name', () => {
    it('refuses with KEYSTORE_INVALID and makes nothing', async () => {
      await createTokenKey(hsm.config(TOKEN, 'writ-taken'), { env: hsm.env });
      expect(await awaitedCodeOf(() => createTokenKey(hsm.config(TOKEN, 'writ-taken'), { env: hsm.env }))).toBe('KEYSTORE_INVALID');
      const signer = await Pkcs11Signer.open(hsm.config(TOKEN, 'writ-taken'), { env: hsm.env });
      await signer.close();
    });
  });

  describe('when the token cannot be used', () => {
    it('refuses a wrong PIN, an unknown token and a missing module with SIGNER_UNAVAILABLE', async () => {
      expect(await awaitedCodeOf(() => createTokenKey(hsm.config(TOKEN, 'writ-wrong-pin'), { env: { [TEST_PIN_ENV]: `${TEST_PIN}9` } }))).toBe('SIGNER_UNAVAILABLE');
      expect(await awaitedCodeOf(() => createTokenKey({ ...hsm.config(TOKEN, 'writ-x'), tokenLabel: 'writ-no-such-token' }, { env: hsm.env }))).toBe('SIGNER_UNAVAILABLE');
      expect(await awaitedCodeOf(() => createTokenKey({ ...hsm.config(TOKEN, 'writ-x'), module: '/nonexistent/libpkcs11.so' }, { env: hsm.env }))).toBe('SIGNER_UNAVAILABLE');
    });

    it('refuses settings without a key name with CONFIG_INVALID', async () => {
      const { keyLabel: _label, ...unnamed } = hsm.config(TOKEN, 'unused');
      expect(await awaitedCodeOf(() => createTokenKey(unnamed, { env: hsm.env }))).toBe('CONFIG_INVALID');
    });
  });
});

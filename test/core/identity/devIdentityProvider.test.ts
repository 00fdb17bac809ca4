import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import {
  DEFAULT_DEV_TOKEN_TTL_SECONDS,
  DEV_IDENTITY_ISSUER,
  DevIdentityProvider,
  MAX_DEV_TOKEN_TTL_SECONDS,
  WRIT_IDENTITY_AUDIENCE,
} from '../../../core/identity/devIdentityProvider';
import { generateProofKey } from '../../../core/identity/proofKey';
import { awaitedCodeOf } from '../../support/codeOf';

const NOW = new Date('2030-01-02T03:04:05.000Z');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-dev-idp-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('DevIdentityProvider', () => {
  describe('when first used', () => {
    it('creates nothing on open, then makes its key and publishes jwks.json at jwksPath', async () => {
      const dir = path.join(root, 'fresh');
      const provider = DevIdentityProvider.open(dir);
      expect(fs.existsSync(dir)).toBe(false);
      expect(provider.publicJwks()).toEqual({ keys: [] });
      const kid = await provider.ensureKey();
      expect(await provider.ensureKey()).toBe(kid);
      expect(provider.jwksPath).toBe(path.join(dir, 'jwks.json'));
      const published = JSON.parse(fs.readFileSync(provider.jwksPath, 'utf8')) as { keys: Array<Record<string, unknown>> };
      expect(published).toEqual(provider.publicJwks());
      expect(published.keys.map((key) => key.kid)).toEqual([kid]);
      expect(published.keys.every((key) => !('d' in key))).toBe(true);
    });
  });

  describe('when minting a token', () => {
    it('signs a JWT with the documented header and claims', async () => {
      const provider = DevIdentityProvider.open(path.join(root, 'mint'), { clock: () => NOW });
      const token = await provider.mintToken({ principal: 'alice', groups: ['payments'], ttlSeconds: 120 });
      const kid = provider.publicJwks().keys[0]?.kid;
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid });
      const iat = NOW.getTime() / 1000;
      expect(decodeJwt(token)).toEqual({
        iss: DEV_IDENTITY_ISSUER,
        aud: WRIT_IDENTITY_AUDIENCE,
        sub: 'alice',
        groups: ['payments'],
        iat,
        exp: iat + 120,
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    });

    it('defaults to one hour and no groups, with a fresh jti each time', async () => {
      const provider = DevIdentityProvider.open(path.join(root, 'defaults'), { clock: () => NOW });
      const first = decodeJwt(await provider.mintToken({ principal: 'bob' }));
      const second = decodeJwt(await provider.mintToken({ principal: 'bob' }));
      expect(first.exp).toBe(NOW.getTime() / 1000 + DEFAULT_DEV_TOKEN_TTL_SECONDS);
      expect(first.groups).toEqual([]);
      expect(first.jti).not.toBe(second.jti);
    });
  });

  describe('when minting a token bound to a key', () => {
    const provider = DevIdentityProvider.open(path.join(root, 'bound'), { clock: () => NOW });

    it('adds cnf.jkt with the thumbprint of a proof key, or of a { jkt } given as it is', async () => {
      const proofKey = await generateProofKey();
      expect(decodeJwt(await provider.mintToken({ principal: 'alice', confirmation: proofKey })).cnf).toEqual({ jkt: proofKey.thumbprint });
      expect(decodeJwt(await provider.mintToken({ principal: 'alice', confirmation: { jkt: proofKey.thumbprint } })).cnf).toEqual({ jkt: proofKey.thumbprint });
      expect(decodeJwt(await provider.mintToken({ principal: 'alice' }))).not.toHaveProperty('cnf');
    });

    it('mints a bound credential: a fresh proof key and a token confirming it', async () => {
      const first = await provider.mintBoundCredential({ principal: 'alice', groups: ['treasury'], ttlSeconds: 300 });
      const second = await provider.mintBoundCredential({ principal: 'alice', groups: ['treasury'] });
      const claims = decodeJwt(first.identityToken);
      expect(claims).toMatchObject({ sub: 'alice', groups: ['treasury'], exp: NOW.getTime() / 1000 + 300, cnf: { jkt: first.proofKey.thumbprint } });
      expect(second.proofKey.thumbprint).not.toBe(first.proofKey.thumbprint);
    });

    it.each<[string, unknown]>([
      ['a jkt of the wrong length', { jkt: 'abc' }],
      ['a jkt with an unknown member beside it', { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', alg: 'EdDSA' }],
      ['a bare public JWK', { kty: 'OKP', crv: 'Ed25519', x: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }],
    ])('refuses %s as confirmation with INPUT_INVALID', async (_kind, confirmation) => {
      expect(await awaitedCodeOf(() => provider.mintToken({ principal: 'a', confirmation } as never))).toBe('INPUT_INVALID');
    });

    it('refuses a proof key whose thumbprint is not its own with INPUT_INVALID', async () => {
      const proofKey = await generateProofKey();
      const other = await generateProofKey();
      expect(await awaitedCodeOf(() => provider.mintToken({ principal: 'a', confirmation: { ...proofKey, thumbprint: other.thumbprint } }))).toBe('INPUT_INVALID');
    });
  });

  describe('when the request is malformed', () => {
    const provider = DevIdentityProvider.open(path.join(root, 'bad'), { clock: () => NOW });
    it.each<[string, unknown]>([
      ['an empty principal', { principal: '' }],
      ['a lifetime over one day', { principal: 'a', ttlSeconds: MAX_DEV_TOKEN_TTL_SECONDS + 1 }],
      ['a zero lifetime', { principal: 'a', ttlSeconds: 0 }],
      ['a fractional lifetime', { principal: 'a', ttlSeconds: 1.5 }],
      ['groups that are not strings', { principal: 'a', groups: [1] }],
      ['an unknown member', { principal: 'a', admin: true }],
    ])('refuses %s with INPUT_INVALID', async (_kind, request) => {
      expect(await awaitedCodeOf(() => provider.mintToken(request as { principal: string }))).toBe('INPUT_INVALID');
    });
  });
});

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { sha256Digest } from '../../../core/canonical/digest';
import { DEV_IDENTITY_ISSUER, DevIdentityProvider, WRIT_IDENTITY_AUDIENCE } from '../../../core/identity/devIdentityProvider';
import { IdentityVerifier, type IdentityVerifierConfig } from '../../../core/identity/identityVerifier';
import { generateProofKey } from '../../../core/identity/proofKey';
import { KeyStore } from '../../../core/keys/keyStore';
import { awaitedCodeOf } from '../../support/codeOf';

const NOW = new Date('2030-03-04T05:06:07.000Z');
/** A well-formed RFC 7638 SHA-256 thumbprint (43 base64url characters). */
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-identity-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let provider: DevIdentityProvider;
let verifier: IdentityVerifier;

beforeAll(async () => {
  provider = DevIdentityProvider.open(path.join(root, 'idp'), { clock: () => NOW });
  await provider.ensureKey();
  verifier = await IdentityVerifier.create(
    { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: provider.jwksPath },
    { clock: () => NOW },
  );
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function verifierAt(seconds: number): Promise<IdentityVerifier> {
  return IdentityVerifier.create(
    { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: provider.jwksPath },
    { clock: () => new Date(NOW.getTime() + seconds * 1000) },
  );
}

describe('IdentityVerifier', () => {
  describe('when the token is valid', () => {
    it('establishes the principal, groups, issuer, expiry and token digest', async () => {
      const token = await provider.mintToken({ principal: 'alice@example.test', groups: ['payments', 'oncall'], ttlSeconds: 600 });
      await expect(verifier.verify(token)).resolves.toEqual({
        principal: 'alice@example.test',
        groups: ['payments', 'oncall'],
        issuer: DEV_IDENTITY_ISSUER,
        expiresAt: NOW.getTime() / 1000 + 600,
        tokenDigest: sha256Digest(token),
        confirmation: null,
        tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect((await verifier.verify(token)).tokenId).toBe(decodePart(token, 1).jti);
    });

    it('reads the key a bound token confirms (cnf.jkt)', async () => {
      const proofKey = await generateProofKey();
      const token = await provider.mintToken({ principal: 'alice', confirmation: proofKey });
      expect((await verifier.verify(token)).confirmation).toEqual({ jkt: proofKey.thumbprint });
    });

    it('defaults groups to none', async () => {
      const token = await provider.mintToken({ principal: 'bob' });
      expect((await verifier.verify(token)).groups).toEqual([]);
    });

    it('accepts a token expired by less than the clock tolerance', async () => {
      const token = await provider.mintToken({ principal: 'carol', ttlSeconds: 60 });
      await expect((await verifierAt(60 + 29)).verify(token)).resolves.toMatchObject({ principal: 'carol' });
    });

    it('fetches the keys from a JWKS URL on a loopback address', async () => {
      const jwks = JSON.stringify(provider.publicJwks());
      const server = http.createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const remote = await IdentityVerifier.create(
          { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksUrl: `http://127.0.0.1:${port}/jwks.json` },
          { clock: () => NOW },
        );
        const token = await provider.mintToken({ principal: 'dave' });
        await expect(remote.verify(token)).resolves.toMatchObject({ principal: 'dave' });
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  describe('when no token is presented', () => {
    it.each<[string, string | undefined]>([
      ['undefined', undefined],
      ['an empty string', ''],
      ['whitespace', '   '],
    ])('refuses %s with IDENTITY_MISSING', async (_kind, token) => {
      expect(await awaitedCodeOf(() => verifier.verify(token))).toBe('IDENTITY_MISSING');
    });
  });

  describe('when the token has expired', () => {
    it('refuses it with IDENTITY_EXPIRED once past the clock tolerance', async () => {
      const token = await provider.mintToken({ principal: 'erin', ttlSeconds: 60 });
      expect(await awaitedCodeOf(async () => (await verifierAt(60 + 31)).verify(token))).toBe('IDENTITY_EXPIRED');
    });
  });

  describe('when the same token is presented again (the verified-token cache)', () => {
    // One clock the test moves, so a token is verified once and then presented later.
    let seconds = 0;
    let moving: IdentityVerifier;
    beforeEach(async () => {
      seconds = 0;
      moving = await IdentityVerifier.create(
        { issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: provider.jwksPath },
        { clock: () => new Date(NOW.getTime() + seconds * 1000) },
      );
    });

    it('answers the same identity, as a copy the caller cannot alter for the next step', async () => {
      const token = await provider.mintToken({ principal: 'gina', groups: ['payments'], ttlSeconds: 600 });
      const first = await moving.verify(token);
      first.groups.push('admins');
      seconds = 10;
      const again = await moving.verify(token);
      expect(again).toEqual({ ...first, groups: ['payments'] });
    });

    it('still refuses it with IDENTITY_EXPIRED once past expiry and tolerance', async () => {
      const token = await provider.mintToken({ principal: 'gina', ttlSeconds: 20 });
      await moving.verify(token);
      seconds = 20 + 29;
      await expect(moving.verify(token)).resolves.toMatchObject({ principal: 'gina' });
      seconds = 20 + 30;
      expect(await awaitedCodeOf(() => moving.verify(token))).toBe('IDENTITY_EXPIRED');
    });

    it('never vouches for a token it has not verified: a tampered copy of a cached token is refused', async () => {
      const token = await provider.mintToken({ principal: 'gina', ttlSeconds: 600 });
      await moving.verify(token);
      const [header, , signature] = token.split('.');
      const forged = `${header}.${base64url({ ...decodePart(token, 1), sub: 'root' })}.${signature}`;
      expect(await awaitedCodeOf(() => moving.verify(forged))).toBe('IDENTITY_INVALID');
    });
  });

  describe('when the token comes from another issuer', () => {
    it('refuses it with IDENTITY_UNTRUSTED_ISSUER', async () => {
      const foreign = DevIdentityProvider.open(path.join(root, 'foreign-idp'), { issuer: 'foreign-idp', clock: () => NOW });
      const token = await foreign.mintToken({ principal: 'mallory' });
      expect(await awaitedCodeOf(() => verifier.verify(token))).toBe('IDENTITY_UNTRUSTED_ISSUER');
    });
  });

  describe('when the token is not one the trusted issuer signed', () => {
    it('refuses a token signed by a foreign key under the same issuer name with IDENTITY_INVALID', async () => {
      const impostor = DevIdentityProvider.open(path.join(root, 'impostor-idp'), { clock: () => NOW });
      const token = await impostor.mintToken({ principal: 'mallory', groups: ['admins'] });
      expect(decodePart(token, 1).iss).toBe(DEV_IDENTITY_ISSUER);
      expect(await awaitedCodeOf(() => verifier.verify(token))).toBe('IDENTITY_INVALID');
    });

    it('refuses a foreign key that reuses the trusted kid with IDENTITY_INVALID', async () => {
      const impostor = DevIdentityProvider.open(path.join(root, 'kid-thief-idp'), { clock: () => NOW });
      const forged = await impostor.mintToken({ principal: 'mallory' });
      const trustedKid = provider.publicJwks().keys[0]?.kid;
      const [, payload, signature] = forged.split('.');
      const token = `${base64url({ alg: 'EdDSA', typ: 'JWT', kid: trustedKid })}.${payload}.${signature}`;
      expect(await awaitedCodeOf(() => verifier.verify(token))).toBe('IDENTITY_INVALID');
    });

    it('refuses a tampered payload with IDENTITY_INVALID', async () => {
      const token = await provider.mintToken({ principal: 'frank', groups: ['readers'] });
      const [header, , signature] = token.split('.');
      const tampered = `${header}.${base64url({ ...decodePart(token, 1), groups: ['admins'] })}.${signature}`;
      expect(await awaitedCodeOf(() => verifier.verify(tampered))).toBe('IDENTITY_INVALID');
    });

    it('refuses an unsigned token (alg none) with IDENTITY_INVALID', async () => {
      const claims = decodePart(await provider.mintToken({ principal: 'grace' }), 1);
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, sub: 'root' })}.`;
      expect(await awaitedCodeOf(() => verifier.verify(unsigned))).toBe('IDENTITY_INVALID');
    });

    it('refuses a token for another audience with IDENTITY_INVALID', async () => {
      const sameKeyOtherAudience = DevIdentityProvider.open(path.join(root, 'idp'), { audience: 'billing', clock: () => NOW });
      const token = await sameKeyOtherAudience.mintToken({ principal: 'heidi' });
      expect(await awaitedCodeOf(() => verifier.verify(token))).toBe('IDENTITY_INVALID');
    });

    it.each<[string, string]>([
      ['not a JWT', 'not-a-token'],
      ['two segments', 'a.b'],
      ['garbage segments', 'a.b.c'],
      ['an oversized token', 'a'.repeat(20_000)],
    ])('refuses %s with IDENTITY_INVALID', async (_kind, token) => {
      expect(await awaitedCodeOf(() => verifier.verify(token))).toBe('IDENTITY_INVALID');
    });
  });

  describe('when the token lacks required claims', () => {
    // Signed with the trusted provider's own key, so only the claims can be at fault.
    async function signedWith(claims: Record<string, unknown>): Promise<string> {
      const { kid, key } = await KeyStore.open(path.join(root, 'idp')).loadSigningKey();
      return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid }).sign(key);
    }
    const base = { iss: DEV_IDENTITY_ISSUER, aud: WRIT_IDENTITY_AUDIENCE, iat: NOW.getTime() / 1000 };

    it.each<[string, Record<string, unknown>]>([
      ['no sub', { ...base, exp: NOW.getTime() / 1000 + 60 }],
      ['an empty sub', { ...base, sub: '', exp: NOW.getTime() / 1000 + 60 }],
      ['no exp', { ...base, sub: 'ivan' }],
      ['no iss', { aud: WRIT_IDENTITY_AUDIENCE, sub: 'ivan', exp: NOW.getTime() / 1000 + 60 }],
      ['groups that are not strings', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, groups: ['ok', 7] }],
      ['groups that are not a list', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, groups: 'admins' }],
      ['a not-before in the future', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 600, nbf: NOW.getTime() / 1000 + 300 }],
      ['a jti that is not a string', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, jti: 7 }],
      ['a cnf that is not an object', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, cnf: JKT }],
      ['a cnf without jkt', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, cnf: {} }],
      ['a cnf.jkt that is not base64url', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, cnf: { jkt: `${JKT.slice(0, 42)}=` } }],
      ['a cnf.jkt of the wrong length', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, cnf: { jkt: `${JKT}A` } }],
      ['a cnf.jkt that is not a string', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, cnf: { jkt: 42 } }],
      ['a cnf naming another confirmation method too', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, cnf: { jkt: JKT, 'x5t#S256': JKT } }],
      ['a cnf naming a whole key', { ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: JKT } } }],
    ])('refuses a token with %s with IDENTITY_INVALID', async (_kind, claims) => {
      expect(await awaitedCodeOf(async () => verifier.verify(await signedWith(claims)))).toBe('IDENTITY_INVALID');
    });

    it('accepts the same signing path with complete claims (the cases above fail for their claims alone)', async () => {
      const token = await signedWith({ ...base, sub: 'ivan', exp: NOW.getTime() / 1000 + 60, groups: ['ok'], jti: 'token-1', cnf: { jkt: JKT } });
      await expect(verifier.verify(token)).resolves.toMatchObject({ principal: 'ivan', groups: ['ok'], tokenId: 'token-1', confirmation: { jkt: JKT } });
    });
  });

  describe('when the configuration is not acceptable', () => {
    const valid = (): IdentityVerifierConfig => ({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: provider.jwksPath });

    it.each<[string, () => unknown]>([
      ['an HMAC algorithm', () => ({ ...valid(), algorithms: ['HS256'] })],
      ['alg none', () => ({ ...valid(), algorithms: ['none'] })],
      ['no algorithms', () => ({ ...valid(), algorithms: [] })],
      ['both jwksPath and jwksUrl', () => ({ ...valid(), jwksUrl: 'https://idp.example.test/jwks.json' })],
      ['neither jwksPath nor jwksUrl', () => ({ issuer: 'x', audience: 'y' })],
      ['a plain-http JWKS URL off loopback', () => ({ issuer: 'x', audience: 'y', jwksUrl: 'http://idp.example.test/jwks.json' })],
      ['a JWKS URL that is not a URL', () => ({ issuer: 'x', audience: 'y', jwksUrl: 'jwks.json' })],
      ['a clock tolerance over 300 s', () => ({ ...valid(), clockToleranceSeconds: 301 })],
      ['a negative clock tolerance', () => ({ ...valid(), clockToleranceSeconds: -1 })],
      ['a verified-token cache over 300 s', () => ({ ...valid(), verifiedTokenCacheSeconds: 301 })],
      ['a negative verified-token cache', () => ({ ...valid(), verifiedTokenCacheSeconds: -1 })],
      ['an empty issuer', () => ({ ...valid(), issuer: '' })],
      ['an unknown member', () => ({ ...valid(), skipSignature: true })],
      ['a missing JWKS file', () => ({ ...valid(), jwksPath: path.join(root, 'nowhere.json') })],
    ])('refuses %s with CONFIG_INVALID', async (_kind, config) => {
      expect(await awaitedCodeOf(() => IdentityVerifier.create(config() as IdentityVerifierConfig))).toBe('CONFIG_INVALID');
    });

    it('refuses a JWKS file that holds a private key with CONFIG_INVALID', async () => {
      const store = KeyStore.open(path.join(root, 'idp'));
      const { kid } = await store.loadSigningKey();
      const privateJwk = JSON.parse(fs.readFileSync(path.join(store.directory, `${kid}.private.jwk.json`), 'utf8')) as object;
      const leaked = path.join(root, 'leaked-jwks.json');
      fs.writeFileSync(leaked, JSON.stringify({ keys: [privateJwk] }));
      expect(await awaitedCodeOf(() => IdentityVerifier.create({ ...valid(), jwksPath: leaked }))).toBe('CONFIG_INVALID');
    });
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditError, loadIdentityEvidence, parseBundle, readBundle, type EvidenceBundle } from '../../../../core/audit';
import { DevIdentityProvider, DEV_IDENTITY_ISSUER } from '../../../../core/identity/devIdentityProvider';

// The identity provider in evidence: read from a JWKS file or fetched once from a URL at
// export, optional in the bundle format so older bundles stay readable.

const TWO_APPROVALS = resolve(__dirname, '../../../fixtures/audit/clean-transfer-two-approvals/bundle.json');

let dir: string;
let idp: DevIdentityProvider;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-identity-evidence-'));
  idp = DevIdentityProvider.open(join(dir, 'idp'));
  await idp.ensureKey();
  server = createServer((request, response) => {
    if (request.url === '/jwks.json') response.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(idp.jwksPath));
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action();
    return 'NO_ERROR';
  } catch (error) {
    if (error instanceof AuditError) return error.code;
    throw error;
  }
}

describe('loadIdentityEvidence', () => {
  it("reads the development provider's JWKS file with its issuer and token audience", async () => {
    const evidence = await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwksPath: idp.jwksPath });
    expect(evidence).toEqual({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwks: idp.publicJwks() });
  });

  it("fetches a configured provider's JWKS URL once, keeping the configured algorithms and tolerance", async () => {
    const evidence = await loadIdentityEvidence({ issuer: 'https://idp.example', audience: 'writ', algorithms: ['EdDSA', 'RS256'], clockToleranceSeconds: 10, jwksUrl: `${base}/jwks.json` });
    expect(evidence).toMatchObject({ issuer: 'https://idp.example', algorithms: ['EdDSA', 'RS256'], clockToleranceSeconds: 10, jwks: idp.publicJwks() });
  });

  describe('when the keys cannot be had', () => {
    it('is AUDIT_OPTIONS_INVALID for a missing file and AUDIT_SOURCE_UNAVAILABLE for a URL that fails', async () => {
      expect(await codeOf(() => loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, jwksPath: join(dir, 'missing.json') }))).toBe('AUDIT_OPTIONS_INVALID');
      expect(await codeOf(() => loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, jwksUrl: `${base}/nothing` }))).toBe('AUDIT_SOURCE_UNAVAILABLE');
      expect(await codeOf(() => loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER }))).toBe('AUDIT_OPTIONS_INVALID');
    });
  });

  describe('when the file holds a private key', () => {
    it('refuses it (EVIDENCE_INVALID): evidence carries public keys only', async () => {
      const file = join(dir, 'private.json');
      writeFileSync(file, JSON.stringify({ keys: [{ ...idp.publicJwks().keys[0], d: 'AAAA' }] }));
      expect(await codeOf(() => loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, jwksPath: file }))).toBe('EVIDENCE_INVALID');
    });
  });
});

describe('the bundle format', () => {
  const bundle = (): EvidenceBundle => readBundle(TWO_APPROVALS);

  it('carries the identity provider: issuer, token audience and public keys', () => {
    expect(bundle().identity).toMatchObject({ issuer: DEV_IDENTITY_ISSUER, audience: 'writ', jwks: { keys: [expect.objectContaining({ kty: 'OKP', crv: 'Ed25519' })] } });
  });

  it('still reads a bundle without it (written before it was evidence)', () => {
    const { identity: _identity, ...older } = bundle();
    expect(parseBundle(older).identity).toBeUndefined();
  });

  it('refuses an identity member with private key material or members it does not define (EVIDENCE_INVALID)', async () => {
    const b = bundle();
    const key = b.identity!.jwks.keys[0]!;
    expect(await codeOf(() => parseBundle({ ...b, identity: { ...b.identity, jwks: { keys: [{ ...key, d: 'AAAA' }] } } }))).toBe('EVIDENCE_INVALID');
    expect(await codeOf(() => parseBundle({ ...b, identity: { ...b.identity, trusted: true } }))).toBe('EVIDENCE_INVALID');
  });
});

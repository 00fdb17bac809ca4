import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WritError } from '../../../core/errors/writError';
import { BOUND_CREDENTIAL_FORMAT, readBoundCredentialFile, writeBoundCredentialFile } from '../../../core/identity/boundCredentialFile';
import { DevIdentityProvider, type BoundCredential } from '../../../core/identity/devIdentityProvider';
import { exportProofKey, generateProofKey } from '../../../core/identity/proofKey';
import { awaitedCodeOf } from '../../support/codeOf';

let root: string;
let credential: BoundCredential;
let idp: DevIdentityProvider;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'writ-credential-'));
  idp = DevIdentityProvider.open(join(root, 'idp'));
  credential = await idp.mintBoundCredential({ principal: 'alice', groups: ['treasury'] });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fileWith(name: string, contents: unknown, mode = 0o600): string {
  const file = join(root, name);
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents), { mode });
  chmodSync(file, mode);
  return file;
}

describe('a credentials file', () => {
  it('is written with mode 0600 in the documented format and reads back as the same credential', async () => {
    const file = join(root, 'written.json');
    writeBoundCredentialFile(file, credential);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: BOUND_CREDENTIAL_FORMAT, identityToken: credential.identityToken, proofKey: exportProofKey(credential.proofKey) });
    const read = await readBoundCredentialFile(file);
    expect(read.identityToken).toBe(credential.identityToken);
    expect(read.proofKey.thumbprint).toBe(credential.proofKey.thumbprint);
  });

  describe('when it cannot be trusted', () => {
    const good = () => ({ format: BOUND_CREDENTIAL_FORMAT, identityToken: credential.identityToken, proofKey: exportProofKey(credential.proofKey) });

    it('refuses a file others can read (CONFIG_INVALID)', async () => {
      expect(await awaitedCodeOf(() => readBoundCredentialFile(fileWith('open.json', good(), 0o644)))).toBe('CONFIG_INVALID');
    });

    it('refuses a token bound to another key, or to none (CONFIG_INVALID)', async () => {
      const otherKey = exportProofKey(await generateProofKey());
      expect(await awaitedCodeOf(() => readBoundCredentialFile(fileWith('other-key.json', { ...good(), proofKey: otherKey })))).toBe('CONFIG_INVALID');
      const bearer = await idp.mintToken({ principal: 'alice' });
      expect(await awaitedCodeOf(() => readBoundCredentialFile(fileWith('bearer.json', { ...good(), identityToken: bearer })))).toBe('CONFIG_INVALID');
    });

    it.each<[string, unknown]>([
      ['not JSON', '{ "format": '],
      ['another format', { format: 'writ-bound-credential/v0' }],
      ['an unknown member', { extra: true }],
      ['a proof key without d', { proofKey: { kty: 'OKP', crv: 'Ed25519', x: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' } }],
      ['a token that is not a JWT', { identityToken: 'not-a-jwt' }],
    ])('refuses %s (CONFIG_INVALID)', async (name, change) => {
      const contents = typeof change === 'string' ? change : { ...good(), ...(change as object) };
      expect(await awaitedCodeOf(() => readBoundCredentialFile(fileWith(`${name.replace(/\W/g, '-')}.json`, contents)))).toBe('CONFIG_INVALID');
    });

    it('refuses a missing file (CONFIG_INVALID)', async () => {
      expect(await awaitedCodeOf(() => readBoundCredentialFile(join(root, 'absent.json')))).toBe('CONFIG_INVALID');
    });

    it('never names the private key in its error', async () => {
      const contents = { ...good(), proofKey: { ...exportProofKey(credential.proofKey), kid: 'A'.repeat(43) } };
      const error = (await readBoundCredentialFile(fileWith('bad-kid.json', contents)).catch((e: unknown) => e)) as WritError;
      expect(error.code).toBe('CONFIG_INVALID');
      expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(exportProofKey(credential.proofKey).d);
    });
  });
});

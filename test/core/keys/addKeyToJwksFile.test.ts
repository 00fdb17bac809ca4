import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { isWritError } from '../../../core/errors/writError';
import { addKeyToJwksFile } from '../../../core/keys/addKeyToJwksFile';
import { toPublicSigningJwk, type PublicSigningJwk } from '../../../core/keys/ed25519Jwk';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';

const directories: string[] = [];
afterAll(() => {
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

function fileIn(name = 'jwks.json'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-jwks-file-'));
  directories.push(dir);
  return path.join(dir, name);
}

async function freshJwk(): Promise<PublicSigningJwk> {
  const x = String(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x);
  return toPublicSigningJwk(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256'), { kty: 'OKP', crv: 'Ed25519', x });
}

function codeOf(action: () => unknown): unknown {
  try {
    action();
    return 'NO_ERROR';
  } catch (error) {
    return isWritError(error) ? error.code : error;
  }
}

describe('addKeyToJwksFile', () => {
  it('makes the file when missing, and adds the key once', async () => {
    const file = fileIn();
    const jwk = await freshJwk();
    expect(addKeyToJwksFile(file, jwk)).toEqual({ added: true, keys: 1 });
    expect(addKeyToJwksFile(file, jwk)).toEqual({ added: false, keys: 1 });
    expect(TrustedKeySet.fromFile(file).kids()).toEqual([jwk.kid]);
  });

  it('keeps the keys and other members the file has, and takes an empty set', async () => {
    const file = fileIn();
    const [first, second] = [await freshJwk(), await freshJwk()];
    fs.writeFileSync(file, JSON.stringify({ keys: [first], note: 'kept' }));
    addKeyToJwksFile(file, second);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ keys: [first, second], note: 'kept' });
    const empty = fileIn();
    fs.writeFileSync(empty, '{"keys":[]}');
    expect(addKeyToJwksFile(empty, first)).toEqual({ added: true, keys: 1 });
  });

  it.each<[string, string]>([
    ['not JSON', '{"keys": ['],
    ['not a JWKS', '[1, 2]'],
    ['a set with a private member', '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"k","d":"AAAA"}]}'],
    ['duplicate members', '{"keys":[],"keys":[]}'],
  ])('refuses a file that is %s with KEYSTORE_INVALID and leaves it as it was', async (_what, text) => {
    const file = fileIn();
    fs.writeFileSync(file, text);
    const jwk = await freshJwk();
    expect(codeOf(() => addKeyToJwksFile(file, jwk))).toBe('KEYSTORE_INVALID');
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses a file that gives the kid to another key (KEYSTORE_INVALID)', async () => {
    const file = fileIn();
    const [jwk, other] = [await freshJwk(), await freshJwk()];
    fs.writeFileSync(file, JSON.stringify({ keys: [{ ...other, kid: jwk.kid }] }));
    expect(codeOf(() => addKeyToJwksFile(file, jwk))).toBe('KEYSTORE_INVALID');
  });
});

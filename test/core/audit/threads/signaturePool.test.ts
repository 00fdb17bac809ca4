import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { PreverifiedSignatures } from '../../../../core/artifact/verify/preverifiedSignatures';
import { verifyEd25519Jws } from '../../../../core/artifact/verify/verifyEd25519Jws';
import { MIN_SIGNATURES_FOR_THREADS, preverifySignatures, threadCount } from '../../../../core/audit/threads/preverifySignatures';
import { SignaturePool, type SignatureTask } from '../../../../core/audit/threads/signaturePool';
import { isWritError } from '../../../../core/errors/writError';

function keyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

function compactJws(privateKey: KeyObject, payload: object): string {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'test+jwt', kid: 'k' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign(null, Buffer.from(`${header}.${body}`, 'ascii'), privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
}

/** The same token with one payload character changed: the signature no longer holds. */
function tampered(token: string): string {
  const [header, body, signature] = token.split('.') as [string, string, string];
  const flipped = body.slice(0, 5) + (body[5] === 'A' ? 'B' : 'A') + body.slice(6);
  return `${header}.${flipped}.${signature}`;
}

const signer = keyPair();
const other = keyPair();
const valid = Array.from({ length: 300 }, (_, i) => compactJws(signer.privateKey, { i }));

describe('SignaturePool', () => {
  it('answers 1 for a signature that verifies and 0 for a tampered one or the wrong key', async () => {
    const pool = SignaturePool.start(2);
    try {
      const verdicts = await pool.verify([
        { key: signer.publicKey, token: valid[0]! },
        { key: signer.publicKey, token: tampered(valid[1]!) },
        { key: other.publicKey, token: valid[2]! },
        { key: signer.publicKey, token: 'not.a-token' },
      ]);
      expect(verdicts === null ? null : [...verdicts]).toEqual([1, 0, 0, 0]);
    } finally {
      await pool.close();
    }
  });

  it.each([
    ['a thread that throws when it starts', 'throw new Error("signature thread failed")'],
    ['a thread that exits on its first batch', "require('node:worker_threads').parentPort.on('message', () => process.exit(3));"],
    ['a thread that answers with too few verdicts', "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (b) => parentPort.postMessage({ id: b.id, verdicts: new Uint8Array(1).fill(1) }));"],
  ])('answers null, never a verdict, for %s', async (_name, source) => {
    const pool = SignaturePool.start(2, source);
    try {
      expect(await pool.verify([{ key: signer.publicKey, token: valid[0]! }, { key: signer.publicKey, token: valid[1]! }])).toBeNull();
    } finally {
      await pool.close();
    }
  });
});

describe('preverifySignatures', () => {
  it('records exactly the signatures that verified, with their key', async () => {
    const tasks: SignatureTask[][] = [
      valid.slice(0, 150).map((token) => ({ key: signer.publicKey, token })),
      [{ key: signer.publicKey, token: tampered(valid[150]!) }, { key: other.publicKey, token: valid[151]! }],
      valid.slice(152).map((token) => ({ key: signer.publicKey, token })),
    ];
    const signatures = new PreverifiedSignatures();
    const preverified = preverifySignatures(tasks, 2, signatures);
    try {
      expect(preverified.threads).toBe(2);
      await preverified.settled();
    } finally {
      await preverified.close();
    }
    expect(signatures.size).toBe(298);
    expect(signatures.holds(signer.publicKey, valid[0]!)).toBe(true);
    expect(signatures.holds(other.publicKey, valid[0]!)).toBe(false);
    expect(signatures.holds(signer.publicKey, tampered(valid[150]!))).toBe(false);
    expect(signatures.holds(other.publicKey, valid[151]!)).toBe(false);
  });

  it('records nothing when its threads crash, and still settles', async () => {
    const tasks = [valid.map((token) => ({ key: signer.publicKey, token }))];
    const signatures = new PreverifiedSignatures();
    const preverified = preverifySignatures(tasks, 2, signatures, "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });");
    try {
      await preverified.settled();
    } finally {
      await preverified.close();
    }
    expect(signatures.size).toBe(0);
  });

  it('starts no thread for a bundle too small to gain from them, unless told to', () => {
    expect(threadCount('auto', MIN_SIGNATURES_FOR_THREADS - 1)).toBe(0);
    // One fewer than the cores, since the checks keep the calling thread busy; at least one.
    expect(threadCount('auto', MIN_SIGNATURES_FOR_THREADS)).toBe(Math.max(1, availableParallelism() - 1));
    expect(threadCount(0, 10_000)).toBe(0);
    expect(threadCount(2, 1)).toBe(2);
    expect(threadCount(2, 0)).toBe(0);
  });
});

describe('verifyEd25519Jws given preverified signatures', () => {
  it('still refuses a tampered token or another key: only the exact key and token are found', () => {
    const signatures = new PreverifiedSignatures();
    signatures.record(signer.publicKey, valid[0]!);
    expect(verifyEd25519Jws(valid[0]!, signer.publicKey, signatures).length).toBeGreaterThan(0);
    for (const [token, key] of [[tampered(valid[0]!), signer.publicKey], [valid[0]!, other.publicKey]] as const) {
      let code: string | undefined;
      try {
        verifyEd25519Jws(token, key, signatures);
      } catch (error) {
        code = isWritError(error) ? error.code : 'not a WritError';
      }
      expect(code).toBe('ARTIFACT_SIGNATURE_INVALID');
    }
  });

  it('verifies a signature it does not hold in full', () => {
    expect(verifyEd25519Jws(valid[1]!, signer.publicKey, new PreverifiedSignatures()).toString()).toBe(JSON.stringify({ i: 1 }));
  });
});

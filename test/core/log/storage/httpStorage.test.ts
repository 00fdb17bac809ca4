import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointVerifier } from '../../../../core/log/checkpoint/checkpointVerifier';
import { encodeEvidenceEntry } from '../../../../core/log/entries/evidenceEntry';
import { formatTlogProof } from '../../../../core/log/proof/tlogProof';
import { verifyTlogProof } from '../../../../core/log/proof/verifyTlogProof';
import { HttpStorage } from '../../../../core/log/storage/httpStorage';
import { LogDirectory } from '../../../../core/log/storage/logDirectory';
import { openLogReader } from '../../../../core/log/storage/openLogReader';
import { verifyLogContents } from '../../../../core/log/storage/verifyLogContents';
import { findFreePort } from '../../../../core/server/freePort';
import { startStaticLogServer, type StaticLogServer } from '../../../support/staticLogServer';
import { testEntry } from '../support/evidence';
import { testLogSigner } from '../support/testKeys';

const ORIGIN = 'log.example/http-test';
const key = testLogSigner(ORIGIN);
const checkpoints = CheckpointVerifier.fromVerifierKeys({ origin: ORIGIN, logKeys: [key.verifierKey] });
let root: string;
let logDir: string;
let server: StaticLogServer;
const entries = Array.from({ length: 300 }, (_, i) => testEntry(i));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'writ-http-log-'));
  logDir = join(root, 'log');
  const log = await LogDirectory.create(logDir, key);
  await log.append(entries);
  log.close();
  server = await startStaticLogServer(root, '/logs/');
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => server.failWith(null));

describe('when a log is served as static files over HTTP', () => {
  it('a reader of its URL verifies the checkpoint, every entry and tile, and proves entries across a full and a partial bundle', async () => {
    const reader = openLogReader(`${server.url}log`, checkpoints);
    const latest = await reader.latest();
    expect(latest.verified.checkpoint.size).toBe(300);
    expect((await verifyLogContents(reader, latest)).size).toBe(300);
    for (const index of [0, 255, 256, 299]) {
      const { proof, entry } = await reader.prove(index, latest);
      expect(entry.equals(encodeEvidenceEntry(entries[index]!))).toBe(true);
      expect(verifyTlogProof(formatTlogProof(proof), entry, checkpoints).index).toBe(index);
    }
  });

  it('a missing file is absent (404), so the reader says the log has no checkpoint: LOG_NOT_FOUND', async () => {
    await expect(openLogReader(`${server.url}elsewhere/`, checkpoints).latest()).rejects.toMatchObject({ code: 'LOG_NOT_FOUND' });
  });

  it('a tile rewritten on the server is LOG_CORRUPT', async () => {
    const copy = join(root, 'tampered');
    const log = await LogDirectory.create(copy, key);
    await log.append(entries.slice(0, 5));
    log.close();
    writeFileSync(join(copy, 'tile/0/000.p/5'), Buffer.alloc(5 * 32, 7));
    const reader = openLogReader(`${server.url}tampered/`, checkpoints);
    await expect(verifyLogContents(reader, await reader.latest())).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });
});

describe('when the server cannot answer', () => {
  it('an error status is LOG_UNREACHABLE, never a missing file', async () => {
    server.failWith(500);
    await expect(new HttpStorage(`${server.url}log/`).read('checkpoint')).rejects.toMatchObject({ code: 'LOG_UNREACHABLE' });
    server.failWith(403);
    await expect(openLogReader(`${server.url}log/`, checkpoints).latest()).rejects.toMatchObject({ code: 'LOG_UNREACHABLE' });
  });

  it('nothing listening is LOG_UNREACHABLE', async () => {
    const port = await findFreePort();
    await expect(new HttpStorage(`http://127.0.0.1:${port}/log/`).read('checkpoint')).rejects.toMatchObject({ code: 'LOG_UNREACHABLE' });
  });

  it('a URL that is not http(s), has a query, or a path that leaves the prefix is refused LOG_UNREACHABLE', async () => {
    expect(() => new HttpStorage('ftp://example.com/log/')).toThrow(expect.objectContaining({ code: 'LOG_UNREACHABLE' }));
    expect(() => new HttpStorage('https://example.com/log/?token=1')).toThrow(expect.objectContaining({ code: 'LOG_UNREACHABLE' }));
    await expect(new HttpStorage(`${server.url}log/`).read('../tampered/checkpoint')).rejects.toMatchObject({ code: 'LOG_UNREACHABLE' });
  });
});

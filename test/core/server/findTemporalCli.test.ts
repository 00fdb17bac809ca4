import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTemporalCli, PINNED_TEMPORAL_CLI_PATH, TEMPORAL_CLI_ENV } from '../../../core/server/findTemporalCli';
import { isWritError } from '../../../core/errors/writError';

/** Writes a file that passes the executable check (it is never run). */
function fakeCli(file: string, mode = 0o755): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, mode);
  return file;
}

function expectNotFound(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isWritError(thrown, 'TEMPORAL_CLI_NOT_FOUND')).toBe(true);
}

describe('findTemporalCli', () => {
  let dir: string;
  let emptyRoot: string;
  let pathDir: string;
  const saved = { path: process.env['PATH'], cli: process.env[TEMPORAL_CLI_ENV] };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-cli-'));
    emptyRoot = path.join(dir, 'empty-root');
    pathDir = path.join(dir, 'path-bin');
    fs.mkdirSync(emptyRoot);
    fs.mkdirSync(pathDir);
    // Only this test's own directory is searched, so the machine's real CLI cannot leak in.
    process.env['PATH'] = pathDir;
    delete process.env[TEMPORAL_CLI_ENV];
  });

  afterEach(() => {
    process.env['PATH'] = saved.path;
    if (saved.cli === undefined) {
      delete process.env[TEMPORAL_CLI_ENV];
    } else {
      process.env[TEMPORAL_CLI_ENV] = saved.cli;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('returns the configured path over the environment, the pinned install and PATH', () => {
    const configured = fakeCli(path.join(dir, 'configured', 'temporal'));
    process.env[TEMPORAL_CLI_ENV] = fakeCli(path.join(dir, 'env', 'temporal'));
    const root = path.join(dir, 'root');
    fakeCli(path.join(root, PINNED_TEMPORAL_CLI_PATH));
    fakeCli(path.join(pathDir, 'temporal'));

    expect(findTemporalCli({ configured, projectRoot: root })).toBe(configured);
  });

  it('uses WRIT_TEMPORAL_CLI before the pinned install', () => {
    const fromEnv = fakeCli(path.join(dir, 'env', 'temporal'));
    process.env[TEMPORAL_CLI_ENV] = fromEnv;
    const root = path.join(dir, 'root');
    fakeCli(path.join(root, PINNED_TEMPORAL_CLI_PATH));

    expect(findTemporalCli({ projectRoot: root })).toBe(fromEnv);
  });

  it('uses the pinned install under the project root before PATH', () => {
    const root = path.join(dir, 'root');
    const pinned = fakeCli(path.join(root, PINNED_TEMPORAL_CLI_PATH));
    fakeCli(path.join(pathDir, 'temporal'));

    expect(findTemporalCli({ projectRoot: root })).toBe(pinned);
  });

  it('falls back to temporal on PATH', () => {
    const onPath = fakeCli(path.join(pathDir, 'temporal'));

    expect(findTemporalCli({ projectRoot: emptyRoot })).toBe(onPath);
  });

  describe('when no CLI is anywhere', () => {
    it('throws TEMPORAL_CLI_NOT_FOUND', () => {
      expectNotFound(() => findTemporalCli({ projectRoot: emptyRoot }));
    });
  });

  describe('when the configured path is not executable', () => {
    it('throws TEMPORAL_CLI_NOT_FOUND instead of falling through to PATH', () => {
      const notExecutable = fakeCli(path.join(dir, 'configured', 'temporal'), 0o644);
      fakeCli(path.join(pathDir, 'temporal'));

      expectNotFound(() => findTemporalCli({ configured: notExecutable, projectRoot: emptyRoot }));
    });
  });

  describe('when WRIT_TEMPORAL_CLI names a missing file', () => {
    it('throws TEMPORAL_CLI_NOT_FOUND instead of falling through to PATH', () => {
      process.env[TEMPORAL_CLI_ENV] = path.join(dir, 'nowhere', 'temporal');
      fakeCli(path.join(pathDir, 'temporal'));

      expectNotFound(() => findTemporalCli({ projectRoot: emptyRoot }));
    });
  });

  describe('when a directory named temporal is on PATH', () => {
    it('does not mistake it for the CLI', () => {
      fs.mkdirSync(path.join(pathDir, 'temporal'));

      expectNotFound(() => findTemporalCli({ projectRoot: emptyRoot }));
    });
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as cedar from '../../core/policy/cedarRuntime';
import { sqliteVersion } from '../../core/storage/openDatabase';
import { projectRoot } from './projectRoot';

/** The machine a run measured on, so two runs can be compared (or not). */
export interface MachineInfo {
  readonly platform: string;
  readonly release: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly totalMemoryMiB: number;
  /** 1-minute load average when the run started: a busy machine explains a slow run. */
  readonly loadAverageAtStart: number;
}

/** The versions of everything on the measured path. */
export interface Versions {
  readonly writ: string;
  readonly node: string;
  readonly v8: string;
  readonly openssl: string;
  /** The SQLite library inside `node:sqlite`, which the SQLite stores run on. */
  readonly sqlite: string;
  readonly temporalCli: string;
  readonly temporalSdk: string;
  readonly cedarWasm: string;
  readonly cedar: string;
  readonly jose: string;
  readonly zod: string;
}

/** Describes this machine now. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAverageAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * The versions in use: installed package versions read from node_modules (what actually
 * ran, not what package.json allows), the runtime's own, Cedar's language version and the
 * Temporal CLI's own `--version` line.
 */
export function collectVersions(temporalCli: string): Versions {
  return {
    writ: packageVersion('.'),
    node: process.versions.node,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    sqlite: sqliteVersion(),
    temporalCli: temporalCliVersion(temporalCli),
    temporalSdk: packageVersion('@temporalio/worker'),
    cedarWasm: packageVersion('@cedar-policy/cedar-wasm'),
    cedar: cedar.getCedarVersion(),
    jose: packageVersion('jose'),
    zod: packageVersion('zod'),
  };
}

function packageVersion(name: string): string {
  const root = projectRoot();
  const file = name === '.' ? path.join(root, 'package.json') : path.join(root, 'node_modules', name, 'package.json');
  try {
    const version: unknown = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function temporalCliVersion(cli: string): string {
  try {
    return execFileSync(cli, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

#!/usr/bin/env node
// `node dist/tools/bench/micro/profileCase.js <case> [iterations]`: where one micro-benchmark's
// time goes, as shares of CPU samples, over the same production functions the bench times.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';
import { Command } from 'commander';
import { runTool, strictNumber } from '../../cli/toolEntry';
import { WritError } from '../../../core/errors/writError';
import { openBenchGovernance } from '../benchGovernance';
import { buildMicroSuite } from './microCases';

/** The sampling interval: fine enough for a case of tens of microseconds. */
const SAMPLING_INTERVAL_US = 40;
const WARMUP_ITERATIONS = 3000;
const TOP = 25;

/** One function's share of the samples, by name and source position. */
export interface ProfileShare {
  readonly frame: string;
  /** Samples taken in the function itself, in percent of all samples. */
  readonly selfPercent: number;
  /** Samples with the function anywhere on the stack, in percent of all samples. */
  readonly totalPercent: number;
}

/**
 * The shares of a V8 CPU profile, by function: self (where the CPU was) and total (what it
 * was doing it for), each frame counted once per sample however deep it recurses. The
 * profile starts after setup and warm-up, so the shares are those of the case alone.
 */
export function profileShares(profile: Profiler.Profile): ProfileShare[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const frameOf = (node: Profiler.ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName === '' ? '(anonymous)' : functionName} ${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const samples = profile.samples ?? [];
  for (const id of samples) {
    const leaf = nodes.get(id);
    if (leaf === undefined) continue;
    self.set(frameOf(leaf), (self.get(frameOf(leaf)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = frameOf(nodes.get(at)!);
      if (seen.has(frame)) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + 1);
    }
  }
  const percent = (count: number) => Math.round((1000 * count) / Math.max(samples.length, 1)) / 10;
  return [...total.entries()].map(([frame, count]) => ({ frame, selfPercent: percent(self.get(frame) ?? 0), totalPercent: percent(count) }));
}

async function main(): Promise<void> {
  const program = new Command()
    .name('writ-bench-profile')
    .description('Profile one decision-path micro-benchmark (authorize, verify, mint, ...) and print where its CPU time goes')
    .argument('<case>', 'the micro-benchmark, by its name in the bench JSON')
    .argument('[iterations]', 'profiled iterations', strictNumber, 20_000)
    .showHelpAfterError()
    .parse(process.argv);
  const [name, iterations] = program.processedArgs as [string, number];
  if (!Number.isInteger(iterations) || iterations < 1) throw new WritError('CONFIG_INVALID', 'iterations must be a positive integer');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-bench-profile-'));
  const governance = await openBenchGovernance(dataDir);
  const storeDir = path.join(dataDir, 'micro');
  fs.mkdirSync(storeDir);
  const suite = await buildMicroSuite(governance, storeDir);
  const session = new Session();
  try {
    const micro = suite.cases.find((c) => c.name === name);
    if (micro === undefined) throw new WritError('CONFIG_INVALID', `no micro-benchmark "${name}"; there are: ${suite.cases.map((c) => c.name).join(', ')}`);
    for (let i = 0; i < WARMUP_ITERATIONS; i += 1) await micro.run();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    for (let i = 0; i < iterations; i += 1) await micro.run();
    const { profile } = await session.post('Profiler.stop');
    const shares = profileShares(profile);
    const lines = (key: 'selfPercent' | 'totalPercent') =>
      [...shares].sort((a, b) => b[key] - a[key]).slice(0, TOP).map((share) => `${share[key].toFixed(1).padStart(6)}%  ${share.frame}`);
    process.stdout.write(`${name}, ${iterations} iterations, ${profile.samples?.length ?? 0} samples\n\nself\n${lines('selfPercent').join('\n')}\n\ntotal\n${lines('totalPercent').join('\n')}\n`);
  } finally {
    session.disconnect();
    await suite.close();
    await governance.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) runTool('writ-bench-profile', main, 1);

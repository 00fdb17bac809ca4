#!/usr/bin/env node
// `node dist/tools/bench/audit/timeAuditBundle.js <bundle.json> [rounds]`: times the offline
// checker on a saved evidence bundle (the one `npm run bench -- --only audit --keep-data`
// leaves in its data directory as audit-bundle.json, or any `writ audit export`), with no
// server, so the audit can be timed or profiled (`node --cpu-prof ...`) again and again.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { readBundle } from '../../../core/audit/evidence/readBundle';
import type { SignatureThreads } from '../../../core/audit/threads/preverifySignatures';
import { verifyBundle } from '../../../core/audit/verifyBundle';
import { round } from '../stats';

async function main(): Promise<void> {
  const [file, roundsArg, only] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: timeAuditBundle <bundle.json> [rounds] [threaded|single]');
  const rounds = roundsArg === undefined ? 3 : Number(roundsArg);
  const bundle = readBundle(file);
  await verifyBundle({ ...bundle, runs: bundle.runs.slice(0, 3) }, { replay: false });
  const kinds: Array<['threaded' | 'single', SignatureThreads]> = [
    ['threaded', 'auto'],
    ['single', 0],
  ];
  const first = await verifyBundle(bundle, { replay: false, signatureThreads: 0 });
  for (let pass = 0; pass < rounds; pass += 1) {
    for (const [name, threads] of kinds) {
      if (only !== undefined && only !== name) continue;
      const started = performance.now();
      const verdict = await verifyBundle(bundle, { replay: false, signatureThreads: threads });
      const seconds = (performance.now() - started) / 1000;
      const rate = verdict.artifactsVerified / seconds;
      const same = isDeepStrictEqual(verdict, first);
      process.stdout.write(
        `${name}: ${verdict.artifactsVerified} artifacts in ${round(seconds, 3)} s = ${round(rate)}/s (${round(rate / os.availableParallelism())}/core), ` +
          `${verdict.findings} findings, ${same ? 'same verdict' : 'VERDICT DIFFERS'}\n`,
      );
      if (!same) process.exitCode = 1;
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});

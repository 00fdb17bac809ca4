import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseStrictJson } from '../../../core/canonical/parseStrictJson';
import { loadConfig } from '../../../core/config/writConfig';
import { WritError } from '../../../core/errors/writError';
import { CheckpointVerifier } from '../../../core/log/checkpoint/checkpointVerifier';
import { CosignatureVerifier } from '../../../core/log/checkpoint/cosignature';
import type { EvidenceEntry } from '../../../core/log/entries/evidenceEntry';
import { parseVerifierKey, SIGNATURE_TYPE } from '../../../core/log/note/noteKeys';
import { formatTlogProof } from '../../../core/log/proof/tlogProof';
import { verifyTlogProof } from '../../../core/log/proof/verifyTlogProof';
import { LogDirectory } from '../../../core/log/storage/logDirectory';
import { ensureLogKey, readLogKey } from '../../../core/log/storage/logKeyFile';
import { LogReader } from '../../../core/log/storage/logReader';
import { appendSequenced, publishSequencedCheckpoint, withSequencedLog, type SequencedLog } from '../../../core/log/sequencer/sequencedLog';
import { verifyLogContents } from '../../../core/log/storage/verifyLogContents';
import { formatAddCheckpointRequest } from '../../../core/log/witness/addCheckpointRequest';
import { strictNumber } from '../toolEntry';
import { registerLogWitnessCommands } from './logWitness';

interface LogOptions {
  dir?: string;
  key?: string;
  logKey?: string;
}

/** Where the log and its key live unless the flags say: `<dataDir>/log` and `<dataDir>/log.key`. */
function paths(opts: LogOptions): { dir: string; key: string } {
  const needsConfig = opts.dir === undefined || opts.key === undefined;
  if (!needsConfig) return { dir: opts.dir!, key: opts.key! };
  const config = loadConfig();
  // The configured log's own paths (a fleet's log lives where every host reaches it).
  const configured = config.evidenceLog.kind === 'off' ? { dir: join(config.dataDir, 'log'), keyFile: join(config.dataDir, 'log.key') } : config.evidenceLog;
  return { dir: opts.dir ?? configured.dir, key: opts.key ?? configured.keyFile };
}

/**
 * The log's public key: `--log-key` (a vkey), else the one the operator's key file implies.
 * An auditor, who has no private key, names it.
 */
function logVerifierKey(opts: LogOptions): string {
  if (opts.logKey !== undefined) return opts.logKey;
  return readLogKey(paths(opts).key).verifierKey;
}

/** A verifier of this log's checkpoints, with the witnesses and quorum the flags name. */
function checkpointVerifier(opts: LogOptions & { witness?: string[]; witnessesRequired?: number }): CheckpointVerifier {
  const vkey = logVerifierKey(opts);
  const origin = parseVerifierKey(vkey, SIGNATURE_TYPE.ed25519).name;
  const witnessKeys = opts.witness ?? [];
  const required = opts.witnessesRequired ?? 0;
  if (!Number.isInteger(required)) throw new WritError('LOG_KEY_INVALID', '--witnesses-required must be a whole number');
  return CheckpointVerifier.fromVerifierKeys({ origin, logKeys: [vkey], witnessKeys, witnessesRequired: required });
}

/**
 * Runs `use` on the configured log when it is sequenced in PostgreSQL and the flags name
 * no other directory; undefined otherwise (the command then acts on the directory alone).
 */
async function sequencedLog<T>(flags: LogOptions, use: (log: SequencedLog) => Promise<T>): Promise<T | undefined> {
  if (flags.dir !== undefined) return undefined;
  return withSequencedLog(loadConfig(), use);
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

function output(out: string | undefined, text: string): void {
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
}

/** The entries in a file: one evidence entry, or an array of them, as JSON. */
function readEntries(file: string): EvidenceEntry[] {
  let value: unknown;
  try {
    value = parseStrictJson(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new WritError('LOG_ENTRY_INVALID', `${file} is not JSON: ${(error as Error).message}`);
  }
  // Unchecked until the log checks every entry of the batch, before it writes any.
  return (Array.isArray(value) ? value : [value]) as EvidenceEntry[];
}

/** `writ log ...`: the evidence log (C2SP tlog-tiles directory, checkpoints, proofs, witnesses). */
export function registerLogCommands(program: Command): void {
  const log = program
    .command('log')
    .description('the evidence log: an append-only Merkle log (RFC 9162) in a C2SP tlog-tiles directory, checkpoints, proofs and witnesses')
    .option('--dir <path>', 'the log directory (default: <dataDir>/log)')
    .option('--key <file>', "the log's private key file (default: <dataDir>/log.key)")
    .option('--log-key <vkey>', "the log's public key as a verifier key (default: the one of --key)");
  const opts = (cmd: Command): LogOptions => cmd.parent?.opts() as LogOptions;

  log.command('init').description('start an empty log and its key (the key is created unless it exists)').requiredOption('--origin <origin>', 'the log\'s identity, a schema-less URL such as example.com/writ-log').option('--json', 'print JSON')
    .action(async (flags: { origin: string; json?: boolean }, cmd: Command) => {
      const { dir, key: keyFile } = paths(opts(cmd));
      const key = await ensureLogKey(keyFile, flags.origin);
      (await LogDirectory.create(dir, key)).close();
      print(flags.json, { dir, origin: key.name, verifierKey: key.verifierKey }, `created log ${key.name} in ${dir}\nverifier key: ${key.verifierKey}`);
    });

  log.command('key').description("print the log's verifier key, for auditors and witnesses")
    .action((_flags: unknown, cmd: Command) => {
      process.stdout.write(`${readLogKey(paths(opts(cmd)).key).verifierKey}\n`);
    });

  log.command('append').description('append evidence entries (JSON files, one entry or an array each) as one batch').argument('<files...>', 'entry files').option('--json', 'print JSON')
    .action(async (files: string[], flags: { json?: boolean }, cmd: Command) => {
      const entries = files.flatMap(readEntries);
      const sequenced = await sequencedLog(opts(cmd), (log) => appendSequenced(log, entries));
      if (sequenced !== undefined) {
        print(flags.json, { indices: sequenced.indices, size: sequenced.size }, `appended ${sequenced.indices.length} entries at ${sequenced.indices[0] ?? '-'}..${sequenced.indices.at(-1) ?? '-'}; the log has ${sequenced.size}`);
        return;
      }
      const { dir, key } = paths(opts(cmd));
      const writer = await LogDirectory.open(dir, readLogKey(key));
      try {
        const result = await writer.append(entries);
        print(flags.json, { indices: result.indices, size: result.size }, `appended ${result.indices.length} entries at ${result.indices[0] ?? '-'}..${result.size - 1}; the log has ${result.size}`);
      } finally {
        writer.close();
      }
    });

  log.command('checkpoint').description('print the current checkpoint, verified against the log key').option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      // Sequenced in PostgreSQL: everything sequenced so far is integrated and checkpointed first.
      await sequencedLog(opts(cmd), publishSequencedCheckpoint);
      const latest = await LogReader.forDirectory(paths(opts(cmd)).dir, checkpointVerifier(opts(cmd))).latest();
      const { origin, size, root } = latest.verified.checkpoint;
      if (flags.json) print(true, { origin, size, root: root.toString('base64'), note: latest.note }, '');
      else process.stdout.write(latest.note);
    });

  log.command('prove').description('export the inclusion proof of an entry as a C2SP tlog-proof').argument('<index>', 'the entry\'s index in the log', strictNumber)
    .option('--out <file>', 'write the proof here (a .tlog-proof file) instead of stdout').option('--entry-out <file>', 'also write the entry, exactly as logged')
    .action(async (index: number, flags: { out?: string; entryOut?: string }, cmd: Command) => {
      const reader = LogReader.forDirectory(paths(opts(cmd)).dir, checkpointVerifier(opts(cmd)));
      const { proof, entry } = await reader.prove(index, await reader.latest());
      if (flags.entryOut !== undefined) writeFileSync(flags.entryOut, entry);
      output(flags.out, formatTlogProof(proof));
    });

  log.command('verify').description('verify the whole log directory, or with --proof one entry\'s tlog-proof, offline')
    .option('--proof <file>', 'a tlog-proof to verify (needs --entry)').option('--entry <file>', 'the entry the proof is for, exactly as logged')
    .option('--witness <vkey...>', 'witness verifier keys whose cosignatures count').option('--witnesses-required <k>', 'how many of them must have cosigned', strictNumber, 0).option('--json', 'print JSON')
    .action(async (flags: { proof?: string; entry?: string; witness?: string[]; witnessesRequired: number; json?: boolean }, cmd: Command) => {
      const verifier = checkpointVerifier({ ...opts(cmd), ...(flags.witness === undefined ? {} : { witness: flags.witness }), witnessesRequired: flags.witnessesRequired });
      if (flags.proof !== undefined || flags.entry !== undefined) {
        if (flags.proof === undefined || flags.entry === undefined) throw new WritError('LOG_PROOF_MALFORMED', '--proof and --entry go together: the proof, and the entry it proves');
        const verified = verifyTlogProof(readFileSync(flags.proof), readFileSync(flags.entry), verifier);
        const { origin, size } = verified.checkpoint.checkpoint;
        const witnesses = verified.checkpoint.witnesses.map((witness) => witness.name);
        print(flags.json, { index: verified.index, origin, size, witnesses }, `verified: entry ${verified.index} is in ${origin} at size ${size}${witnesses.length > 0 ? `, cosigned by ${witnesses.join(', ')}` : ''}`);
        return;
      }
      const reader = LogReader.forDirectory(paths(opts(cmd)).dir, verifier);
      const latest = await reader.latest();
      const report = await verifyLogContents(reader, latest);
      const kinds = Object.entries(report.kinds).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`).join(', ');
      print(flags.json, { origin: latest.verified.checkpoint.origin, ...report, witnesses: latest.verified.witnesses.map((witness) => witness.name) }, `verified: ${report.size} entries${kinds === '' ? '' : ` (${kinds})`} and ${report.tiles} tiles lead to the checkpoint of ${latest.verified.checkpoint.origin}`);
    });

  log.command('consistency').description('prove that checkpoint <new> extends checkpoint <old>; prints a witness add-checkpoint request').argument('<old>', 'the older checkpoint file').argument('<new>', 'the newer checkpoint file (or "-" for the log\'s current one)')
    .action(async (older: string, newer: string, _flags: unknown, cmd: Command) => {
      const reader = LogReader.forDirectory(paths(opts(cmd)).dir, checkpointVerifier(opts(cmd)));
      const a = reader.verify(readFileSync(older));
      const b = newer === '-' ? await reader.latest() : reader.verify(readFileSync(newer));
      const proof = await reader.consistency(a, b);
      process.stdout.write(formatAddCheckpointRequest({ oldSize: a.verified.checkpoint.size, proof, checkpoint: b.note }));
    });

  log.command('add-cosignatures').description('publish witnesses\' cosignatures with the current checkpoint').argument('<file>', 'the checkpoint as a witness cosigned it').requiredOption('--witness <vkey...>', 'the verifier keys of the witnesses to accept')
    .action(async (file: string, flags: { witness: string[] }, cmd: Command) => {
      const { dir, key } = paths(opts(cmd));
      const writer = await LogDirectory.open(dir, readLogKey(key));
      try {
        process.stdout.write(await writer.addCosignatures(readFileSync(file, 'utf8'), flags.witness.map((vkey) => CosignatureVerifier.fromVerifierKey(vkey))));
      } finally {
        writer.close();
      }
    });

  registerLogWitnessCommands(log);
}

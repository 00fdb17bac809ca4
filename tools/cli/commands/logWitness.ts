import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
import { Witness } from '../../../core/log/witness/witness';

/** `writ log witness ...`: a witness with its own key, cosigning a log's checkpoints on a consistency proof. */
export function registerLogWitnessCommands(log: Command): void {
  const witness = log.command('witness').description('a witness: cosigns a log\'s checkpoints, each only on proof that it extends the last one it cosigned')
    .option('--witness-dir <path>', "the witness's directory: its key, the logs it watches, what it cosigned (default: <dataDir>/witness)");
  const dirOf = (cmd: Command): string => (cmd.parent?.opts() as { witnessDir?: string }).witnessDir ?? join(loadConfig().dataDir, 'witness');

  witness.command('init').description('create a witness and its key; prints its verifier key').requiredOption('--name <name>', 'the witness\'s name, a schema-less URL such as witness.example.com/w1')
    .requiredOption('--log <vkey...>', 'verifier keys of the logs to watch (each log is its key\'s name)')
    .action(async (flags: { name: string; log: string[] }, cmd: Command) => {
      process.stdout.write(`${await Witness.create(dirOf(cmd), flags.name, flags.log)}\n`);
    });

  witness.command('key').description("print the witness's verifier key, for verifiers that count its cosignatures")
    .action((_flags: unknown, cmd: Command) => {
      const opened = Witness.open(dirOf(cmd));
      try {
        process.stdout.write(`${opened.verifierKey}\n`);
      } finally {
        opened.close();
      }
    });

  witness.command('add-checkpoint').description('verify an add-checkpoint request (old size, consistency proof, checkpoint) and print the checkpoint cosigned')
    .argument('[request]', 'the request file (default: standard input), as `writ log consistency` prints it')
    .action(async (request: string | undefined, _flags: unknown, cmd: Command) => {
      const body = readFileSync(request === undefined || request === '-' ? 0 : request);
      const opened = Witness.open(dirOf(cmd));
      try {
        process.stdout.write((await opened.addCheckpoint(body)).note);
      } finally {
        opened.close();
      }
    });
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
import { WritError } from '../../../core/errors/writError';
import { KeyStore } from '../../../core/keys/keyStore';
import { registerPkcs11KeyCommands } from './keysPkcs11';

function store(dir: string | undefined): KeyStore {
  return KeyStore.open(dir ?? loadConfig().keysDir);
}

/** `writ keys ...`: Writ's signing keys. Private keys never leave the key directory, or the token that holds them. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("manage Writ's signing keys (Ed25519, by kid)").option('--dir <path>', 'key directory (default: <dataDir>/keys)');
  const dirOf = (cmd: Command) => (cmd.parent?.opts() as { dir?: string }).dir;

  keys.command('create').description('create a key (active if none is)').option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const info = await store(dirOf(cmd)).create();
      print(opts.json, info, `created key ${info.kid} (${info.status})`);
    });
  keys.command('list').description('list keys and their status').option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const list = store(dirOf(cmd)).list();
      print(opts.json, list, list.length === 0 ? 'no keys' : list.map((k) => `${k.kid}  ${k.status.padEnd(11)}  created ${k.createdAt}${k.heldIn === undefined ? '' : '  (in a PKCS#11 token)'}`).join('\n'));
    });
  keys.command('rotate').description('create a new active key; the previous one stays trusted for verification').option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const info = await store(dirOf(cmd)).rotate();
      print(opts.json, info, `rotated: ${info.kid} is now active`);
    });
  keys.command('export').description('print (or write) the public key set (JWKS) auditors and workers trust').option('--out <file>', 'write to a file')
    .action((opts: { out?: string }, cmd: Command) => {
      const keyStore = store(dirOf(cmd));
      const published = keyStore.exportPublicJwks();
      // An empty key set would make every verifier that trusts it refuse every artifact.
      if (published.keys.length === 0) {
        const held = keyStore.list().length;
        throw new WritError(
          'KEY_NOT_FOUND',
          held === 0
            ? `no keys in ${keyStore.directory}: nothing to export; create one with \`writ keys create\` (or pass --dir to name the key directory)`
            : `every key in ${keyStore.directory} is retired: nothing to export; create a new one with \`writ keys create\``,
        );
      }
      const jwks = JSON.stringify(published, null, 2);
      if (opts.out) writeFileSync(opts.out, `${jwks}\n`);
      else process.stdout.write(`${jwks}\n`);
    });
  registerPkcs11KeyCommands(keys, dirOf);
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

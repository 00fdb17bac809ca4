import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AuditKeySet } from '../../../core/audit/keys/auditKeySet';
import { isAuditError } from '../../../core/audit/auditError';
import { parseStrictJson } from '../../../core/canonical/parseStrictJson';
import { loadConfig } from '../../../core/config/writConfig';
import { WritError } from '../../../core/errors/writError';
import { KeyStore } from '../../../core/keys/keyStore';
import { registerPkcs11KeyCommands } from './keysPkcs11';
import { KEY_PURPOSES, type KeyPurpose } from '../../../core/keys/keyPurpose';
import { writeFileAtomicSync } from '../../../core/keys/writeFileAtomic';

interface KeysOptions {
  dir?: string;
  purpose: KeyPurpose;
}

/** The key store the group's flags name: `--dir`, else the configured directory of `--purpose`. */
function store(opts: KeysOptions): KeyStore {
  const dir = opts.dir ?? (opts.purpose === 'receipt' ? loadConfig().receiptKeysDir : loadConfig().keysDir);
  return KeyStore.open(dir, { purpose: opts.purpose });
}

/**
 * `writ keys ...`: Writ's signing keys, authorization keys (the authorizer's, `keysDir`) or
 * receipt keys (an executor's, `receiptKeysDir`, with `--purpose receipt`). Private keys
 * never leave the key directory (or the token that holds them); `export` publishes the
 * public set with each key's purpose, and `merge` joins the sets exported on different
 * hosts into the one an auditor is given.
 */
export function registerKeysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description("manage Writ's signing keys (Ed25519, by kid): authorization keys, or an executor's receipt keys")
    .option('--dir <path>', 'key directory (default: keysDir, <dataDir>/keys; with --purpose receipt, receiptKeysDir, <dataDir>/receipt-keys)')
    .addOption(new Option('--purpose <purpose>', 'which keys: authorization (sign artifacts) or receipt (sign receipts)').choices(KEY_PURPOSES).default('authorization'));
  const optsOf = (cmd: Command) => cmd.parent?.opts() as KeysOptions;
  // Token keys are authorization keys: `writ keys pkcs11 ...` reads only the group's --dir.
  const dirOf = (cmd: Command) => optsOf(cmd).dir;

  keys.command('create').description('create a key (active if none is)').option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const info = await store(optsOf(cmd)).create();
      print(opts.json, info, `created ${info.purpose} key ${info.kid} (${info.status})`);
    });
  keys.command('list').description('list keys, their status and purpose').option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const list = store(optsOf(cmd)).list();
      print(opts.json, list, list.length === 0 ? 'no keys' : list.map((k) => `${k.kid}  ${k.status.padEnd(11)}  ${k.purpose.padEnd(13)}  created ${k.createdAt}${k.heldIn === undefined ? '' : '  (in a PKCS#11 token)'}`).join('\n'));
    });
  keys.command('rotate').description('create a new active key; the previous one stays trusted for verification').option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const info = await store(optsOf(cmd)).rotate();
      print(opts.json, info, `rotated: ${info.kid} is now the active ${info.purpose} key`);
    });
  keys.command('export')
    .description('print (or write) the public key set (JWKS, each key marked with its purpose) executors and auditors trust')
    .option('--out <file>', 'write to a file (atomically: a reader never sees half of it)')
    .option('--with-periods', "add each key's signing period, retired keys included: the key set `writ audit verify --keys` and `writ keys merge` take, and an executor's trustedKeysFile judges periods from")
    .action((opts: { out?: string; withPeriods?: boolean }, cmd: Command) => {
      const keyStore = store(optsOf(cmd));
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
      const document = opts.withPeriods ? AuditKeySet.fromKeyRecords(keyStore.exportKeyRecords()).toEvidence() : published;
      write(opts.out, document);
    });
  registerPkcs11KeyCommands(keys, dirOf);
  keys.command('merge <files...>')
    .description('merge key sets exported with --with-periods (the authorizer\'s and each executor\'s) into the one key set an auditor is given')
    .option('--out <file>', 'write to a file')
    .action((files: string[], opts: { out?: string }) => {
      write(opts.out, mergeKeySetFiles(files).toEvidence());
    });
}

/** Reads and merges key sets with signing periods; KEYSTORE_INVALID names the file that is not one, or the contradiction. */
function mergeKeySetFiles(files: readonly string[]): AuditKeySet {
  const sets = files.map((file) => {
    let json: unknown;
    try {
      json = parseStrictJson(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new WritError('KEYSTORE_INVALID', `cannot read key set ${file}: ${(cause as Error).message}`, { cause });
    }
    try {
      return AuditKeySet.fromEvidence(json);
    } catch (error) {
      if (!isAuditError(error)) throw error;
      throw new WritError('KEYSTORE_INVALID', `${file} is not a key set with signing periods (export it with \`writ keys export --with-periods\`): ${error.message}`, { issues: error.issues });
    }
  });
  try {
    return AuditKeySet.merge(sets);
  } catch (error) {
    if (!isAuditError(error)) throw error;
    throw new WritError('KEYSTORE_INVALID', error.message, { issues: error.issues });
  }
}

function write(out: string | undefined, document: unknown): void {
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (out) writeFileAtomicSync(out, text, 0o644);
  else process.stdout.write(text);
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

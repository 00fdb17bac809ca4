import type { Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
import { WritError, type WritIssue } from '../../../core/errors/writError';
import { addKeyToJwksFile } from '../../../core/keys/addKeyToJwksFile';
import { KeyStore } from '../../../core/keys/keyStore';
import { createTokenKey } from '../../../core/keys/pkcs11/createTokenKey';
import { parsePkcs11SignerConfig } from '../../../core/keys/pkcs11/parsePkcs11SignerConfig';
import { Pkcs11Signer } from '../../../core/keys/pkcs11/pkcs11Signer';
import type { Pkcs11SignerConfig } from '../../../core/keys/pkcs11/pkcs11SignerConfig';

/** The flags that name a token key, each overriding the `signer` of writ.config.json. */
interface TokenFlags {
  module?: string;
  token?: string;
  keyLabel?: string;
  keyId?: string;
  pinEnv?: string;
}

/**
 * `writ keys pkcs11 create|export|activate`: Ed25519 keys that live in a PKCS#11 token.
 * The token and key come from the `signer` of writ.config.json, or the flags; the PIN
 * from the environment variable `pinEnv` names (default WRIT_PKCS11_PIN). The private key
 * never leaves the token; these commands only ever see its public half.
 */
export function registerPkcs11KeyCommands(keys: Command, keysDirOf: (cmd: Command) => string | undefined): void {
  const pkcs11 = keys
    .command('pkcs11')
    .description('keys held in a PKCS#11 token (an HSM, a cloud HSM, SoftHSM2): the private key never leaves it')
    .option('--module <path>', 'the PKCS#11 module (default: "signer" in writ.config.json)')
    .option('--token <label>', 'the token label')
    .option('--key-label <label>', "the key's CKA_LABEL")
    .option('--key-id <hex>', "the key's CKA_ID in hex")
    .option('--pin-env <name>', 'the environment variable holding the user PIN (default WRIT_PKCS11_PIN)');
  const tokenOf = (cmd: Command) => tokenConfig(cmd.parent?.opts() as TokenFlags);

  pkcs11.command('create').description('make an Ed25519 key pair in the token and print its public key').option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const config = tokenOf(cmd);
      const created = await createTokenKey(config);
      print(opts.json, { ...created, tokenLabel: config.tokenLabel }, [
        `created key ${created.kid} in PKCS#11 token "${config.tokenLabel}" (${[created.keyLabel === undefined ? undefined : `label ${created.keyLabel}`, `id ${created.keyId}`].filter(Boolean).join(', ')})`,
        'the private key stays in the token; publish the public key with `writ keys pkcs11 activate` (or `writ keys pkcs11 export --out <jwks file>`)',
      ].join('\n'));
    });

  pkcs11.command('export').description("print the token key's public JWK, or add it to a JWKS file").option('--out <file>', 'add the key to this JWKS file (made when missing)')
    .action(async (opts: { out?: string }, cmd: Command) => {
      const signer = await Pkcs11Signer.open(tokenOf(cmd));
      try {
        if (opts.out === undefined) {
          process.stdout.write(`${JSON.stringify(signer.publicJwk, null, 2)}\n`);
          return;
        }
        const update = addKeyToJwksFile(opts.out, signer.publicJwk);
        process.stdout.write(`${update.added ? `added key ${signer.kid} to` : `key ${signer.kid} is already in`} ${opts.out} (${update.keys} key(s))\n`);
      } finally {
        await signer.close();
      }
    });

  pkcs11.command('activate').description("make the token key the key directory's active signer (the previous one stays trusted, verify-only)").option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const config = tokenOf(cmd);
      const signer = await Pkcs11Signer.open(config);
      try {
        const store = KeyStore.open(keysDirOf(cmd.parent ?? cmd) ?? loadConfig().keysDir);
        const previous = store.list().find((key) => key.status === 'active');
        const info = await store.activateTokenKey(signer.publicJwk);
        const stays = previous === undefined || previous.kid === info.kid ? '' : `; ${previous.kid} stays trusted, verify-only`;
        print(opts.json, info, `key ${info.kid} in PKCS#11 token "${config.tokenLabel}" is the active signer of ${store.directory}${stays}\nworkers sign with it when writ.config.json has "signer": ${JSON.stringify(signerSection(config))}`);
      } finally {
        await signer.close();
      }
    });
}

/**
 * The token settings: writ.config.json's `signer` when it is a PKCS#11 one, each flag
 * given overriding it. Incomplete or invalid is CONFIG_INVALID listing every problem.
 */
function tokenConfig(flags: TokenFlags): Pkcs11SignerConfig {
  const configured = loadConfig().signer;
  const base: Record<string, unknown> = configured.kind === 'pkcs11' ? { ...configured } : { kind: 'pkcs11' };
  const named = flags.keyLabel !== undefined || flags.keyId !== undefined;
  const missing: WritIssue[] = [];
  const from = configured.kind === 'pkcs11' ? '' : ' (writ.config.json has no pkcs11 "signer")';
  if (flags.module === undefined && base['module'] === undefined) missing.push({ path: '--module', message: `name the PKCS#11 module, e.g. --module /usr/lib/softhsm/libsofthsm2.so${from}` });
  if (flags.token === undefined && base['tokenLabel'] === undefined) missing.push({ path: '--token', message: `name the token by its label${from}` });
  if (!named && base['keyLabel'] === undefined && base['keyId'] === undefined) missing.push({ path: '--key-label', message: `name the key with --key-label or --key-id${from}` });
  if (missing.length > 0) throw new WritError('CONFIG_INVALID', `which token key? ${missing.map((issue) => issue.path).join(', ')} missing`, { issues: missing });
  return parsePkcs11SignerConfig({
    ...base,
    // A key named on the command line is named by the flags alone.
    ...(named ? { keyLabel: flags.keyLabel, keyId: flags.keyId } : {}),
    ...(flags.module === undefined ? {} : { module: flags.module }),
    ...(flags.token === undefined ? {} : { tokenLabel: flags.token }),
    ...(flags.pinEnv === undefined ? {} : { pinEnv: flags.pinEnv }),
  });
}

function signerSection(config: Pkcs11SignerConfig): Record<string, string> {
  const { kind, module, tokenLabel, keyLabel, keyId, pinEnv } = config;
  return { kind, module, tokenLabel, ...(keyLabel === undefined ? {} : { keyLabel }), ...(keyId === undefined ? {} : { keyId }), pinEnv };
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
import { writeBoundCredentialFile } from '../../../core/identity/boundCredentialFile';
import { DevIdentityProvider } from '../../../core/identity/devIdentityProvider';

/**
 * `writ token <principal>`: an identity token from the local development provider. With
 * `--bind <file>` the token is bound to a fresh proof key and both are written to a
 * credentials file (mode 0600) instead of printed: a copy of that token, as a workflow
 * history shows it, cannot start workflows without the key.
 */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint an identity token for a named principal from the local development identity provider')
    .argument('<principal>', 'who the token names')
    .option('-g, --group <group...>', 'groups the principal belongs to', [])
    .option('--ttl <seconds>', 'lifetime in seconds', '3600')
    .option('--bind <file>', 'bind the token to a new proof key and write both to this credentials file (mode 0600) instead of printing the token')
    .action(async (principal: string, opts: { group: string[]; ttl: string; bind?: string }) => {
      const config = loadConfig();
      const idp = DevIdentityProvider.open(join(config.dataDir, 'idp'));
      await idp.ensureKey();
      const request = { principal, groups: opts.group, ttlSeconds: Number(opts.ttl) };
      if (opts.bind === undefined) {
        process.stdout.write(`${await idp.mintToken(request)}\n`);
        return;
      }
      const file = resolve(opts.bind);
      const credential = await idp.mintBoundCredential(request);
      writeBoundCredentialFile(file, credential);
      process.stdout.write(`wrote a credential for ${principal} bound to key ${credential.proofKey.thumbprint} to ${file}\n`);
    });
}

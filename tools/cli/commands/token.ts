import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../../core/config/writConfig';
import { DevIdentityProvider } from '../../../core/identity/devIdentityProvider';

/** `writ token <principal>`: an identity token from the local development provider. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint an identity token for a named principal from the local development identity provider')
    .argument('<principal>', 'who the token names')
    .option('-g, --group <group...>', 'groups the principal belongs to', [])
    .option('--ttl <seconds>', 'lifetime in seconds', '3600')
    .action(async (principal: string, opts: { group: string[]; ttl: string }) => {
      const config = loadConfig();
      const idp = DevIdentityProvider.open(join(config.dataDir, 'idp'));
      await idp.ensureKey();
      const token = await idp.mintToken({ principal, groups: opts.group, ttlSeconds: Number(opts.ttl) });
      process.stdout.write(`${token}\n`);
    });
}

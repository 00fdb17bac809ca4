import { join } from 'node:path';
import { ensureLogKey } from '../../core/log/storage/logKeyFile';
import { LogDirectory } from '../../core/log/storage/logDirectory';

/**
 * What `writ log init --origin <origin>` makes on a host whose identity provider is
 * configured (nothing is made on demand there): `<dataDir>/log` and its key `<dataDir>/log.key`.
 */
export async function initHostLog(dataDir: string, origin: string): Promise<void> {
  const key = await ensureLogKey(join(dataDir, 'log.key'), origin);
  (await LogDirectory.create(join(dataDir, 'log'), key)).close();
}

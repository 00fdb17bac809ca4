import { WritError } from '../../errors/writError';
import { Pkcs11SignerConfigSchema, type Pkcs11SignerConfig } from './pkcs11SignerConfig';

/**
 * Validates PKCS#11 signer settings given in code (writ.config.json is validated with the
 * rest of the configuration): CONFIG_INVALID listing every problem, with its path.
 */
export function parsePkcs11SignerConfig(config: unknown): Pkcs11SignerConfig {
  const parsed = Pkcs11SignerConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
  throw new WritError('CONFIG_INVALID', `PKCS#11 signer configuration is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

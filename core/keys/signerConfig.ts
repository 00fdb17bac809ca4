import { z } from 'zod';
import type { Assert, SameType } from '../types/sameType';
import { Pkcs11SignerConfigSchema, type Pkcs11SignerConfig } from './pkcs11/pkcs11SignerConfig';

/** The signer whose key is in the key directory (`keysDir`): the development default. */
export const LocalSignerConfigSchema = z.strictObject({ kind: z.literal('local') });

/** Signing with the key directory's key. */
export interface LocalSignerConfig {
  /** Always `local`. */
  kind: 'local';
}
type _LocalSignerConfigIsTheSchema = Assert<SameType<LocalSignerConfig, z.output<typeof LocalSignerConfigSchema>>>;

/**
 * Where the authorization key is: the key directory (`{ "kind": "local" }`, the default)
 * or a PKCS#11 token (`{ "kind": "pkcs11", "module", "tokenLabel", "keyLabel", "pinEnv" }`).
 */
export const SignerConfigSchema = z.discriminatedUnion('kind', [LocalSignerConfigSchema, Pkcs11SignerConfigSchema]);

/** Where the authorization key is (see `SignerConfigSchema`). */
export type SignerConfig = LocalSignerConfig | Pkcs11SignerConfig;
type _SignerConfigIsTheSchema = Assert<SameType<SignerConfig, z.output<typeof SignerConfigSchema>>>;

import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { Assert, SameType } from '../../types/sameType';

/** The environment variable that holds the token's user PIN unless `pinEnv` names another. */
export const DEFAULT_PIN_ENV = 'WRIT_PKCS11_PIN';

const NO_PIN_HERE = 'the PIN is never written in configuration: put it in an environment variable and name the variable with "pinEnv"';

/**
 * Where the signing key is when it is in a PKCS#11 token: the module (the vendor's `.so`),
 * the token by label, the key by CKA_LABEL and/or CKA_ID (hex), and the name of the
 * environment variable holding the user PIN. Unknown keys are refused, and a `pin` with a
 * word on where the PIN goes instead.
 */
export const Pkcs11SignerConfigSchema = z
  .strictObject(
    {
      kind: z.literal('pkcs11'),
      module: z.string().min(1).refine(isAbsolute, 'must be the absolute path of the PKCS#11 module (for SoftHSM2, /usr/lib/softhsm/libsofthsm2.so)'),
      tokenLabel: z.string().min(1).max(32, 'a PKCS#11 token label has at most 32 characters'),
      keyLabel: z.string().min(1).optional(),
      keyId: z.string().regex(/^(?:[0-9a-fA-F]{2})+$/, 'must be the key\'s CKA_ID in hex').optional(),
      pinEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable').default(DEFAULT_PIN_ENV),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' && issue.keys.some((key) => key.toLowerCase().includes('pin'))
          ? `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}: ${NO_PIN_HERE}`
          : undefined,
    },
  )
  .refine((config) => config.keyLabel !== undefined || config.keyId !== undefined, {
    message: 'name the key with "keyLabel" (its CKA_LABEL), "keyId" (its CKA_ID in hex), or both',
    path: ['keyLabel'],
  });

/** A validated PKCS#11 signer configuration. (The type `Pkcs11SignerConfigSchema` checks, written out.) */
export interface Pkcs11SignerConfig {
  /** Always `pkcs11`. */
  kind: 'pkcs11';
  /** Absolute path of the PKCS#11 module, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  module: string;
  /** The token's label (CK_TOKEN_INFO.label, without its padding). */
  tokenLabel: string;
  /** The key's CKA_LABEL; with `keyId`, both must match. */
  keyLabel?: string | undefined;
  /** The key's CKA_ID in hex; with `keyLabel`, both must match. */
  keyId?: string | undefined;
  /** The environment variable holding the user PIN (default `WRIT_PKCS11_PIN`). */
  pinEnv: string;
}
/** PKCS#11 signer settings as code gives them: the configuration, with `pinEnv` optional. */
export type Pkcs11SignerSettings = Omit<Pkcs11SignerConfig, 'pinEnv'> & { pinEnv?: string | undefined };

type _Pkcs11SignerConfigIsTheSchema = Assert<SameType<Pkcs11SignerConfig, z.output<typeof Pkcs11SignerConfigSchema>>>;

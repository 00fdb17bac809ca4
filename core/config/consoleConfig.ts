import { z } from 'zod';
import { DevOidcAccountSchema } from '../oidc/devOidcAccounts';
import type { Assert, SameType } from '../types/sameType';
import { DEFAULT_PASSKEY_TRUST, PasskeyTrustSchema, type PasskeyTrust } from '../passkeys/passkeyTrust';

/** The development provider's accounts when none are configured: the examples' operators. */
export const DEFAULT_DEV_ACCOUNTS = [
  { principal: 'bob', groups: ['treasury-approvers', 'operators'] },
  { principal: 'carol', groups: ['treasury-approvers', 'change-managers'] },
  { principal: 'dave', groups: ['support-leads'] },
  { principal: 'olivia', groups: ['operators'] },
  { principal: 'alice', groups: ['treasury', 'ops'] },
];

/**
 * The operator console (`console` in writ.config.json). With `oidc` it signs operators in at
 * that provider (a company's), as the client it names, the secret read from the environment
 * variable it names (never from the file); without, `writ console` starts the development
 * OpenID provider on loopback with `devAccounts`.
 */
export const ConsoleConfigSchema = z.strictObject({
  oidc: z
    .strictObject({
      /** The provider's issuer URL: https, or http only on loopback. */
      issuer: z.url().refine((value) => value.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(value), 'must be https (http only on loopback)'),
      clientId: z.string().min(1).max(256),
      /** The environment variable holding the client secret (default WRIT_CONSOLE_CLIENT_SECRET). */
      clientSecretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('WRIT_CONSOLE_CLIENT_SECRET'),
    })
    .optional(),
  /** The origin operators reach the console at behind a TLS proxy (`https://console.example.com`); default the address it listens on. */
  publicOrigin: z
    .string()
    .regex(/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/, 'must be an https origin such as https://console.example.com (no path)')
    .optional(),
  /** Who may sign in at the development provider (default: the examples' operators). */
  devAccounts: z.array(DevOidcAccountSchema).min(1).default(DEFAULT_DEV_ACCOUNTS),
  /** The longest a console session lasts, in seconds (default 8 hours; never past its ID token). */
  sessionSeconds: z.number().int().min(60).max(86_400).default(28_800),
  /** Where operators' passkeys are scoped and their assertions come from; workers verify approvals against it (default: localhost, any port). */
  passkeys: PasskeyTrustSchema.default(DEFAULT_PASSKEY_TRUST),
});

/** The operator console's configuration, as validated (`console` in writ.config.json). */
export interface ConsoleConfig {
  /** A company's OpenID provider, and the console's client there; absent, the development provider. */
  oidc?:
    | {
        /** The provider's issuer URL (https; http only on loopback). */
        issuer: string;
        /** The console's `client_id`. */
        clientId: string;
        /** The environment variable holding the client secret. */
        clientSecretEnv: string;
      }
    | undefined;
  /** The https origin operators reach the console at, when TLS is terminated in front of it. */
  publicOrigin?: string | undefined;
  /** Who may sign in at the development provider. */
  devAccounts: { principal: string; groups: string[] }[];
  /** The longest a console session lasts, in seconds. */
  sessionSeconds: number;
  /** Where operators' passkeys are scoped and their assertions come from. */
  passkeys: PasskeyTrust;
}
type _ConsoleConfigIsTheSchemas = Assert<SameType<ConsoleConfig, z.output<typeof ConsoleConfigSchema>>>;

/** The default: the development provider with the examples' operators. */
export const DEFAULT_CONSOLE_CONFIG: ConsoleConfig = { devAccounts: DEFAULT_DEV_ACCOUNTS, sessionSeconds: 28_800, passkeys: DEFAULT_PASSKEY_TRUST };

import { z } from 'zod';
import { jsonPathOf } from '../canonical/jsonPath';
import { WritError } from '../errors/writError';

/** Who may sign in at the development OpenID provider, and the groups their ID tokens carry. */
export const DevOidcAccountSchema = z.strictObject({
  principal: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'must be 1 to 128 letters, digits, ".", "_", "@" or "-", starting with a letter or digit'),
  groups: z.array(z.string().min(1).max(256)).max(100).default([]),
});

/** An account of the development OpenID provider. */
export interface DevOidcAccount {
  /** The ID token's `sub`. */
  readonly principal: string;
  /** The ID token's `groups` claim. */
  readonly groups: readonly string[];
}

/**
 * Validates the provider's accounts up front (every problem at once, `CONFIG_INVALID`):
 * principals unique, so a sign-in names exactly one account.
 */
export function parseDevOidcAccounts(accounts: unknown): ReadonlyMap<string, DevOidcAccount> {
  const parsed = z.array(DevOidcAccountSchema).min(1).max(1000).safeParse(accounts);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
    throw new WritError('CONFIG_INVALID', `the OpenID provider's accounts are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const byPrincipal = new Map<string, DevOidcAccount>();
  for (const account of parsed.data) {
    if (byPrincipal.has(account.principal)) throw new WritError('CONFIG_INVALID', `the OpenID provider's accounts name ${account.principal} twice`);
    byPrincipal.set(account.principal, account);
  }
  return byPrincipal;
}

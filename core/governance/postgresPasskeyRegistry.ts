import { counterAdvances, refuseCounter, refuseRebinding, sameBinding, type PasskeyAssertionUse, type PasskeyBinding } from './passkeyRegistry';
import type { PostgresAccess } from './postgresRunRegistry';
import { passkeyRow, passkeyRowValues } from './passkeyRow';

/** Schema version 4 of the PostgreSQL governance store: operators' passkeys and their assertions. */
export const POSTGRES_PASSKEY_REGISTRY_MIGRATION = `
  CREATE TABLE passkeys (
    credential_id TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    groups TEXT NOT NULL,
    public_key TEXT NOT NULL,
    rp_id TEXT NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    binding_digest TEXT NOT NULL,
    evidence TEXT NOT NULL
  );
  CREATE INDEX passkeys_principal ON passkeys (principal);
  CREATE TABLE passkey_assertions (
    credential_id TEXT NOT NULL,
    statement_digest TEXT NOT NULL,
    counter BIGINT NOT NULL,
    PRIMARY KEY (credential_id, statement_digest)
  );
`;

/**
 * The passkey registry of the PostgreSQL governance store. A counter moves inside a
 * transaction holding the passkey's row lock (SELECT ... FOR UPDATE), so two hosts
 * verifying assertions of one passkey at once take turns.
 */
export class PostgresPasskeyRegistry {
  constructor(private readonly db: PostgresAccess) {}

  /** {@inheritDoc GovernanceStore.registerPasskey} */
  async registerPasskey(binding: PasskeyBinding): Promise<PasskeyBinding> {
    await this.db.query(
      `INSERT INTO passkeys (credential_id, principal, groups, public_key, rp_id, registered_at, binding_digest, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (credential_id) DO NOTHING`,
      passkeyRowValues(binding),
    );
    const stored = (await this.passkey(binding.credentialId))!;
    return sameBinding(binding, stored) ? stored : refuseRebinding(stored);
  }

  /** {@inheritDoc GovernanceStore.passkey} */
  async passkey(credentialId: string): Promise<PasskeyBinding | undefined> {
    const [row] = await this.db.query('SELECT * FROM passkeys WHERE credential_id = $1', [credentialId]);
    return row === undefined ? undefined : passkeyRow(row);
  }

  /** {@inheritDoc GovernanceStore.passkeysOf} */
  async passkeysOf(principal: string): Promise<PasskeyBinding[]> {
    return (await this.db.query('SELECT * FROM passkeys WHERE principal = $1 ORDER BY registered_at, credential_id', [principal])).map(passkeyRow);
  }

  /** {@inheritDoc GovernanceStore.recordPasskeyAssertion} */
  async recordPasskeyAssertion(use: PasskeyAssertionUse): Promise<void> {
    await this.db.transaction(async (query) => {
      await query('SELECT credential_id FROM passkeys WHERE credential_id = $1 FOR UPDATE', [use.credentialId]);
      const [seen] = await query('SELECT counter FROM passkey_assertions WHERE credential_id = $1 AND statement_digest = $2', [use.credentialId, use.statementDigest]);
      if (seen !== undefined) return;
      const [row] = await query('SELECT MAX(counter) AS last FROM passkey_assertions WHERE credential_id = $1', [use.credentialId]);
      const last = row?.['last'] === null || row?.['last'] === undefined ? undefined : Number(row['last']);
      if (!counterAdvances(use.counter, last)) refuseCounter(use, last!);
      await query('INSERT INTO passkey_assertions (credential_id, statement_digest, counter) VALUES ($1, $2, $3)', [use.credentialId, use.statementDigest, use.counter]);
    });
  }
}

import type { StatementSync } from 'node:sqlite';
import { immediateTransaction, type StoreDatabase } from '../storage/openDatabase';
import { counterAdvances, refuseCounter, refuseRebinding, sameBinding, type PasskeyAssertionUse, type PasskeyBinding } from './passkeyRegistry';
import { passkeyRow, passkeyRowValues } from './passkeyRow';

/** Schema version 4 of the SQLite governance store: operators' passkeys and their assertions. */
export const SQLITE_PASSKEY_REGISTRY_MIGRATION = `
  CREATE TABLE passkeys (
    credential_id TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    groups TEXT NOT NULL,
    public_key TEXT NOT NULL,
    rp_id TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    binding_digest TEXT NOT NULL,
    evidence TEXT NOT NULL
  ) STRICT;
  CREATE INDEX passkeys_principal ON passkeys (principal);
  CREATE TABLE passkey_assertions (
    credential_id TEXT NOT NULL,
    statement_digest TEXT NOT NULL,
    counter INTEGER NOT NULL,
    PRIMARY KEY (credential_id, statement_digest)
  ) STRICT;
`;

type Row = Record<string, string | number | null>;

/** The passkey registry of the SQLite governance store; counters move inside IMMEDIATE transactions. */
export class SqlitePasskeyRegistry {
  private readonly insert: StatementSync;
  private readonly select: StatementSync;
  private readonly selectOf: StatementSync;
  private readonly selectUse: StatementSync;
  private readonly selectLast: StatementSync;
  private readonly insertUse: StatementSync;

  constructor(private readonly db: StoreDatabase) {
    this.insert = db.prepare(
      `INSERT INTO passkeys (credential_id, principal, groups, public_key, rp_id, registered_at, binding_digest, evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credential_id) DO NOTHING`,
    );
    this.select = db.prepare('SELECT * FROM passkeys WHERE credential_id = ?');
    this.selectOf = db.prepare('SELECT * FROM passkeys WHERE principal = ? ORDER BY registered_at, credential_id');
    this.selectUse = db.prepare('SELECT counter FROM passkey_assertions WHERE credential_id = ? AND statement_digest = ?');
    this.selectLast = db.prepare('SELECT MAX(counter) AS last FROM passkey_assertions WHERE credential_id = ?');
    this.insertUse = db.prepare('INSERT INTO passkey_assertions (credential_id, statement_digest, counter) VALUES (?, ?, ?)');
  }

  /** {@inheritDoc GovernanceStore.registerPasskey} */
  registerPasskey(binding: PasskeyBinding): PasskeyBinding {
    this.insert.run(...(passkeyRowValues(binding) as (string | number)[]));
    const stored = this.passkey(binding.credentialId)!;
    return sameBinding(binding, stored) ? stored : refuseRebinding(stored);
  }

  /** {@inheritDoc GovernanceStore.passkey} */
  passkey(credentialId: string): PasskeyBinding | undefined {
    const row = this.select.get(credentialId) as Row | undefined;
    return row === undefined ? undefined : passkeyRow(row);
  }

  /** {@inheritDoc GovernanceStore.passkeysOf} */
  passkeysOf(principal: string): PasskeyBinding[] {
    return (this.selectOf.all(principal) as Row[]).map(passkeyRow);
  }

  /** {@inheritDoc GovernanceStore.recordPasskeyAssertion} */
  recordPasskeyAssertion(use: PasskeyAssertionUse): void {
    immediateTransaction(this.db, () => {
      if (this.selectUse.get(use.credentialId, use.statementDigest) !== undefined) return;
      const last = (this.selectLast.get(use.credentialId) as { last: number | null }).last;
      if (!counterAdvances(use.counter, last ?? undefined)) refuseCounter(use, last!);
      this.insertUse.run(use.credentialId, use.statementDigest, use.counter);
    });
  }
}

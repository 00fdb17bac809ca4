/**
 * The governance store's schema version 5 on PostgreSQL: the evidence log's sequencing
 * state, so that many hosts append to one log. `evidence_log_state` is the one counter an
 * append takes its indices from (its row lock serialises appends until they commit, so
 * committed entries are always a prefix of the log); `evidence_log_entries` holds every
 * sequenced entry by index, as the bytes the log integrates; `evidence_log_checkpoints`
 * holds the root of every size a checkpoint was signed for, so that no two checkpoints of
 * one size ever carry different roots. `origin` is the log's, fixed by the first append.
 */
export const POSTGRES_EVIDENCE_LOG_MIGRATION = `
  CREATE TABLE evidence_log_state (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    origin TEXT,
    sequenced BIGINT NOT NULL
  );
  INSERT INTO evidence_log_state (singleton, origin, sequenced) VALUES (1, NULL, 0);
  CREATE TABLE evidence_log_entries (
    idx BIGINT PRIMARY KEY,
    entry BYTEA NOT NULL,
    sequenced_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE TABLE evidence_log_checkpoints (
    size BIGINT PRIMARY KEY,
    root BYTEA NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  `;

/**
 * Version 5 on SQLite: the same tables, kept so that one schema version names one
 * contract on both backends. A SQLite store serves one host, whose worker processes share
 * the log directory itself; nothing sequences through these tables there yet.
 */
export const SQLITE_EVIDENCE_LOG_MIGRATION = `
    CREATE TABLE evidence_log_state (
      singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
      origin TEXT,
      sequenced INTEGER NOT NULL
    ) STRICT;
    INSERT INTO evidence_log_state (singleton, origin, sequenced) VALUES (1, NULL, 0);
    CREATE TABLE evidence_log_entries (
      idx INTEGER PRIMARY KEY,
      entry BLOB NOT NULL,
      sequenced_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE evidence_log_checkpoints (
      size INTEGER PRIMARY KEY,
      root BLOB NOT NULL,
      signed_at TEXT NOT NULL
    ) STRICT;
    `;

import { POSTGRES_RUN_REGISTRY_MIGRATION } from './postgresRunRegistry';
import { POSTGRES_PASSKEY_REGISTRY_MIGRATION } from './postgresPasskeyRegistry';

/**
 * The governance store's PostgreSQL schema, one entry per version: entry i takes a
 * database from version i to i + 1. Only ever appended; a released migration is never
 * edited. Versions match the SQLite schema's, so one number names one contract.
 */
export const POSTGRES_GOVERNANCE_MIGRATIONS: readonly string[] = [
  // 1: revocations and the kill switch.
  `
  CREATE TABLE revocations (
    run_id TEXT PRIMARY KEY,
    workflow_id TEXT NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL,
    revoked_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    statement_digest TEXT NOT NULL
  );
  CREATE TABLE kill_switch_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    namespace TEXT NOT NULL,
    engaged BOOLEAN NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    by TEXT NOT NULL,
    reason TEXT NOT NULL,
    statement_digest TEXT NOT NULL
  );
  CREATE INDEX kill_switch_events_latest ON kill_switch_events (namespace, seq DESC);
  `,
  // 2: the single-use registry of signed statements and executions per artifact.
  `
  CREATE TABLE statement_uses (
    statement_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    consumer TEXT NOT NULL,
    statement_digest TEXT NOT NULL,
    used_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE artifact_executions (
    artifact_id TEXT PRIMARY KEY,
    executions INTEGER NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX artifact_executions_expiry ON artifact_executions (expires_at);
  `,
  // 3: verified runs with their lineage chain heads, and identity hand-offs.
  POSTGRES_RUN_REGISTRY_MIGRATION,
  // 4: operators' passkeys and the counters of their assertions.
  POSTGRES_PASSKEY_REGISTRY_MIGRATION,
];

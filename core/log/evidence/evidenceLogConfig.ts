import { z } from 'zod';
import { MAX_APPEND_ENTRIES } from '../storage/removeLeftovers';

/** A log origin as a note key name: a schema-less URL, no spaces or `+`. */
const origin = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._~:/-]{0,255}$/, 'must be a schema-less URL such as example.com/writ-log (no spaces, no "+")');

/** What a log directory is and how appends are batched, for either way of sequencing. */
const directoryFields = {
  /** The log directory (default `<dataDir>/log`). */
  dir: z.string().min(1).optional(),
  /** The log's private key file (default `<dataDir>/log.key`). */
  keyFile: z.string().min(1).optional(),
  /** The log's origin; must be the key's name (default: the key's name; `localhost/writ-log` for a log made in development). */
  origin: origin.optional(),
  /** How long an append waits for others to share its batch, in ms (default 2). */
  batchWindowMs: z.number().min(0).max(100).default(2),
  /** The most entries in one batch (default 256). */
  maxBatchEntries: z.number().int().min(1).max(MAX_APPEND_ENTRIES).default(256),
  /** How long an append waits for another process's batch before the step is denied, in ms (default 5,000). */
  lockTimeoutMs: z.number().int().min(1).max(60_000).default(5_000),
};

/**
 * Where the governed step writes its evidence (`evidenceLog` in writ.config.json). The
 * embedded default is a log directory on this host, shared by its worker processes;
 * `postgres` sequences entries in the PostgreSQL governance store, so that many hosts
 * append to one log, and integrates them into the directory on a schedule; `off` turns
 * write-ahead evidence off altogether, and with it every proof that outlives Temporal
 * history.
 */
export const EvidenceLogConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('directory'), ...directoryFields }),
  z.strictObject({
    kind: z.literal('postgres'),
    ...directoryFields,
    /** How often a checkpoint is published when the log grew, in ms (default 1,000). */
    checkpointIntervalMs: z.number().int().min(10).max(3_600_000).default(1_000),
  }),
  z.strictObject({ kind: z.literal('off') }),
]);

/** A log directory, as configured (paths not yet resolved). */
export interface DirectoryEvidenceLogConfig {
  /** Selects a log directory. */
  readonly kind: 'directory';
  /** The log directory (default `<dataDir>/log`). */
  readonly dir?: string | undefined;
  /** The log's private key file (default `<dataDir>/log.key`). */
  readonly keyFile?: string | undefined;
  /** The log's origin, which must be its key's name (default: the key's). */
  readonly origin?: string | undefined;
  /** How long an append waits for others to share its batch, in ms (default 2). */
  readonly batchWindowMs: number;
  /** The most entries in one batch (default 256). */
  readonly maxBatchEntries: number;
  /** How long an append waits for another process's batch, in ms (default 5,000). */
  readonly lockTimeoutMs: number;
}

/**
 * A log sequenced in the PostgreSQL governance store (which must be configured) and
 * integrated into a log directory: an append is acknowledged once PostgreSQL committed
 * its index; a checkpoint is published every `checkpointIntervalMs` when the log grew.
 */
export interface PostgresEvidenceLogConfig extends Omit<DirectoryEvidenceLogConfig, 'kind'> {
  /** Selects sequencing in PostgreSQL. */
  readonly kind: 'postgres';
  /** How often a checkpoint is published when the log grew, in ms (default 1,000). */
  readonly checkpointIntervalMs: number;
}

/** The evidence log's configuration, as validated. */
export type EvidenceLogConfig = DirectoryEvidenceLogConfig | PostgresEvidenceLogConfig | { readonly kind: 'off' };

/** The embedded default: a log directory under dataDir (paths resolved by loadConfig). */
export const DEFAULT_EVIDENCE_LOG: EvidenceLogConfig = { kind: 'directory', batchWindowMs: 2, maxBatchEntries: 256, lockTimeoutMs: 5_000 };

/** The origin a log made in development gets when none is configured. */
export const DEV_LOG_ORIGIN = 'localhost/writ-log';

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type WritConfig } from '../../../core/config/writConfig';
import { AuditError } from '../../../core/audit/auditError';
import { formatLogVerdict } from '../../../core/audit/log/formatLogVerdict';
import type { LogAuditVerdict } from '../../../core/audit/log/logVerdict';
import { verifyFromLog } from '../../../core/audit/log/verifyFromLog';
import { readLogKey } from '../../../core/log/storage/logKeyFile';
import type { AuditLogSource, AuditLogTrust } from '../../../core/audit/log/auditLogTrust';
import { AUDIT_EXIT, type VerifyCliOptions } from './audit';
import { configuredIdentity, identityFromFile, keysFromFile, keyStoreKeys, policySetsOf } from './auditRun';

/**
 * The verifier of the log's checkpoints an auditor trusts: the log key named by `--log-key`
 * (else the configured log's own key file), its name the origin, and `--witness` keys of
 * which `--witnesses-required` must have cosigned. Never the log's say-so about itself.
 */
export function logTrustOf(opts: Pick<VerifyCliOptions, 'logKey' | 'witness' | 'witnessesRequired'>): AuditLogTrust {
  if (!Number.isInteger(opts.witnessesRequired ?? 0)) throw new AuditError('AUDIT_OPTIONS_INVALID', '--witnesses-required must be a whole number');
  return { logKey: opts.logKey ?? configuredLogKey(), witnessKeys: opts.witness ?? [], witnessesRequired: opts.witnessesRequired ?? 0 };
}

/**
 * The log trust a bundle is verified with: `--log-key` (and the witness flags), else, for a
 * bundle that carries proofs, this host's configured log key when it has one (as `writ log`
 * defaults to it), else none: the proofs are then not checked, and the caller says so.
 */
export function bundleLogTrust(opts: Pick<VerifyCliOptions, 'logKey' | 'witness' | 'witnessesRequired'>, hasProofs: boolean): AuditLogTrust | undefined {
  if (opts.logKey !== undefined || opts.witness !== undefined) return logTrustOf(opts);
  if (!hasProofs) return undefined;
  const log = loadConfig().evidenceLog;
  if (log.kind === 'off' || !existsSync(log.keyFile)) return undefined;
  return logTrustOf({ ...opts, logKey: readLogKey(log.keyFile).verifierKey });
}

function configuredLogKey(): string {
  const log = loadConfig().evidenceLog;
  if (log.kind === 'off') throw new AuditError('AUDIT_OPTIONS_INVALID', "no evidence log is configured here: give the log's verifier key with --log-key");
  return readLogKey(log.keyFile).verifierKey;
}

/**
 * `writ audit verify --log <dir or URL> --workflow-id <id>... | --run-id <id>...`: the runs
 * verified from the evidence log alone, with the keys (`--keys`, else the key stores) and
 * identity provider (`--identity-keys`, else the configured one) the auditor trusts. Prints
 * the verdict; exit 1 on any finding, 2 when the log itself does not verify.
 */
export async function printLogVerdict(opts: VerifyCliOptions & { json?: boolean }): Promise<number> {
  const verdict = await logVerdictFor(opts);
  if (opts.json) process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  else for (const line of formatLogVerdict(verdict)) process.stdout.write(`${line}\n`);
  return verdict.passed ? AUDIT_EXIT.passed : AUDIT_EXIT.findings;
}

async function logVerdictFor(opts: VerifyCliOptions): Promise<LogAuditVerdict> {
  if (opts.log === undefined) throw new AuditError('AUDIT_OPTIONS_INVALID', 'an audit from the log needs --log <dir or URL>');
  if (opts.query !== undefined) throw new AuditError('AUDIT_OPTIONS_INVALID', 'an audit from the log selects runs by --workflow-id or --run-id: the log has no visibility query');
  if (opts.workflowId === undefined && opts.runId === undefined) throw new AuditError('AUDIT_OPTIONS_INVALID', 'give --workflow-id <id...> or --run-id <id...> with --log');
  const log = { location: opts.log, ...logTrustOf(opts) };
  const needsConfig = opts.keys === undefined || opts.identityKeys === undefined || opts.policies === undefined;
  const config = needsConfig ? loadConfig() : undefined;
  const keys = opts.keys === undefined ? keyStoreKeys(config!) : keysFromFile(opts.keys);
  const configured = config === undefined ? undefined : await configuredIdentity(config);
  const identity = opts.identityKeys === undefined ? configured : identityFromFile(opts.identityKeys, configured);
  return verifyFromLog({
    log,
    selection: { ...(opts.workflowId === undefined ? {} : { workflowIds: opts.workflowId }), ...(opts.runId === undefined ? {} : { runIds: opts.runId }) },
    keys,
    ...(identity === undefined ? {} : { identity }),
    ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
    policySets: policySetsOf(opts.policies ?? [config!.policiesDir]),
    trustedCheckpoints: (opts.checkpoint ?? []).map((file) => readCheckpointFile(file)),
  });
}

/**
 * The log `writ audit export` proves the runs' entries in: `--log` (a directory or URL), else
 * the configured log directory when it holds a checkpoint, else none (the bundle then has no
 * proofs, and says so). Read with the auditor's log key, so the export never carries proofs
 * of a log that does not verify.
 */
export function exportLogSource(opts: Pick<VerifyCliOptions, 'log' | 'logKey'>, config: WritConfig): AuditLogSource | undefined {
  if (opts.log !== undefined) return { location: opts.log, ...logTrustOf(opts) };
  const log = config.evidenceLog;
  if (log.kind === 'off' || !existsSync(join(log.dir, 'checkpoint'))) return undefined;
  return { location: log.dir, ...logTrustOf(opts) };
}

function readCheckpointFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new AuditError('EVIDENCE_UNREADABLE', `cannot read checkpoint ${file}: ${(cause as Error).message}`, { cause });
  }
}

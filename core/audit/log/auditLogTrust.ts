import { CheckpointVerifier } from '../../log/checkpoint/checkpointVerifier';
import { parseVerifierKey, SIGNATURE_TYPE } from '../../log/note/noteKeys';
import type { LogReader } from '../../log/storage/logReader';
import { openLogReader } from '../../log/storage/openLogReader';

/** The evidence log as an auditor trusts it: its key, and which witnesses must have cosigned. */
export interface AuditLogTrust {
  /** The log's verifier key (`<origin>+<key id>+<key>`, as `writ log key` prints it); its name is the log's origin. */
  readonly logKey: string;
  /** Witness verifier keys whose cosignatures count. */
  readonly witnessKeys?: readonly string[];
  /** How many distinct witnesses must have cosigned (k of the above); 0 by default. */
  readonly witnessesRequired?: number;
}

/** Where the evidence log is, and how the auditor trusts it. */
export interface AuditLogSource extends AuditLogTrust {
  /** A log directory, or the `http(s)://` URL its tlog-tiles files are served at. */
  readonly location: string;
}

/**
 * The checkpoint verifier for an auditor's trust: the log key given (never one the log or a
 * bundle names for itself), its name as the origin, and the witness quorum. LOG_KEY_INVALID
 * for a key or quorum that is not usable.
 */
export function auditCheckpointVerifier(trust: AuditLogTrust): CheckpointVerifier {
  const origin = parseVerifierKey(trust.logKey, SIGNATURE_TYPE.ed25519).name;
  return CheckpointVerifier.fromVerifierKeys({ origin, logKeys: [trust.logKey], witnessKeys: trust.witnessKeys ?? [], witnessesRequired: trust.witnessesRequired ?? 0 });
}

/** A reader of the log at `source.location`, whose checkpoints verify only with the auditor's trust. */
export function auditLogReader(source: AuditLogSource): LogReader {
  return openLogReader(source.location, auditCheckpointVerifier(source));
}

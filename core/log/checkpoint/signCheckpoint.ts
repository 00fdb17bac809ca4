import { WritError } from '../../errors/writError';
import type { NoteSigner } from '../note/noteSigner';
import { signNote } from '../note/signNote';
import { formatCheckpointBody, type Checkpoint } from './checkpoint';

/**
 * The checkpoint note a log publishes: its body signed by the log's key. Writ names a
 * log's key after its origin, as tlog-checkpoint recommends ("The log's key name in its
 * signature line SHOULD match the origin line"), and refuses (LOG_ORIGIN_MISMATCH) to sign
 * another log's checkpoint with it.
 */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  if (signer.name !== checkpoint.origin) {
    throw new WritError('LOG_ORIGIN_MISMATCH', `key ${signer.name} signs the checkpoints of log ${signer.name}, not of ${checkpoint.origin}`);
  }
  return signNote(formatCheckpointBody(checkpoint), [signer]);
}

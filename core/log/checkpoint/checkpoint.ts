import { WritError } from '../../errors/writError';
import { HASH_SIZE } from '../merkle/hashes';
import { isTreeSize } from '../merkle/treeSize';
import { decodeStrictBase64 } from '../note/base64';

/** A log's tree head: which log, how many entries, and the root hash over them. */
export interface Checkpoint {
  /** The log's identity, the checkpoint's first line. */
  readonly origin: string;
  /** The number of entries. */
  readonly size: number;
  /** The RFC 9162 root hash of the first `size` entries. */
  readonly root: Buffer;
}

/** The checkpoint body (the note text): origin, size and base64 root, each ending in a newline. */
export function formatCheckpointBody(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.root.toString('base64')}\n`;
}

/**
 * Parses a checkpoint body (https://c2sp.org/tlog-checkpoint, "Note text"). Writ accepts
 * exactly the three mandatory lines: a non-empty origin; the size in decimal, with no
 * leading zero (`0` only for the empty tree) and below 2^53; the root as strict base64 of
 * 32 bytes. Extension lines are refused: the spec calls them NOT RECOMMENDED because log
 * monitors cannot audit them, Writ's logs never write them, and a verifier that skipped
 * them would accept text it never checked. Anything else is LOG_CHECKPOINT_MALFORMED.
 * Read a body only after its note has verified.
 */
export function parseCheckpointBody(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('the body must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed(`${lines.length} lines, expected origin, size and root`);
  if (lines.length > 3) throw malformed(`${lines.length - 3} extension line(s) after the root: Writ accepts none`);
  const [origin, sizeLine, rootLine] = lines as [string, string, string];
  if (origin === '') throw malformed('the origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw malformed(`the size ${JSON.stringify(sizeLine)} is not a decimal number without leading zeros`);
  const size = Number(sizeLine);
  if (!isTreeSize(size)) throw malformed(`the size ${sizeLine} is beyond 2^53`);
  const root = decodeStrictBase64(rootLine);
  if (root === undefined || root.length !== HASH_SIZE) throw malformed(`the root ${JSON.stringify(rootLine)} is not base64 of a ${HASH_SIZE}-byte hash`);
  return { origin, size, root };
}

function malformed(why: string): WritError {
  return new WritError('LOG_CHECKPOINT_MALFORMED', `not a checkpoint: ${why}`);
}

import { WritError } from '../../errors/writError';
import { HASH_SIZE } from '../merkle/hashes';
import { isTreeSize } from '../merkle/treeSize';
import { decodeStrictBase64 } from '../note/base64';
import { MAX_NOTE_BYTES } from '../note/signedNote';

/** The most consistency proof lines a request may carry (c2sp.org/tlog-witness). */
const MAX_PROOF_LINES = 63;

/** An add-checkpoint request: the size the client believes the witness last cosigned, a proof from it, the new checkpoint. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Buffer[];
  /** The checkpoint note, verbatim. */
  readonly checkpoint: string;
}

/** The request body of c2sp.org/tlog-witness "add-checkpoint": `old <size>`, proof lines, an empty line, the checkpoint. */
export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  return [`old ${request.oldSize}`, ...request.proof.map((hash) => hash.toString('base64'))].map((line) => `${line}\n`).join('') + `\n${request.checkpoint}`;
}

/**
 * Parses an add-checkpoint request body. LOG_PROOF_MALFORMED for anything but an `old`
 * line (decimal, no leading zero), at most 63 base64 SHA-256 hashes, an empty line and a
 * checkpoint (which the witness then verifies).
 */
export function parseAddCheckpointRequest(input: Uint8Array | string): AddCheckpointRequest {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  if (Buffer.byteLength(text, 'utf8') > MAX_NOTE_BYTES + 4096) throw malformed('too large');
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw malformed('no empty line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]*)$/.exec(lines.shift() ?? '');
  const oldSize = old === null ? Number.NaN : Number(old[1]);
  if (!isTreeSize(oldSize)) throw malformed('the first line must be `old <size>`, the size in decimal without leading zeros');
  if (lines.length > MAX_PROOF_LINES) throw malformed(`${lines.length} proof lines, more than ${MAX_PROOF_LINES}`);
  const proof = lines.map((line, i) => {
    const hash = decodeStrictBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) throw malformed(`proof line ${i + 1} is not base64 of a ${HASH_SIZE}-byte hash`);
    return hash;
  });
  const checkpoint = text.slice(blank + 2);
  if (checkpoint === '') throw malformed('no checkpoint after the empty line');
  return { oldSize, proof, checkpoint };
}

function malformed(why: string): WritError {
  return new WritError('LOG_PROOF_MALFORMED', `not an add-checkpoint request: ${why}`);
}

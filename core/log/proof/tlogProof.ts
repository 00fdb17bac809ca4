import { WritError } from '../../errors/writError';
import { HASH_SIZE } from '../merkle/hashes';
import { isTreeSize } from '../merkle/treeSize';
import { decodeStrictBase64 } from '../note/base64';
import { MAX_NOTE_BYTES } from '../note/signedNote';

/** The first line of every tlog-proof (https://c2sp.org/tlog-proof, "Format"). */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** The file extension the spec recommends. */
export const TLOG_PROOF_EXTENSION = '.tlog-proof';
/** An inclusion proof in a tree of fewer than 2^63 leaves has fewer than 64 hashes. */
const MAX_PROOF_HASHES = 63;

/** A tlog-proof: an entry's index and inclusion proof, and the checkpoint it leads to. */
export interface TlogProof {
  /** Opaque, unauthenticated extra data; Writ writes none and trusts none. */
  readonly extra?: Buffer;
  /** The entry's zero-based index in the log. */
  readonly index: number;
  /** The RFC 9162 inclusion proof, from the leaf's sibling up. */
  readonly proof: readonly Buffer[];
  /** The checkpoint note, verbatim, cosignatures included. */
  readonly checkpoint: string;
}

/** The text of a tlog-proof file. */
export function formatTlogProof(proof: TlogProof): string {
  const lines = [TLOG_PROOF_HEADER];
  if (proof.extra !== undefined) lines.push(`extra ${proof.extra.toString('base64')}`);
  lines.push(`index ${proof.index}`, ...proof.proof.map((hash) => hash.toString('base64')));
  return `${lines.join('\n')}\n\n${proof.checkpoint}`;
}

/**
 * Parses a tlog-proof: the header line; optionally `extra <base64>`; `index <n>` (decimal,
 * no leading zero); zero to 63 base64 SHA-256 hashes, one a line; an empty line; the
 * checkpoint, verbatim (parsed and verified separately). Anything else is
 * LOG_PROOF_MALFORMED. Nothing here is trusted: `verifyTlogProof` checks it all.
 */
export function parseTlogProof(input: Uint8Array | string): TlogProof {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  if (Buffer.byteLength(text, 'utf8') > MAX_NOTE_BYTES + 4096) throw malformed('too large');
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw malformed('no empty line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (lines.shift() !== TLOG_PROOF_HEADER) throw malformed(`the first line must be ${TLOG_PROOF_HEADER}`);
  let extra: Buffer | undefined;
  if (lines[0]?.startsWith('extra ')) {
    extra = decodeStrictBase64(lines.shift()!.slice('extra '.length));
    if (extra === undefined) throw malformed('the extra data is not base64');
  }
  const indexLine = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() ?? '');
  const index = indexLine === null ? Number.NaN : Number(indexLine[1]);
  if (!isTreeSize(index)) throw malformed('no `index <n>` line, with n a decimal below 2^53 without leading zeros');
  if (lines.length > MAX_PROOF_HASHES) throw malformed(`${lines.length} proof hashes, more than ${MAX_PROOF_HASHES}`);
  const proof = lines.map((line, i) => {
    const hash = decodeStrictBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) throw malformed(`proof line ${i + 1} is not base64 of a ${HASH_SIZE}-byte hash`);
    return hash;
  });
  if (checkpoint === '') throw malformed('no checkpoint after the empty line');
  return extra === undefined ? { index, proof, checkpoint } : { extra, index, proof, checkpoint };
}

function malformed(why: string): WritError {
  return new WritError('LOG_PROOF_MALFORMED', `not a tlog-proof: ${why}`);
}

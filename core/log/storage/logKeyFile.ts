import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WritError } from '../../errors/writError';
import { errnoCode } from '../../keys/errnoCode';
import { Ed25519NoteSigner, generateNoteKey } from '../note/noteSigner';
import { SIGNATURE_TYPE } from '../note/noteKeys';
import { writeFilesDurably } from './durableFiles';

/**
 * The log's private key from its key file (`PRIVATE+KEY+<origin>+...`, see
 * generateNoteKey). LOG_KEY_INVALID when the file is missing or holds no such key; the
 * message names the file, never its content.
 */
export function readLogKey(file: string): Ed25519NoteSigner {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new WritError('LOG_KEY_INVALID', `no log key at ${file} (${errnoCode(error) ?? 'unreadable'}): create one with \`writ log init\`, or pass --key`);
  }
  try {
    return Ed25519NoteSigner.fromPrivateKey(text.trim());
  } catch (error) {
    throw new WritError('LOG_KEY_INVALID', `${file} does not hold a log key: ${(error as Error).message}`);
  }
}

/**
 * The key of the log `origin` in `file`: read when the file exists (LOG_ORIGIN_MISMATCH if
 * it is another log's), else created, mode 0600, in a directory only its owner reads.
 */
export async function ensureLogKey(file: string, origin: string): Promise<Ed25519NoteSigner> {
  if (existsSync(file)) {
    const key = readLogKey(file);
    if (key.name !== origin) throw new WritError('LOG_ORIGIN_MISMATCH', `${file} holds the key of log ${key.name}, not ${origin}`);
    return key;
  }
  const pair = generateNoteKey(origin, SIGNATURE_TYPE.ed25519);
  await writeFilesDurably(path.dirname(path.resolve(file)), [{ path: path.basename(file), data: Buffer.from(`${pair.privateKey}\n`), mode: 0o600 }]);
  return Ed25519NoteSigner.fromPrivateKey(pair.privateKey);
}

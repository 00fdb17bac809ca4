import type { IncomingMessage } from 'node:http';
import { readBody } from './readBody';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError } from '../errors/writError';

/** The largest JSON request body read, in bytes: a WebAuthn response is well under 8 KiB. */
export const MAX_JSON_BYTES = 32_768;

/**
 * Reads an `application/json` request body of at most `maxBytes`, strictly (no duplicate
 * members, no imprecise numbers): INPUT_TOO_LARGE beyond, INPUT_INVALID for another type or
 * for text that is not strict JSON.
 */
export async function readJson(request: IncomingMessage, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const text = await readBody(request, 'application/json', maxBytes);
  try {
    return parseStrictJson(text);
  } catch (error) {
    throw new WritError('INPUT_INVALID', `the request is not strict JSON: ${(error as Error).message}`, { cause: error });
  }
}
